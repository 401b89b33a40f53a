import { formatDelay } from '../errors/api-call/format-delay.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { LoadOnce } from '../shared/load-once.ts';
import { computeBackoffDelay } from './compute-backoff-delay.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { sleep } from './sleep.ts';

/** What {@link withRetry} reports before it waits for a retry. */
export type RetryEvent = {
  error: unknown;
  /** The attempt that failed (1-based). */
  attempt: number;
  delayMs: number;
  /** Whether the delay is the server's (RetryInfo, Retry-After) rather than backoff. */
  isServerDelay: boolean;
};

/** Options of {@link withRetry}. */
export type WithRetryOptions = {
  policy: RetryPolicy;
  /** Stops a retry wait at once; the call then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Whether a failure may be retried. @defaultValue an {@link ApiCallError} with `isRetryable` */
  isRetryable?: ((error: unknown) => boolean) | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Source of jitter, for tests. @defaultValue `Math.random` */
  random?: (() => number) | undefined;
};

function isRetryableApiCallError(error: unknown): boolean {
  return ApiCallError.isInstance(error) && error.isRetryable;
}

/**
 * Runs `attempt` until it succeeds, a failure is not retryable, or the retries are spent; the final
 * rejection is the last error itself (its `attempt` says which one it was), never a wrapper.
 *
 * The wait before a retry is the server's delay when it gave one (`retryDelayMs` from RetryInfo or
 * Retry-After), exactly; otherwise exponential backoff with jitter. A server delay over
 * `policy.maxServerDelayMs` fails at once, with a note on the error, instead of sleeping. Per-day
 * quota errors are not retryable, so they fail at once too.
 *
 * The first attempt runs directly: almost every call succeeds at once, and p-retry costs about
 * 16 us and 3 KB per call even then. Only after a retryable failure (and its wait) does p-retry run
 * the remaining attempts and the abort checks; its own backoff is set to zero because both kinds
 * of delay are waited for here, where the error is known. p-retry is imported then too, not with
 * gemloop: a cold `import '@gemloop/core'` loads each module on its own (see bench/README.md,
 * issue 12), and most processes never retry.
 * @internal
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: WithRetryOptions,
): Promise<T> {
  options.signal?.throwIfAborted();
  return retryAfter(attempt(1), attempt, options);
}

/**
 * {@link withRetry} once its first attempt is under way: the caller starts attempt 1 itself, after
 * `signal?.throwIfAborted()`. Attempts 2 and later are made by `attempt(attemptNumber)`, as
 * {@link withRetry} makes them.
 * @internal
 */
export async function retryAfter<T>(
  first: Promise<T>,
  attempt: (attemptNumber: number) => Promise<T>,
  options: WithRetryOptions,
): Promise<T> {
  const { policy, signal } = options;
  if (policy.maxRetries === 0) return first;
  let firstError: unknown;
  try {
    const result = await first;
    // As p-retry does: a result that arrives after the caller aborted is not returned.
    signal?.throwIfAborted();
    return result;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    firstError = error;
  }
  return retryFailed(firstError, attempt, options);
}

/**
 * The retries after a first attempt failed with `firstError` (the caller has checked that retries
 * are allowed, `policy.maxRetries > 0`, and that its signal has not aborted): the first attempt's
 * own caller hands its failure here, so that nothing of the retry machinery (no closure, no
 * promise) is made for a call that succeeds at once (the request path, send-with-retry.ts).
 * @internal
 */
export async function retryFailed<T>(
  firstError: unknown,
  attempt: (attemptNumber: number) => Promise<T>,
  { policy, signal, isRetryable = isRetryableApiCallError, onRetry, random }: WithRetryOptions,
): Promise<T> {
  const waitBeforeRetry = async (error: Error, attemptNumber: number): Promise<boolean> => {
    if (!isRetryable(error)) return false;
    const serverDelay = ApiCallError.isInstance(error) ? error.retryDelayMs : undefined;
    if (serverDelay !== undefined && serverDelay > policy.maxServerDelayMs) {
      throw appendNote(
        error as ApiCallError,
        `Not retried: the server asked to wait ${formatDelay(serverDelay)}, more than ` +
          `retry.maxServerDelayMs (${formatDelay(policy.maxServerDelayMs)}). Try again later, ` +
          'or raise retry.maxServerDelayMs.',
      );
    }
    const delayMs = serverDelay ?? computeBackoffDelay(policy, attemptNumber, random);
    onRetry?.({ error, attempt: attemptNumber, delayMs, isServerDelay: serverDelay !== undefined });
    await sleep(delayMs, signal);
    return true;
  };

  try {
    // p-retry hands failures over as Errors (anything else becomes a TypeError); so does this.
    const first = toError(firstError);
    if (!isRetryable(first)) throw first;
    // Loaded while the first retry waits (a failure to load surfaces at the await below).
    const loading = loadPRetry();
    loading.catch(() => {});
    if (!(await waitBeforeRetry(first, 1))) throw first;
    const pRetry = await loading;
    let retryNext = false;
    return await pRetry((attemptNumber) => attempt(attemptNumber + 1), {
      retries: policy.maxRetries - 1,
      minTimeout: 0,
      maxTimeout: 0,
      randomize: false,
      signal,
      shouldRetry: () => retryNext,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        retryNext = false;
        if (retriesLeft <= 0) return;
        retryNext = await waitBeforeRetry(error, attemptNumber + 1);
      },
    });
  } catch (error) {
    // p-retry turns a non-Error abort reason into a TypeError; the caller's reason is what to throw.
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

const pRetry = new LoadOnce(async () => (await import('p-retry')).default);

function loadPRetry(): Promise<typeof import('p-retry').default> {
  return pRetry.load();
}

/**
 * Loads p-retry now, as a client's first retry would (see `preloadFailurePath`). A failed load is
 * left for that retry to report.
 * @internal
 */
export async function preloadRetries(): Promise<void> {
  await loadPRetry().catch(() => {});
}

function toError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new TypeError(`Non-error was thrown: "${String(error)}". You should only throw errors.`);
}

/** A copy of `error` with a sentence added to its message; every field stays the same. */
function appendNote(error: ApiCallError, note: string): ApiCallError {
  const copy = new ApiCallError({
    message: `${error.message} ${note}`,
    url: error.url,
    method: error.method,
    status: error.status,
    googleStatus: error.googleStatus,
    apiMessage: error.apiMessage,
    details: error.details,
    responseHeaders: error.responseHeaders,
    responseBody: error.responseBody,
    isRetryable: error.isRetryable,
    retryDelayMs: error.retryDelayMs,
    isDailyQuota: error.isDailyQuota,
    attempt: error.attempt,
    cause: error.cause,
  });
  return copy;
}
