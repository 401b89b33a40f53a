import { formatSSEErrorEvent, formatSSEEvent, SSE_HEADERS } from '@a2a-js/sdk';
import { HEARTBEAT_FRAME, type Heartbeat, startHeartbeat } from '../../door/heartbeat.ts';
import { cutOffStalledReader, unreadBytesStrategy } from '../../door/unread-cap.ts';
import { type RpcResponse, reply, safeResponse } from './json-rpc-reply.ts';

/**
 * A streaming method's frames as server-sent events (the first already read, so that an error up
 * front was a JSON answer). The client going away stops the sending, not the task: A2A tasks
 * outlive their streams (`SubscribeToTask` picks one up again); a client that leaves more than 8
 * MiB unread is cut off as one gone is (`door/unread-cap.ts`). A subscription's reading stops
 * with it; a send's (`drain`) goes on to the end unsent, because the SDK saves the task's events
 * as this reads them: stopped, it left the task stored `working` while its run went on and a
 * resubscriber was told `completed`. A stream quiet for `heartbeatMs` (a long tool call, a task
 * waiting) gets a `: ping` comment, which the SDK's client skips (`parseSseStream` of
 * `@a2a-js/sdk/client`), so that a proxy's idle timeout does not cut it. @internal
 */
export function toRpcEventStream(options: {
  request: Request;
  iterator: AsyncIterator<RpcResponse>;
  first: IteratorResult<RpcResponse>;
  /** The request's body, whose id an error frame answers. */
  body: unknown;
  mapError: (error: unknown) => unknown;
  /** Read to the end when the client goes away (a send's stream, which saves the task). */
  drain?: boolean;
  /** Ms of silence before a `: ping` comment; 0 for none. */
  heartbeatMs?: number;
}): Response {
  const { request, iterator, first, body, mapError, drain = false, heartbeatMs = 0 } = options;
  const encoder = new TextEncoder();
  let closed = false;
  let heartbeat: Heartbeat | undefined;
  const stop = () => {
    closed = true;
    heartbeat?.stop();
    if (!drain) void iterator.return?.(undefined)?.catch(() => {});
  };
  request.signal.addEventListener('abort', stop, { once: true });
  const stream = new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        heartbeat = startHeartbeat({
          everyMs: heartbeatMs,
          ping: () => {
            if (closed) return;
            controller.enqueue(HEARTBEAT_FRAME);
            if (cutOffStalledReader(controller)) stop();
          },
        });
        try {
          let step = first;
          while (step.done !== true && (drain || !closed)) {
            if (!closed) {
              heartbeat.wrote();
              controller.enqueue(encoder.encode(formatSSEEvent(safeResponse(step.value))));
              // A client that stopped reading is cut off as one gone is, not held the task's events.
              if (cutOffStalledReader(controller)) stop();
            }
            step = await iterator.next();
          }
        } catch (error) {
          if (!closed) {
            controller.enqueue(
              encoder.encode(formatSSEErrorEvent(reply(body, { error: mapError(error) }))),
            );
          }
        } finally {
          heartbeat.stop();
          request.signal.removeEventListener('abort', stop);
          if (!closed) {
            closed = true;
            controller.close();
          }
        }
      },
      cancel: stop,
    },
    unreadBytesStrategy,
  );
  return new Response(stream, { headers: { ...SSE_HEADERS } });
}
