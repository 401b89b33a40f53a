import { CODED_BODY_MESSAGE } from '@gemloop/core/internal';
import {
  BODIES_BUSY_RETRY_AFTER_SECONDS,
  type BodyLimits,
  readBoundedBody,
} from '../door/read-bounded-body.ts';
import { McpRequestError } from './mcp-request-error.ts';
import { malformedNotification, requestFault } from './refuse-malformed-requests.ts';
import { rpcError } from './rpc-error.ts';

/**
 * A POST's body, read within `limits` (its `maxBytes`, the door's share of the bodies in flight,
 * its idle time) and parsed, for the SDK (`parsedBody`): read by the door so it knows which
 * requests the connection carries. A refusal is returned as the SDK's own answer for it (a
 * `Response`): 413, 415, 400 -32700 for bytes that are not UTF-8 JSON, 503 -32000 with
 * `retry-after` when the bodies in flight (or the caller's share of them) are at their bound, 408
 * -32000 for a body that stopped arriving, 400 -32600 for an id MCP cannot answer, and
 * `refuseMalformed`'s. @internal
 */
export async function readMcpMessages(request: Request, limits: BodyLimits): Promise<unknown> {
  const { maxBytes } = limits;
  const declared = Number(request.headers.get('content-length'));
  // Before the coding, as this door always answered: a body declared too large is that first.
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes).toResponse();
  let parsed: unknown;
  try {
    parsed = await readBoundedBody(request, {
      ...limits,
      parse: (text) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new McpRequestError({
            status: 400,
            rpcCode: -32700,
            message: 'Parse error: Invalid JSON',
          });
        }
      },
      errors: {
        // -32000 as the SDK's own 415 for another Content-Type.
        coded: () =>
          new McpRequestError({ status: 415, rpcCode: -32000, message: CODED_BODY_MESSAGE }),
        // The SDK's words, which this door's 413 always had.
        tooLarge: () => tooLarge(maxBytes),
        // Bytes that are not UTF-8 are no JSON text (RFC 8259 section 8.1), not text with U+FFFD.
        notUtf8: () =>
          new McpRequestError({
            status: 400,
            rpcCode: -32700,
            message: 'Parse error: the body is not UTF-8',
          }),
        busy: (message) =>
          new McpRequestError({
            status: 503,
            rpcCode: -32000,
            message,
            retryAfter: BODIES_BUSY_RETRY_AFTER_SECONDS,
          }),
        timedOut: (message) => new McpRequestError({ status: 408, rpcCode: -32000, message }),
      },
    });
  } catch (error) {
    if (McpRequestError.isInstance(error)) return error.toResponse();
    throw error;
  }
  // The SDK answered these -32700, as if the JSON were broken: it is JSON, but no valid Request
  // (JSON-RPC 2.0 section 5.1: -32600), and the id, undetectable, is answered null (section 5).
  if (hasInvalidRequestId(parsed)) {
    return rpcError(
      400,
      -32600,
      'Invalid Request: a request id must be a string or an integer (MCP: not null).',
    );
  }
  return refuseMalformed(parsed);
}

/** The 413 in the SDK's own words. */
function tooLarge(maxBytes: number): McpRequestError {
  return new McpRequestError({
    status: 413,
    rpcCode: -32000,
    message: `Payload too large: the body is over ${maxBytes} bytes.`,
  });
}

/**
 * The body without its notifications the SDK cannot read, or the answer to a request of it the
 * SDK cannot read. The SDK's transport refused the whole body as -32700 "Invalid JSON-RPC
 * message" for either (it is JSON, and a request): a notification gets no answer (JSON-RPC 2.0
 * section 4.1), so it is left out, and a body of nothing else is accepted as MCP accepts
 * notifications (202, no body); a request is answered with its id and `requestFault`'s code when
 * it is the body's one message, else with id null, nothing of the body run (as a batch with a
 * bad id is refused whole). A `tools/call`'s `name` and `arguments` reach the server's transport,
 * which answers them one by one (`refuseMalformedRequests`).
 */
function refuseMalformed(body: unknown): unknown {
  const messages = Array.isArray(body) ? body : [body];
  for (const message of messages) {
    const fault = requestFault(message);
    if (fault === undefined) continue;
    const id = Array.isArray(body) ? null : (message as { id: string | number }).id;
    return new Response(JSON.stringify({ jsonrpc: '2.0', error: fault, id }), {
      status: 400,
      headers: { 'content-type': 'application/json' },
    });
  }
  const kept = messages.filter((message) => !malformedNotification(message));
  if (kept.length === messages.length) return body;
  if (kept.length === 0) return new Response(null, { status: 202 });
  return Array.isArray(body) ? kept : kept[0];
}

/**
 * Whether a request of the body (one, or any of a batch) has an id MCP cannot answer: JSON-RPC
 * 2.0 (section 4) allows a string, a number ("SHOULD NOT contain fractional parts") or null, and
 * MCP (2025-06-18, Basic, Requests) "a string or integer ID ... MUST NOT be null". A message
 * with no `method` is a response to the server, the SDK's to judge.
 */
function hasInvalidRequestId(body: unknown): boolean {
  return (Array.isArray(body) ? body : [body]).some((message) => {
    if (typeof message !== 'object' || message === null || !Object.hasOwn(message, 'id')) {
      return false;
    }
    const { id, method } = message as { id?: unknown; method?: unknown };
    return method !== undefined && typeof id !== 'string' && !Number.isInteger(id);
  });
}
