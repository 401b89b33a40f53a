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
  | 'invalid-option'
  | 'file-refused';

/**
 * Why a file of a message was not sent (`file-refused`): more files than a message takes, more
 * bytes, a type the route does not take (or none), neither a file nor a base64 data URL, a file the
 * browser could not read. The page's own check and the server's refusal (`readPageMessage`'s
 * answer) name the same faults.
 */
export type FileFault =
  | 'too-many-files'
  | 'too-large'
  | 'type-not-taken'
  | 'not-a-file'
  | 'unreadable';

/**
 * Every error `@gemloop/client` throws (an abort rethrows the signal's reason instead). Carries
 * data: `code`, `status` for an HTTP answer, `option` for an option it cannot use, and `file` for a file of a message that was not sent; check with `ClientError.isInstance(error)`, which
 * works across duplicate installs.
 */
export class ClientError extends Error {
  readonly code: ClientErrorCode;
  /** The HTTP status, for `http-status`, `redirect` (0 for a browser's opaque redirect), `resume-unavailable` and a server's `file-refused` (400). */
  readonly status: number | undefined;
  /** The option at fault (`maxEvents`, say), for `invalid-option`. */
  readonly option: string | undefined;
  /** The file at fault (its index among the message's files) and why, for `file-refused`. */
  readonly file: { index: number; fault: FileFault } | undefined;

  constructor({
    code,
    message,
    status,
    option,
    file,
    cause,
  }: {
    code: ClientErrorCode;
    message: string;
    status?: number | undefined;
    option?: string | undefined;
    file?: { index: number; fault: FileFault } | undefined;
    cause?: unknown;
  }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ClientError';
    this.code = code;
    this.status = status;
    this.option = option;
    this.file = file;
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
