/**
 * Retry policy for calls that fail with 408, 429, 500, 502, 503, 504 or a network error.
 * Exponential backoff with jitter; the server's own delay (RetryInfo, Retry-After) wins when given.
 */
export type RetryOptions = {
  /** Retries after the first attempt; `0` turns retries off. @defaultValue 3 */
  maxRetries?: number | undefined;
  /** First backoff delay. @defaultValue 1000 */
  initialDelayMs?: number | undefined;
  /** Cap of one backoff delay. @defaultValue 30000 */
  maxDelayMs?: number | undefined;
  /** Backoff growth per attempt. @defaultValue 2 */
  factor?: number | undefined;
  /**
   * Randomise each backoff delay: a uniform pick between 0.5x and 1.5x the nominal value (capped
   * by `maxDelayMs`). Server-requested delays are never randomised. @defaultValue true
   */
  jitter?: boolean | undefined;
  /**
   * The longest server-requested delay gemloop will wait. A longer one fails at once, with the
   * delay on the error (`retryDelayMs`), instead of sleeping, whether RetryInfo's `retryDelay` or
   * the `Retry-After` (or `retry-after-ms`) header asked for it. A negative or unreadable delay
   * (`-5s`, `NaNs`) is ignored: the call backs off as if none was given. @defaultValue 60000
   */
  maxServerDelayMs?: number | undefined;
};
