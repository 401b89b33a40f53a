import type {
  BadRequest,
  ErrorInfo,
  GoogleErrorDetail,
  Help,
  QuotaFailure,
  RetryInfo,
} from '../wire/error-body.ts';
import { GemloopError } from './gemloop-error.ts';

/** What {@link ApiCallError} is built from. */
export type ApiCallErrorOptions = {
  message: string;
  /** The request URL (never with a key in it). */
  url: string;
  /** `generateContent`, `streamGenerateContent`, `countTokens`, `listModels`, ... */
  method: string;
  /**
   * HTTP status; absent when no response arrived (connection refused, reset, DNS). For an error
   * object a 2xx answer carried: its `code`, or without one the HTTP status its `status` name
   * means (`UNAVAILABLE` is 503). For a 2xx answer whose body then broke (cut off, unreadable):
   * that 2xx, so a status below 300 is no error status.
   */
  status?: number | undefined;
  /** The Google status name from the body: `INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, ... */
  googleStatus?: string | undefined;
  /** The server's own message, unmodified. */
  apiMessage?: string | undefined;
  details?: GoogleErrorDetail[] | undefined;
  responseHeaders?: Record<string, string> | undefined;
  /**
   * The response's body. gemloop's own errors keep its first 64 Ki characters (a note says how
   * many more there were), as an error status's body is read no further.
   */
  responseBody?: string | undefined;
  /**
   * Whether the failure is transient, so that sending the call again may succeed: 408, 429 (not a
   * spent daily quota) and 5xx, and transient network failures. The client retries these itself,
   * except an error event that came after a stream delivered a chunk (a retry would repeat the
   * chunks; the message then says it was not retried). A durable run re-runs such a call.
   */
  isRetryable: boolean;
  /**
   * The delay the server asked for (RetryInfo or Retry-After), in milliseconds, at most
   * `Number.MAX_SAFE_INTEGER`; absent when it gave none, or a negative or unreadable one.
   */
  retryDelayMs?: number | undefined;
  /** A per-day quota is spent: retrying today will not help. */
  isDailyQuota?: boolean | undefined;
  /** Which attempt (1-based) failed. */
  attempt?: number | undefined;
  cause?: unknown;
};

/**
 * A call to the Gemini API failed: an HTTP error status, an error object inside a stream, or no
 * response at all (then `status` is absent). Carries the parsed Google error: status name,
 * `details` (RetryInfo, QuotaFailure, ErrorInfo, BadRequest, Help, ...), and whether a retry can
 * help.
 */
export class ApiCallError extends GemloopError {
  override readonly code = 'api-call';
  readonly url: string;
  readonly method: string;
  readonly status: number | undefined;
  readonly googleStatus: string | undefined;
  readonly apiMessage: string | undefined;
  readonly details: GoogleErrorDetail[];
  readonly responseHeaders: Record<string, string> | undefined;
  readonly responseBody: string | undefined;
  readonly isRetryable: boolean;
  readonly retryDelayMs: number | undefined;
  readonly isDailyQuota: boolean;
  readonly attempt: number | undefined;

  constructor(options: ApiCallErrorOptions) {
    super({ message: options.message, cause: options.cause });
    this.url = options.url;
    this.method = options.method;
    this.status = options.status;
    this.googleStatus = options.googleStatus;
    this.apiMessage = options.apiMessage;
    this.details = options.details ?? [];
    this.responseHeaders = options.responseHeaders;
    this.responseBody = options.responseBody;
    this.isRetryable = options.isRetryable;
    this.retryDelayMs = options.retryDelayMs;
    this.isDailyQuota = options.isDailyQuota ?? false;
    this.attempt = options.attempt;
  }

  static override isInstance(error: unknown): error is ApiCallError {
    return GemloopError.hasCode(error, 'api-call');
  }

  /** The `google.rpc.RetryInfo` detail, if any. */
  get retryInfo(): RetryInfo | undefined {
    return findDetail<RetryInfo>(this.details, 'RetryInfo');
  }

  /** The `google.rpc.QuotaFailure` detail, if any. */
  get quotaFailure(): QuotaFailure | undefined {
    return findDetail<QuotaFailure>(this.details, 'QuotaFailure');
  }

  /** The `google.rpc.ErrorInfo` detail, if any (e.g. `reason: 'API_KEY_INVALID'`). */
  get errorInfo(): ErrorInfo | undefined {
    return findDetail<ErrorInfo>(this.details, 'ErrorInfo');
  }

  /** The `google.rpc.BadRequest` detail, if any, with its field violations. */
  get badRequest(): BadRequest | undefined {
    return findDetail<BadRequest>(this.details, 'BadRequest');
  }

  /** The `google.rpc.Help` detail, if any. */
  get help(): Help | undefined {
    return findDetail<Help>(this.details, 'Help');
  }
}

function findDetail<T extends GoogleErrorDetail>(
  details: GoogleErrorDetail[],
  type: string,
): T | undefined {
  const suffix = `google.rpc.${type}`;
  return details.find(
    (detail) => typeof detail['@type'] === 'string' && detail['@type'].endsWith(suffix),
  ) as T | undefined;
}
