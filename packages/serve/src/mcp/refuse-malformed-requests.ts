import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isJSONRPCNotification, isJSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { jsonKind } from '../door/json-rpc/json-kind.ts';

/** A JSON-RPC error for a request the door answers itself: its code and fixed words. @internal */
export type RequestFault = { code: -32600 | -32602; message: string };

const BATCH_NOT_READ: RequestFault = {
  code: -32600,
  message:
    'Invalid Request: this transport reads one JSON-RPC message a line, not a batch (an array); send each message on its own line.',
};

/**
 * Makes a transport answer a request the SDK cannot read (its `jsonrpc` not "2.0", members other
 * than JSON-RPC's, `params` or `params._meta` that are no object) and a `tools/call` whose params
 * are not of the shape MCP gives them (2025-06-18, Server, Tools: `params: { name: string,
 * arguments?: object }`), in fixed words, never handing it to the server; a notification of that
 * kind is dropped without a word (JSON-RPC 2.0 section 4.1: "The Server MUST NOT reply to a
 * Notification"). The SDK (1.32) reads every message with its strict `JSONRPCRequestSchema`: a
 * request it refuses is neither a request nor a notification to its protocol layer, which drops
 * it ("Unknown message type"), so the client got no answer and waited for ever; a `tools/call`
 * it reads is parsed with its handler's schema before the SDK's own wrapper runs, and answered
 * -32603 "Internal error" with its zod issue list (modelcontextprotocol/typescript-sdk#2284; the
 * fix, PR #2492, is for v2). Checked here, on the raw message, it holds whichever SDK is
 * installed; each message of an HTTP batch reaches `onmessage` on its own, and its answer joins
 * the others' on the POST. Call after `server.connect(transport)`, and before
 * `refuseIdsInFlight`, so that an id in flight is refused as reused first and the answer sent
 * here frees the id claimed there. @internal
 */
export function refuseMalformedRequests(transport: Transport): void {
  const receive = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if (malformedNotification(message)) return;
    // A batch reaches here only from a transport that reads none (stdio's reader hands it on;
    // HTTP splits one before): one -32600 for it, id null (JSON-RPC 2.0 section 6), where the SDK
    // answered nothing. MCP 2025-06-18 removed batching; Streamable HTTP still takes them.
    if (Array.isArray(message)) {
      transport.send({ jsonrpc: '2.0', id: null, error: BATCH_NOT_READ } as never).catch(() => {});
      return;
    }
    const fault = requestFault(message) ?? toolCallFault(message);
    if (fault === undefined) {
      receive?.(message, extra);
      return;
    }
    // `transport.send` as it is when answering, not as it was here: `refuseIdsInFlight` wraps
    // it afterwards to free the id.
    transport
      .send({ jsonrpc: '2.0', id: (message as { id: string | number }).id, error: fault })
      .catch(() => {});
  };
}

/**
 * What is wrong with a request (a message with a `method` and an id MCP can answer) that the
 * SDK's schema refuses, in fixed words; `undefined` for a request the SDK reads, and for any other
 * message (a response, a notification, an id MCP refuses -32600 before). Params that are no
 * object are -32602 "Invalid params", as the SDKs answer a request whose params fail their
 * method's schema (the Python SDK's session for every method, python-sdk#1561; the TypeScript
 * SDK's v2, PR #2492) and as this door answered a `tools/call`'s since leftovers69: JSON-RPC 2.0
 * (section 4.2) allows an array, and MCP's params are an object by name. The envelope (`jsonrpc`,
 * other members) is -32600 "Invalid Request" (section 5.1). @internal
 */
export function requestFault(message: unknown): RequestFault | undefined {
  if (!isPlainObject(message) || typeof message['method'] !== 'string') return undefined;
  const id = message['id'];
  if (typeof id !== 'string' && !Number.isInteger(id)) return undefined;
  if (plainlyReadable(message) || isJSONRPCRequest(message)) return undefined;
  // The method is not named in the words: they are fixed, never the client's text.
  const toolCall = message['method'] === 'tools/call';
  if (message['jsonrpc'] !== '2.0') {
    return {
      code: -32600,
      message: `Invalid Request: jsonrpc must be "2.0", not ${jsonKind(message['jsonrpc'])}.`,
    };
  }
  const params = message['params'];
  if (params !== undefined && !isPlainObject(params)) {
    return {
      code: -32602,
      message: toolCall
        ? `Invalid params: tools/call's params must be an object ({ "name": ..., "arguments": {...} }), not ${jsonKind(params)}.`
        : `Invalid params: a request's params must be an object of named values (or left out), not ${jsonKind(params)}.`,
    };
  }
  if (params !== undefined && params['_meta'] !== undefined) {
    return {
      code: -32602,
      message: `Invalid params: params._meta must be an object whose progressToken is a string or an integer (MCP, _meta).`,
    };
  }
  return {
    code: -32600,
    message:
      'Invalid Request: a request holds jsonrpc, id, method and params, and no other member.',
  };
}

/**
 * Whether a message is a notification (a `method`, no `id` member) the SDK's schema refuses: it
 * gets no answer (JSON-RPC 2.0 section 4.1), so it is dropped here. @internal
 */
export function malformedNotification(message: unknown): boolean {
  return (
    isPlainObject(message) &&
    typeof message['method'] === 'string' &&
    !Object.hasOwn(message, 'id') &&
    !isJSONRPCNotification(message)
  );
}

/** What is wrong with a readable `tools/call`'s `name` and `arguments`; `undefined` for nothing. */
function toolCallFault(message: unknown): RequestFault | undefined {
  if (!isPlainObject(message) || message['method'] !== 'tools/call') return undefined;
  const id = message['id'];
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  // No params at all: the SDK reads the request, and its handler cannot.
  const params = (message['params'] ?? {}) as Record<string, unknown>;
  if (message['params'] === undefined) {
    return {
      code: -32602,
      message: `Invalid params: tools/call's params must be an object ({ "name": ..., "arguments": {...} }), not missing.`,
    };
  }
  if (typeof params['name'] !== 'string') {
    return {
      code: -32602,
      message: `Invalid params: tools/call's params.name must be a string naming the tool (tools/list lists them), not ${jsonKind(params['name'])}.`,
    };
  }
  const args = params['arguments'];
  if (args !== undefined && !isPlainObject(args)) {
    return {
      code: -32602,
      message: `Invalid params: tools/call's params.arguments must be an object of the tool's arguments by name (or left out), not ${jsonKind(args)}.`,
    };
  }
  return undefined;
}

/**
 * Whether a request is one the SDK's schema reads, known without it: the common case (no `_meta`,
 * only JSON-RPC's members) then costs no zod parse on top of the SDK's own.
 */
function plainlyReadable(message: Record<string, unknown>): boolean {
  if (message['jsonrpc'] !== '2.0') return false;
  for (const key in message) {
    if (key !== 'jsonrpc' && key !== 'id' && key !== 'method' && key !== 'params') return false;
  }
  const params = message['params'];
  return params === undefined || (isPlainObject(params) && params['_meta'] === undefined);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
