/** What went wrong, as a `code` a page can switch on. */
export type ClientErrorCode =
  | 'http-status'
  | 'redirect'
  | 'not-an-event-stream'
  | 'protocol'
  | 'limit'
  | 'resume-unavailable'
  | 'connection-lost'
  | 'idle-timeout'
  | 'invalid-option';

/**
 * Every error `@gemloop/client` throws (an abort rethrows the signal's reason instead). Carries
 * data: `code`, `status` for an HTTP answer, and `option` for an option it cannot use; check with `ClientError.isInstance(error)`, which
 * works across duplicate installs.
 */
export class ClientError extends Error {
  readonly code: ClientErrorCode;
  /** The HTTP status, for `http-status`, `redirect` (0 for a browser's opaque redirect) and `resume-unavailable`. */
  readonly status: number | undefined;
  /** The option at fault (`maxEvents`, say), for `invalid-option`. */
  readonly option: string | undefined;

  constructor({
    code,
    message,
    status,
    option,
    cause,
  }: {
    code: ClientErrorCode;
    message: string;
    status?: number | undefined;
    option?: string | undefined;
    cause?: unknown;
  }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ClientError';
    this.code = code;
    this.status = status;
    this.option = option;
    Object.defineProperty(this, Symbol.for('gemloop.client-error'), { value: true });
  }

  /** Whether `error` is a {@link ClientError} (of any copy of this package). */
  static isInstance(error: unknown): error is ClientError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[Symbol.for('gemloop.client-error')] === true
    );
  }
}
