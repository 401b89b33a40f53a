import { HEARTBEAT_FRAME, type Heartbeat, startHeartbeat } from '../door/heartbeat.ts';
import { cutOffStalledReader, unreadBytesStrategy } from '../door/unread-cap.ts';

const encoder = new TextEncoder();

/** One server-sent event: `event: <name>` when named, then its JSON `data`. @internal */
export function sseFrame(data: unknown, event?: string): Uint8Array {
  const head = event === undefined ? '' : `event: ${event}\n`;
  return encoder.encode(
    `${head}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
  );
}

/**
 * A `text/event-stream` response whose frames `produce` writes. The run stops with the caller:
 * a body the client cancels (it went away) aborts `abort`, which the run's signal follows, and so
 * does a client that leaves more than `MAX_UNREAD_EVENT_BYTES` unread (it stopped reading: its
 * connection is dropped rather than the answer held for it).
 *
 * A frame written with `ended` (the run is over: the answer whole, the stream's end) is not judged
 * by the cap: the Responses door sends the answer whole four times at its end, and an answer of
 * 2 MB cut off every client there, however fast it read (attack49b). A reader that stalled during
 * the run was cut off then; the end frames add what the answer's size makes them, once.
 *
 * A stream quiet for `heartbeatMs` (a long tool call) gets a `: ping` comment, so that a proxy's
 * idle timeout does not cut it and stop the run (the `openai` client's `SSEDecoder` skips a line
 * starting with `:`). @internal
 */
export function eventStreamResponse(
  door: { abort: AbortController; heartbeatMs: number },
  produce: (write: (frame: Uint8Array, ended?: boolean) => void) => Promise<void>,
): Response {
  const { abort } = door;
  let heartbeat: Heartbeat | undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        const write = (frame: Uint8Array, ended = false) => {
          if (abort.signal.aborted) {
            // The client gone or cut off: no comment for it while the run unwinds.
            heartbeat?.stop();
            return;
          }
          heartbeat?.wrote();
          controller.enqueue(frame);
          if (!ended && cutOffStalledReader(controller)) abort.abort();
        };
        heartbeat = startHeartbeat({
          everyMs: door.heartbeatMs,
          ping: () => write(HEARTBEAT_FRAME),
        });
        try {
          await produce(write);
        } finally {
          heartbeat.stop();
          if (!abort.signal.aborted) controller.close();
        }
      },
      cancel() {
        heartbeat?.stop();
        abort.abort();
      },
    },
    unreadBytesStrategy,
  );
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    },
  });
}
