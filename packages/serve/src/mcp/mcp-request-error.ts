import { GemloopError } from '@gemloop/core/errors';
import { rpcError } from './rpc-error.ts';

/**
 * A POST the MCP HTTP door refuses while reading its body (too large, coded, not UTF-8 JSON, the
 * bodies in flight at their bound, a body that stopped arriving): the HTTP status, the JSON-RPC
 * error code and, for a 503, the seconds to wait. Thrown inside the door's body reader only; a
 * caller sees {@link McpRequestError.toResponse}, a JSON-RPC error with id null.
 */
export class McpRequestError extends GemloopError {
  override readonly code = 'mcp-request';
  /** The HTTP status the door answers with. */
  readonly status: number;
  /** The JSON-RPC error code: -32700 for a parse error, -32000 for the door's own refusals. */
  readonly rpcCode: number;
  /** For a 503: the seconds to wait, sent as `Retry-After` (RFC 9110 section 10.2.3). */
  readonly retryAfter: number | undefined;

  constructor(options: {
    status: number;
    rpcCode: number;
    message: string;
    retryAfter?: number | undefined;
  }) {
    super({ message: options.message });
    this.status = options.status;
    this.rpcCode = options.rpcCode;
    this.retryAfter = options.retryAfter;
  }

  static override isInstance(error: unknown): error is McpRequestError {
    return GemloopError.hasCode(error, 'mcp-request');
  }

  /** The error as the door's JSON-RPC response (id null: the request was not read). */
  toResponse(): Response {
    return rpcError(
      this.status,
      this.rpcCode,
      this.message,
      this.retryAfter === undefined ? {} : { 'retry-after': String(this.retryAfter) },
    );
  }
}
