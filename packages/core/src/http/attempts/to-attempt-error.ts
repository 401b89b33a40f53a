import { networkErrorOf } from '../../errors/api-call-error-of.ts';
import { GemloopError } from '../../errors/gemloop-error.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import { scrubSecrets } from '../../shared/scrub-secrets.ts';
import type { AttemptSignal } from './create-attempt-signal.ts';

/** What {@link toAttemptError} needs to classify a failure. */
export type ToAttemptErrorOptions = {
  url: string;
  method: string;
  attempt: number;
  attemptSignal: AttemptSignal;
  /** The caller's signal: when it aborted, its reason is what the call rejects with. */
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** What was awaited when the time ran out, for the message. */
  waitingFor: string;
  redact: readonly string[];
  /** Whether the client was given a `fetch` option, for the message of a network failure. */
  fetchGiven: boolean;
  /** The response's status once its headers came: a later failure is worded as after an answer. */
  status: number | undefined;
  /** That response's headers, read only here (a failure): kept on a network failure's error. */
  headers?: (() => Headers | undefined) | undefined;
};

/**
 * Turns whatever an attempt threw (fetch, reading the body, the stream parser) into what the call
 * rejects with (boxed, {@link AttemptError}): the caller's abort reason when the caller aborted; a {@link TimeoutError} when the
 * attempt's time limit fired; a gemloop error as it is; anything else as a network-failure
 * `ApiCallError` (retryable when it is a known transient failure).
 *
 * Whatever it returns (except the caller's own abort reason) is scrubbed of the client's secrets,
 * its message, fields and whole `cause` chain: a fetch implementation, proxy agent or socket error
 * may quote the request headers, and an error is printed whole (`util.inspect`, loggers).
 * @internal
 */
export async function toAttemptError(
  error: unknown,
  options: ToAttemptErrorOptions,
): Promise<AttemptError> {
  // Boxed: a promise resolved with a thenable reason would call its `then` and take what it gives.
  if (options.signal?.aborted) return { error: options.signal.reason };
  // A network failure's message loads with the API errors' (api-call-error-of.ts): awaited only
  // on a failure, so a run that succeeds loads none of it.
  return { error: scrubSecrets(await classify(error, options), options.redact) };
}

/**
 * What a failed attempt rejects with, in a box: the caller's abort reason may be a thenable,
 * which no promise may resolve with as it is.
 * @internal
 */
export type AttemptError = { readonly error: unknown };

function classify(error: unknown, options: ToAttemptErrorOptions): unknown {
  if (options.attemptSignal.timedOut) {
    return new TimeoutError({
      timeoutMs: options.timeoutMs,
      operation: options.method,
      message:
        `${options.method} timed out after ${options.timeoutMs} ms waiting for ${options.waitingFor} ` +
        `(attempt ${options.attempt}). Raise timeoutMs (per client or per call) if the model needs longer.`,
      cause: error,
    });
  }
  if (GemloopError.isInstance(error)) return error;
  return networkErrorOf({
    url: options.url,
    method: options.method,
    cause: error,
    attempt: options.attempt,
    redact: options.redact,
    fetchGiven: options.fetchGiven,
    answeredStatus: options.status,
    answeredHeaders: options.headers?.(),
  });
}
