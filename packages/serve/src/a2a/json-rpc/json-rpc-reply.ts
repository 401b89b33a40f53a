import type { User } from '@a2a-js/sdk/server';
import { CODED_BODY_MESSAGE } from '@gemloop/core/internal';
import {
  BODIES_BUSY_RETRY_AFTER_SECONDS,
  type BodyLimits,
  parseJsonOr,
  readBoundedBody,
} from '../../door/read-bounded-body.ts';
import { isRecord } from '../../openai/to-contents.ts';
import { A2ARequestError } from '../a2a-request-error.ts';

// The JSON-RPC 2.0 envelope of the A2A door: its replies, and the few rules it keeps on top of
// the SDK's transport (fixed words for an internal error, a bounded body).

/** JSON-RPC's internal error: its message may be a thrown error's own words. @internal */
export const INTERNAL_ERROR = -32603;
/** The fixed words an internal error is shown with. @internal */
export const INTERNAL_MESSAGE = 'The server could not answer the request.';

/** One JSON-RPC response (a stream's frame too). @internal */
export type RpcResponse = { jsonrpc: string; id: unknown; result?: unknown; error?: unknown };

/** The SDK answers an unexpected error with its message: replaced by fixed words. @internal */
export function safeResponse(response: RpcResponse): RpcResponse {
  const error = response.error as { code?: unknown } | undefined;
  if (error?.code !== INTERNAL_ERROR) return response;
  return { ...response, error: { code: INTERNAL_ERROR, message: INTERNAL_MESSAGE } };
}

/** The SDK's user for a caller the door's `authorize` named. @internal */
export function ownerUser(owner: string): User {
  return { isAuthenticated: true, userName: owner };
}

/** The extensions an `A2A-Extensions` header asks for, `undefined` for none. @internal */
export function extensionsOf(header: string | null): string[] | undefined {
  if (header === null) return undefined;
  const list = header
    .split(',')
    .map((each) => each.trim())
    .filter((each) => each !== '');
  return list.length === 0 ? undefined : list;
}

/** Whether the transport answered with a stream (the streaming methods). @internal */
export function isStream(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Whether `id` is a JSON-RPC 2.0 request id: a string, a number without a fraction, or null
 * (section 4). @internal
 */
export function isRpcId(id: unknown): id is string | number | null {
  return id === null || typeof id === 'string' || Number.isInteger(id);
}

/** A response to `body`'s request (its id, when it had a valid one). @internal */
export function reply(body: unknown, rest: { error: unknown }): RpcResponse {
  const id = isRecord(body) ? body['id'] : null;
  return { jsonrpc: '2.0', id: isRpcId(id) ? id : null, ...rest };
}

/** A JSON response. @internal */
export function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });
}

/** 405 naming the method the path takes. @internal */
export function methodNotAllowed(allowed: string): A2ARequestError {
  return new A2ARequestError({
    status: 405,
    rpcCode: -32600,
    message: `Use ${allowed}: the agent card is a GET of /.well-known/agent-card.json, JSON-RPC a POST.`,
    allow: allowed === 'GET' ? 'GET, HEAD' : allowed,
  });
}

/**
 * The body as JSON, read within `budget`: 413 past `maxBytes`, 503 with `retry-after` and
 * JSON-RPC's implementation-defined server error (-32000; A2A's own codes start at -32001) when
 * the door is reading as many bodies as it takes, a JSON-RPC parse error when it is not JSON.
 * @internal
 */
export async function readJsonRpcBody(request: Request, limits: BodyLimits): Promise<unknown> {
  return await readBoundedBody(request, {
    ...limits,
    parse: parseJsonOr(
      () =>
        new A2ARequestError({
          status: 400,
          rpcCode: -32700,
          message: 'The request body is not valid JSON: send a JSON-RPC 2.0 request.',
        }),
    ),
    errors: {
      // As the door's 415 for another Content-Type: an invalid request (-32600).
      coded: () =>
        new A2ARequestError({ status: 415, rpcCode: -32600, message: CODED_BODY_MESSAGE }),
      tooLarge: (message) => new A2ARequestError({ status: 413, rpcCode: -32600, message }),
      notUtf8: () =>
        new A2ARequestError({
          status: 400,
          rpcCode: -32700,
          message: 'The request body is not UTF-8: send the JSON-RPC 2.0 request as UTF-8 JSON.',
        }),
      busy: (message) =>
        new A2ARequestError({
          status: 503,
          rpcCode: -32000,
          message,
          retryAfter: BODIES_BUSY_RETRY_AFTER_SECONDS,
        }),
      // As the 413: the request never arrived whole, so it is an invalid request (-32600).
      timedOut: (message) => new A2ARequestError({ status: 408, rpcCode: -32600, message }),
    },
  });
}
