import type { EventSourceParser } from 'eventsource-parser';

/** What `capResponseBody` does with a body. @internal */
export type CapResponseBodyOptions = {
  /** The most bytes of the body (or, with `perEvent`, characters of one event). */
  maxBytes: number;
  /**
   * Count each event of a `text/event-stream` body (its pending line and data, as
   * eventsource-parser buffers them), not the body: a stream that stays open for a session
   * delivers any number of events, but none may grow past `maxBytes`. Other bodies are counted
   * whole.
   */
  perEvent?: boolean | undefined;
  /**
   * What passing the cap does, given the bytes read (of the body, or of the event so far): an
   * error the body fails with, or `{ endWith }`, text sent as the body's last bytes before it
   * ends cleanly (a protocol's own error message, where its client would not otherwise see the
   * failure). Either way the rest of the body is cancelled unread.
   */
  tooLarge: (receivedBytes: number) => Error | { endWith: string };
};

/**
 * `response` with its body counted as it is read: past the cap the source is cancelled and the
 * body ends as `tooLarge` says, so a hostile server's endless answer costs at most the cap. The
 * status, status text and headers are kept; a body-less response is returned as it is. For the
 * clients of other protocols' servers (`a2aAgent`, the MCP client over HTTP), whose SDKs read a
 * response whole (`response.json()`) or an event stream without bound.
 * @internal
 */
export function capResponseBody(response: Response, options: CapResponseBodyOptions): Response {
  if (response.body === null) return response;
  const { maxBytes, tooLarge } = options;
  const perEvent =
    options.perEvent === true &&
    /^\s*text\/event-stream\s*(;|$)/i.test(response.headers.get('content-type') ?? '');
  let received = 0;
  let over = false;
  // The event stream's own parser, run beside the SDK's only to measure: its buffer is bounded by
  // `maxBufferSize`, and it reports the first event (or line) that would pass it. Loaded by the
  // stream's `start` (the transform waits for it), so `@gemloop/core/internal`'s importers
  // (`@gemloop/testing`, the doors) do not load eventsource-parser with it
  // (`index.cold-import.test.ts`).
  const decoder = perEvent ? new TextDecoder() : undefined;
  let parser: EventSourceParser | undefined;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async start() {
        if (!perEvent) return;
        const { createParser } = await import('eventsource-parser');
        parser = createParser({
          maxBufferSize: maxBytes,
          onError: (error) => {
            if (error.type === 'max-buffer-size-exceeded') over = true;
          },
        });
      },
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (parser === undefined) over = received > maxBytes;
        else parser.feed(decoder?.decode(chunk, { stream: true }) ?? '');
        if (!over) {
          controller.enqueue(chunk);
          return;
        }
        const end = tooLarge(received);
        if (end instanceof Error) {
          controller.error(end);
          return;
        }
        controller.enqueue(new TextEncoder().encode(end.endWith));
        controller.terminate();
      },
    }),
  );
  return new Response(counted, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
