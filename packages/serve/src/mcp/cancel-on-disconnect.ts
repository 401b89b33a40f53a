import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { requestIds } from './request-ids.ts';

/**
 * The SDK keeps a POST's stream resumable, so a connection that closes does not end the calls it
 * carried: their runs would go on for no one. When the request's signal aborts (`toNodeListener`
 * aborts it when the client goes away before the answer is over), each JSON-RPC request of the
 * body is cancelled as the client's own `notifications/cancelled` would, through the transport's
 * `onmessage`: the SDK then aborts the handler's signal, and so the run. A request already
 * answered is unknown to the SDK by then, and the notice does nothing. @internal
 */
export function cancelOnDisconnect(
  signal: AbortSignal,
  transport: WebStandardStreamableHTTPServerTransport,
  body: unknown,
): void {
  const ids = requestIds(body);
  if (ids.length === 0) return;
  signal.addEventListener(
    'abort',
    () => {
      for (const requestId of ids) {
        transport.onmessage?.({
          jsonrpc: '2.0',
          method: 'notifications/cancelled',
          params: { requestId, reason: 'The client closed the connection.' },
        });
      }
    },
    { once: true },
  );
}
