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
      : error instanceof Error && typeof error.name === 'string'
        ? error.name
        : '_OTHER';
  const message = error instanceof Error ? textOf(error.message) : textOf(error);
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

/**
 * A thrown value as text, never throwing itself: user code may throw anything, and `String()`
 * throws for an object without a prototype or whose `toString` throws (the attempt would then
 * end `runEval` instead of being an error attempt).
 */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    try {
      return JSON.stringify(value) ?? Object.prototype.toString.call(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}
