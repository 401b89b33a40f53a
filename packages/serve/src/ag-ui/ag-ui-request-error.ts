import { GemloopError } from '@gemloop/core/errors';

/**
 * A request the AG-UI door refuses before any run starts (bad JSON, a `RunAgentInput` of the
 * wrong shape, a thread that is not the caller's, a body too large, too many requests, no
 * credentials). Carries the HTTP status and a short `errorCode`; the door answers it as JSON
 * `{ error: { message, code } }`. Thrown inside the handler only: a caller sees the response.
 */
export class AgUiRequestError extends GemloopError {
  override readonly code = 'ag-ui-request';
  /** The HTTP status the door answers with. */
  readonly status: number;
  /** What was wrong: `invalid_json`, `invalid_input`, `thread_busy`, `nothing_to_resume`, ... */
  readonly errorCode: string;
  /** For a 503: the seconds to wait, sent as `Retry-After` (RFC 9110 section 10.2.3). */
  readonly retryAfter: number | undefined;

  constructor(options: {
    status: number;
    errorCode: string;
    message: string;
    retryAfter?: number | undefined;
  }) {
    super({ message: options.message });
    this.status = options.status;
    this.errorCode = options.errorCode;
    this.retryAfter = options.retryAfter;
  }

  static override isInstance(error: unknown): error is AgUiRequestError {
    return GemloopError.hasCode(error, 'ag-ui-request');
  }

  /** The error as the door's JSON response. */
  toResponse(): Response {
    const response = new Response(
      JSON.stringify({ error: { message: this.message, code: this.errorCode } }),
      { status: this.status, headers: { 'content-type': 'application/json' } },
    );
    if (this.status === 401) response.headers.set('www-authenticate', 'Bearer');
    // A run is a POST, the door's only method (RFC 9110 section 15.5.6: a 405 names them).
    if (this.status === 405) response.headers.set('allow', 'POST');
    if (this.retryAfter !== undefined) response.headers.set('retry-after', String(this.retryAfter));
    return response;
  }
}
