import type { BrowserEvent } from './browser-event.ts';

/**
 * One server-sent event: `id:` the event's sequence number in its run (a durable run's piece of a
 * long entry: `<offset>:<piece>`), `event:` its type, `data:`
 * one line of JSON (`JSON.stringify` escapes CR and LF, the only line ends of the SSE format:
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream).
 * @internal
 */
export function toSseFrame(seq: number | string, event: BrowserEvent): string {
  return `id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The headers of an event stream; `no-transform` and `X-Accel-Buffering` keep proxies from buffering it. */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
});
