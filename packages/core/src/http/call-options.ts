import type { RetryOptions } from '../retry/retry-options.ts';
import type { RetryEvent } from '../retry/with-retry.ts';

/** Per-call options. */
export type CallOptions = {
  /**
   * Aborts the call, including a retry wait, at once; the call then rejects with
   * `signal.reason` (an `AbortError` DOMException unless you gave another reason).
   */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number | undefined;
  /** Overrides the client's retry policy for this call. */
  retry?: RetryOptions | false | undefined;
  /** Extra headers for this call; credentials among them are redacted as the client's are. */
  headers?: Record<string, string> | undefined;
  /**
   * Called before each retry wait, with the failed attempt's error and the delay: how telemetry
   * and the run recorder see every attempt. It must not throw (what it throws is ignored).
   */
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /**
   * Called with the status and headers of each 2xx response, before its body is read (a retried
   * attempt calls it again): to read `x-gemini-service-tier` ({@link readServiceTier}), a
   * gateway's request id or rate-limit headers. It must not throw (what it throws is ignored).
   */
  onResponse?: ((response: ResponseInfo) => void) | undefined;
  /**
   * Awaited right before each HTTP attempt is sent (a retried attempt calls it again, after its
   * retry wait): an admission step, such as a rate limit that counts requests as the API sees
   * them, waits here. The attempt's time limit starts once it resolves; the call's `signal`
   * (passed in {@link SendInfo}) should end the wait. What it throws fails the call (not retried
   * unless it is a retryable `ApiCallError`).
   *
   * It may return a function, called once when the API has certainly seen the request or never
   * will: when the response headers arrived (or the error status was read), or when the attempt
   * failed before that. What that function throws is ignored.
   */
  beforeSend?: ((send: SendInfo) => SendAdmission | Promise<SendAdmission>) | undefined;
};

/**
 * What {@link CallOptions.beforeSend} returns: nothing, or what to call once the request was
 * answered.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: an `async () => {}` hook returns Promise<void>.
export type SendAdmission = (() => void) | undefined | void;

/** What {@link CallOptions.beforeSend} is told of the attempt about to be sent. */
export type SendInfo = {
  /** 1-based. */
  attempt: number;
  /** The API method: `generateContent`, `streamGenerateContent`, `countTokens`, ... */
  method: string;
  /** The model path (`models/gemini-2.5-flash`), when the call has one. */
  model: string | undefined;
  /** The call's signal: an admission wait ends when it aborts. */
  signal: AbortSignal | undefined;
  /** The attempt's time limit (`Infinity` for none), which starts once admitted. */
  timeoutMs: number;
};

/** What {@link CallOptions.onResponse} sees of a response. */
export type ResponseInfo = {
  status: number;
  headers: Headers;
  /** 1-based. */
  attempt: number;
};
