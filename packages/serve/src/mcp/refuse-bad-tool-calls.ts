import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Makes a transport answer a `tools/call` whose params are not of the shape MCP gives them
 * (2025-06-18, Server, Tools: `params: { name: string, arguments?: object }`) with a JSON-RPC
 * -32602 "Invalid params" in fixed words, never handing it to the server. The SDK (1.32)
 * parses a request with its handler's schema before its own `tools/call` wrapper runs, so such
 * a call was answered -32603 "Internal error" with the SDK's zod issue list as the message
 * (modelcontextprotocol/typescript-sdk#2284; the fix, PR #2492, is for v2), and a call whose
 * params were no object at all got no answer over a connected transport. Checked here, on the
 * raw message, it holds whichever SDK is installed; each message of an HTTP batch reaches
 * `onmessage` on its own, and its answer joins the others' on the POST. Call after
 * `server.connect(transport)`, and before `refuseIdsInFlight`, so that an id in flight is refused
 * as reused first and the answer sent here frees the id claimed there. @internal
 */
export function refuseBadToolCalls(transport: Transport): void {
  const receive = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const problem = toolCallProblem(message);
    if (problem === undefined) {
      receive?.(message, extra);
      return;
    }
    // `transport.send` as it is when answering, not as it was here: `refuseIdsInFlight` wraps
    // it afterwards to free the id.
    transport
      .send({
        jsonrpc: '2.0',
        id: (message as { id: string | number }).id,
        error: { code: -32602, message: problem },
      })
      .catch(() => {});
  };
}

/** What is wrong with a `tools/call` request's params, in fixed words; `undefined` for nothing. */
function toolCallProblem(message: JSONRPCMessage): string | undefined {
  const problem = toolCallParamsProblem(message);
  if (problem !== undefined) return problem;
  if (!isToolCall(message)) return undefined;
  const params = (message as { params: Record<string, unknown> }).params;
  if (typeof params['name'] !== 'string') {
    return `Invalid params: tools/call's params.name must be a string naming the tool (tools/list lists them), not ${kindOf(params['name'])}.`;
  }
  const args = params['arguments'];
  if (args !== undefined && !isPlainObject(args)) {
    return `Invalid params: tools/call's params.arguments must be an object of the tool's arguments by name (or left out), not ${kindOf(args)}.`;
  }
  return undefined;
}

/**
 * Why a message is a `tools/call` whose `params` is no object, in fixed words; `undefined` for any
 * other message. The HTTP door answers it before the SDK's transport reads the POST (which
 * refuses the whole body as -32700 "Invalid JSON-RPC message"), and `refuseBadToolCalls` on a
 * connected transport (where the SDK answered nothing). @internal
 */
export function toolCallParamsProblem(message: unknown): string | undefined {
  if (!isToolCall(message)) return undefined;
  const params: unknown = (message as { params?: unknown }).params;
  if (isPlainObject(params)) return undefined;
  return `Invalid params: tools/call's params must be an object ({ "name": ..., "arguments": {...} }), not ${kindOf(params)}.`;
}

/** A `tools/call` request with an id MCP can answer (another id is refused before, -32600). */
function isToolCall(message: unknown): boolean {
  if (!isPlainObject(message) || message['method'] !== 'tools/call') return false;
  const id = message['id'];
  return typeof id === 'string' || typeof id === 'number';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON kind of a value, in words of its own (never the value itself). */
function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}
