import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Makes a connected transport (stdio, in memory: `door.connect`) answer a request whose id is
 * still being answered with a JSON-RPC -32600, never handing it to the server. MCP forbids
 * reusing a request id in a session (2025-06-18, Basic, Requests), and the SDK keeps one abort
 * controller per id: a second request with an id in flight took the first one's place, so the
 * client's cancel and the connection's close stopped only the second, and the first run went on
 * for no one (attack18). An id is free again once its answer is sent; a cancelled request gets
 * no answer (MCP), so its id stays taken, as MCP asks of every id. The HTTP door refuses the
 * same before the SDK's transport reads the POST (`claim-request-ids.ts`), since that transport
 * routes each answer by its id. Call after `server.connect(transport)`. @internal
 */
export function refuseIdsInFlight(transport: Transport): void {
  const inFlight = new Set<string>();
  const receive = transport.onmessage;
  const send = transport.send.bind(transport);
  transport.onmessage = (message, extra) => {
    const id = requestId(message);
    if (id !== undefined) {
      const key = idKey(id);
      if (inFlight.has(key)) {
        send({
          jsonrpc: '2.0',
          id,
          error: {
            code: -32600,
            message:
              'Invalid Request: a request with this id is still being answered (MCP ids are not reused within a session).',
          },
        }).catch(() => {});
        return;
      }
      inFlight.add(key);
    }
    receive?.(message, extra);
  };
  transport.send = (message, options) => {
    // An answer (a result or an error) frees its request's id.
    if (!('method' in message) && 'id' in message && isId(message.id)) {
      inFlight.delete(idKey(message.id));
    }
    return send(message, options);
  };
}

function requestId(message: JSONRPCMessage): string | number | undefined {
  if (!('method' in message) || !('id' in message)) return undefined;
  return isId(message.id) ? message.id : undefined;
}

function isId(id: unknown): id is string | number {
  return typeof id === 'string' || typeof id === 'number';
}

/** 5 and "5" are two ids, as JSON-RPC reads them. */
function idKey(id: string | number): string {
  return `${typeof id}:${id}`;
}
