import { formatSSEErrorEvent, formatSSEEvent, SSE_HEADERS } from '@a2a-js/sdk';
import { cutOffStalledReader, unreadBytesStrategy } from '../../door/unread-cap.ts';
import { type RpcResponse, reply, safeResponse } from './json-rpc-reply.ts';

/**
 * A streaming method's frames as server-sent events (the first already read, so that an error up
 * front was a JSON answer). The client going away stops the sending, not the task: A2A tasks
 * outlive their streams (`SubscribeToTask` picks one up again); a client that leaves more than 8
 * MiB unread is cut off as one gone is (`door/unread-cap.ts`). A subscription's reading stops
 * with it; a send's (`drain`) goes on to the end unsent, because the SDK saves the task's events
 * as this reads them: stopped, it left the task stored `working` while its run went on and a
 * resubscriber was told `completed`. @internal
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
}): Response {
  const { request, iterator, first, body, mapError, drain = false } = options;
  const encoder = new TextEncoder();
  let closed = false;
  const stop = () => {
    closed = true;
    if (!drain) void iterator.return?.(undefined)?.catch(() => {});
  };
  request.signal.addEventListener('abort', stop, { once: true });
  const stream = new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        try {
          let step = first;
          while (step.done !== true && (drain || !closed)) {
            if (!closed) {
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
