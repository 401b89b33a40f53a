import type { EvalAttempt, EvalErrorKind } from './eval-result.ts';

/** An attempt that passed its time limit. @internal */
export class AttemptTimeout extends Error {}

/** What an attempt's error says in its result: its kind (thrown, timed out, rate-limited), bounded. @internal */
export function describeError(error: unknown): NonNullable<EvalAttempt['error']> {
  const status = statusOf(error);
  const kind: EvalErrorKind =
    error instanceof AttemptTimeout ? 'timeout' : status === 429 ? 'rate-limited' : 'threw';
  const name =
    error instanceof AttemptTimeout
      ? 'TimeoutError'
      : error instanceof Error
        ? error.name
        : '_OTHER';
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind,
    name,
    message: message.slice(0, 2000),
    ...(typeof status === 'number' ? { status } : {}),
  };
}

/** The HTTP status of an API error, looked for down the cause chain (a run wraps its call's error). */
function statusOf(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const status = (current as { status?: unknown }).status;
    if (typeof status === 'number') return status;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
