import { InvalidArgumentError } from '@gemloop/core/errors';
import { CODED_BODY_MESSAGE, hasContentCoding, readBoundedText } from '@gemloop/core/internal';
import { malformedNotification, requestFault } from './refuse-malformed-requests.ts';
import { rpcError } from './rpc-error.ts';

/**
 * A POST's body, read within `maxBytes` and parsed, for the SDK (`parsedBody`): read by the door
 * so it knows which requests the connection carries. A refusal is returned as the SDK's own
 * answer for it (a `Response`): 413, 415, 400 -32700 for bytes that are not UTF-8 JSON, 400
 * -32600 for an id MCP cannot answer, and `refuseMalformed`'s. @internal
 */
export async function readMcpMessages(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length'));
  const tooLarge = () =>
    rpcError(413, -32000, `Payload too large: the body is over ${maxBytes} bytes.`);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  // -32000 as the SDK's own 415 for another Content-Type.
  if (hasContentCoding(request)) return rpcError(415, -32000, CODED_BODY_MESSAGE);
  let text: string;
  try {
    text = await readBoundedText(request, maxBytes);
  } catch (error) {
    if (!InvalidArgumentError.isInstance(error)) throw error;
    // Bytes that are not UTF-8 are no JSON text (RFC 8259 section 8.1), not text with U+FFFD.
    return error.argument === 'encoding'
      ? rpcError(400, -32700, 'Parse error: the body is not UTF-8')
      : tooLarge();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return rpcError(400, -32700, 'Parse error: Invalid JSON');
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
