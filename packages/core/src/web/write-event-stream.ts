import type { AgentEventSource } from './browser-run.ts';
import { EVENT_STREAM_HEADERS } from './sse-frame.ts';
import { type EventStreamOptions, openEventStream } from './to-event-stream-response.ts';

/**
 * The part of a `node:http` `ServerResponse` (or Express's `res`) the helper uses, so that this
 * module imports nothing of Node and stays portable.
 */
export type NodeResponseLike = {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  readonly writableEnded?: boolean;
  flushHeaders?(): void;
};

/**
 * Writes a run's events (or a `Response` such as `ReplayBuffer.resume()` gives) to a `node:http`
 * response, as {@link toEventStreamResponse} would send them. Resolves once the response ended;
 * never rejects: a response closed by the client aborts the run quietly.
 *
 * Listens on the response's `close`, not the request's: a request's stream ends as soon as its
 * body has been read (Node's `http` docs, "Event: 'close'" of `http.ServerResponse`).
 */
export async function writeEventStream(
  response: NodeResponseLike,
  source: AgentEventSource | Response,
  options: EventStreamOptions = {},
): Promise<void> {
  let status = 200;
  let headers: Record<string, string> = { ...EVENT_STREAM_HEADERS };
  let body: ReadableStream<Uint8Array> | null;
  if (source instanceof Response) {
    status = source.status;
    headers = Object.fromEntries(source.headers);
    body = source.body;
  } else {
    body = openEventStream(source, options);
  }
  response.writeHead(status, headers);
  response.flushHeaders?.();
  if (body === null) {
    response.end();
    return;
  }
  const reader = body.getReader();
  let closed = false;
  // Who waits for the socket to drain, if anyone: one `drain` and one `close` listener for the
  // whole stream. A listener pair per wait stayed on the response until it ended (Node warned
  // past 10 on a long stream to a slow client).
  let wake: (() => void) | undefined;
  response.on('close', () => {
    closed = true;
    // The client went away: cancelling the body detaches this page from the run.
    reader.cancel().catch(() => {});
    wake?.();
  });
  response.on('drain', () => wake?.());
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done || closed) break;
      if (!response.write(value) && !closed) {
        // Backpressure: wait for the socket to drain (or close) before reading more.
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    }
  } catch {
    // The body was cancelled because the client left; nothing to report.
  }
  if (!closed && response.writableEnded !== true) response.end();
}
