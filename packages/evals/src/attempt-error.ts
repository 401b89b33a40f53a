import { cutText } from '@gemloop/core/internal';
import type { EvalAttempt, EvalErrorKind } from './eval-result.ts';

/** An attempt that passed its time limit. @internal */
export class AttemptTimeout extends Error {}

/**
 * What an attempt's error says in its result: its kind (thrown, timed out, rate-limited), with
 * `redact` applied before the message is cut to its bound: cut first, a key across the bound would
 * keep its first characters, which no redactor then recognises. @internal
 */
export function describeError(
  error: unknown,
  redact: (text: string) => string = (text) => text,
): NonNullable<EvalAttempt['error']> {
  // User code may throw anything: a Proxy whose every trap throws, an Error whose `name` or
  // `message` is a getter that throws. Each read below is guarded, or describing the attempt threw
  // and ended runEval with every other case's result lost (attack-core9).
  const isError = guarded(() => error instanceof Error, false);
  const timeout = guarded(() => error instanceof AttemptTimeout, false);
  const status = guarded(() => statusOf(error), undefined);
  const kind: EvalErrorKind = timeout ? 'timeout' : status === 429 ? 'rate-limited' : 'threw';
  const ownName = isError ? guarded(() => (error as Error).name, undefined) : undefined;
  // Bounded as the message is: a 1 MB name went whole into --json and --junit.
  const name = timeout
    ? 'TimeoutError'
    : typeof ownName === 'string'
      ? cutText(ownName, 200)
      : '_OTHER';
  const message = isError
    ? textOf(guarded(() => (error as Error).message, '(a message that could not be read)'))
    : textOf(error);
  return {
    kind,
    name,
    message: cutText(redact(message), 2000),
    ...(typeof status === 'number' ? { status } : {}),
  };
}

/** `read()`, or `fallback` when it throws. */
function guarded<T, F>(read: () => T, fallback: F): T | F {
  try {
    return read();
  } catch {
    return fallback;
  }
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
      // A Proxy whose traps throw fails even here (it is asked for Symbol.toStringTag).
      return guarded(
        () => Object.prototype.toString.call(value),
        '(a thrown value that could not be read)',
      );
    }
  }
}

/**
 * The API keys an eval may hold: the live client's (`live.apiKey`), and those `createGemini` falls
 * back to (`GEMINI_API_KEY`, `GOOGLE_API_KEY`), which a scorer's or an agent's own client reads too.
 * @internal
 */
export function evalSecrets(apiKey: string | undefined): string[] {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return [apiKey, env?.['GEMINI_API_KEY'], env?.['GOOGLE_API_KEY']].filter(
    (value): value is string => typeof value === 'string' && value !== '',
  );
}

/**
 * `attempt` with `redact` applied to every text it carries from the run and its scorers (the
 * answer, the error, each score's reason, the drift): a scorer or an agent factory that throws
 * with the key in its message (a client made by hand, a gateway that echoes it) would otherwise
 * print it and write it to `--json` and `--junit`. The same object when nothing changes.
 * @internal
 */
export function redactAttempt(attempt: EvalAttempt, redact: (text: string) => string): EvalAttempt {
  const text = redact(attempt.text);
  const error =
    attempt.error === undefined
      ? undefined
      : { ...attempt.error, message: redact(attempt.error.message) };
  const scores = attempt.scores.map((score) => {
    const reason = redact(score.reason);
    return reason === score.reason ? score : { ...score, reason };
  });
  const drift =
    attempt.drift === undefined
      ? undefined
      : { ...attempt.drift, reason: redact(attempt.drift.reason) };
  if (
    text === attempt.text &&
    error?.message === attempt.error?.message &&
    scores.every((score, index) => score === attempt.scores[index]) &&
    drift?.reason === attempt.drift?.reason
  ) {
    return attempt;
  }
  return {
    ...attempt,
    text,
    scores,
    ...(error === undefined ? {} : { error }),
    ...(drift === undefined ? {} : { drift }),
  };
}
