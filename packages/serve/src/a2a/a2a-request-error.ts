import { GemloopError } from '@gemloop/core/errors';

/**
 * A request the A2A door refuses before the A2A SDK sees it (no credentials, a body too large
 * or not JSON, too many requests, a wrong method or path). Carries the HTTP status and the
 * JSON-RPC error code; the door answers it as a JSON-RPC error
 * `{ jsonrpc: '2.0', id: null, error: { code, message } }`. Thrown inside the handler only: a
 * caller sees the response.
 */
export class A2ARequestError extends GemloopError {
  override readonly code = 'a2a-request';
  /** Not the code's (`A2aRequestError`): see the `name` of {@link GemloopError}. */
  override get name(): string {
    return 'A2ARequestError';
  }
  /** The HTTP status the door answers with. */
  readonly status: number;
  /** The JSON-RPC error code: -32700 parse error, -32600 invalid request, -32603 internal. */
  readonly rpcCode: number;
  /** For a 405: the methods the route takes, sent as `Allow` (RFC 9110 section 15.5.6). */
  readonly allow: string | undefined;
  /** For a 503: the seconds to wait, sent as `Retry-After` (RFC 9110 section 10.2.3). */
  readonly retryAfter: number | undefined;

  constructor(options: {
    status: number;
    rpcCode: number;
    message: string;
    allow?: string | undefined;
    retryAfter?: number | undefined;
  }) {
    super({ message: options.message });
    this.status = options.status;
    this.rpcCode = options.rpcCode;
    this.allow = options.allow;
    this.retryAfter = options.retryAfter;
  }

  static override isInstance(error: unknown): error is A2ARequestError {
    return GemloopError.hasCode(error, 'a2a-request');
  }

  /**
   * The error as the door's JSON-RPC response; a 401 carries `challenge` as `WWW-Authenticate`
   * (a protected resource's, naming its metadata).
   */
  toResponse(challenge = 'Bearer'): Response {
    const response = new Response(
      JSON.stringify({
        jsonrpc: '2.0',
        id: null,
        error: { code: this.rpcCode, message: this.message },
      }),
      { status: this.status, headers: { 'content-type': 'application/json' } },
    );
    if (this.status === 401) response.headers.set('www-authenticate', challenge);
    if (this.allow !== undefined) response.headers.set('allow', this.allow);
    if (this.retryAfter !== undefined) response.headers.set('retry-after', String(this.retryAfter));
    return response;
  }
}
