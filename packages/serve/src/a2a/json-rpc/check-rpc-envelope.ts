import { jsonKind } from '../../door/json-rpc/json-kind.ts';

/** JSON-RPC's invalid request. @internal */
export const INVALID_REQUEST = -32600;

/**
 * What is wrong with a request object's envelope, in fixed words; `undefined` for nothing. JSON-RPC
 * 2.0 (section 4): `jsonrpc` "MUST be exactly "2.0"" and `method` is a string; an object without
 * them is no Request object, -32600 "Invalid Request" (section 5.1, and its example
 * `{"jsonrpc": "2.0", "method": 1, "params": "bar"}`). `@a2a-js/sdk` 1.3 answered it -32602
 * "Invalid params" ("Invalid JSON-RPC Request."). Checked after the id (`isRpcId`). @internal
 */
export function rpcEnvelopeFault(body: Record<string, unknown>): string | undefined {
  if (body['jsonrpc'] !== '2.0') {
    return `Invalid request: jsonrpc must be "2.0", not ${jsonKind(body['jsonrpc'])}.`;
  }
  if (typeof body['method'] !== 'string') {
    return `Invalid request: method must be a string naming an A2A method (such as "SendMessage"), not ${jsonKind(body['method'])}.`;
  }
  return undefined;
}
