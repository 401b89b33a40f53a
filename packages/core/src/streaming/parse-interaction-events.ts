import { createParser } from 'eventsource-parser';
import { createUtf8Decoder } from '#platform/utf8-decoder';
import { createApiCallError } from '../errors/api-call/create-api-call-error.ts';
import { ResponseTooLargeError } from '../errors/response-too-large-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import type { InteractionEvent } from '../wire/interaction.ts';
import type { ByteReader, ByteReadResult } from './byte-reader.ts';
import { type StreamErrorContext, shownEvent, streamErrorFields } from './stream-error-context.ts';

/** What {@link parseInteractionEvents} reads. @internal */
export type ParseInteractionEventsOptions = {
  body: ByteReader;
  url: string;
  method: string;
  /** Registers the function to call when the attempt aborts (cancels the pending read). */
  watchAbort: (onAbort: () => void) => void;
  signal: { readonly aborted: boolean; throwIfAborted(): void };
  errorContext: StreamErrorContext;
  /** The most characters one event may hold (a `too-large` StreamError past it). */
  maxEventSize: number;
  /** The most bytes the whole body may hold (`ResponseTooLargeError` past it): the client's `maxStreamBytes`. */
  maxBytes: number;
};

/**
 * Reads an Interactions SSE body (`event: <type>` / `data: <JSON>` events, as
 * ai.google.dev/gemini-api/docs/interactions streams them and `@google/genai` 3.1.0's `Stream`
 * reads them) a network read at a time: each batch holds the events one read completed. Lenient:
 * any JSON object with a string `event_type` (the `data:` field's, else the SSE `event:` name)
 * is an event, whatever its type. Fails with an `ApiCallError` for an `error` event (after the
 * events before it) or a `{ "error": {...} }` body, and `StreamError` `malformed-json`,
 * `invalid-chunk`, `too-large`, `truncated` (the body ended inside an event) or `connection`
 * (reading failed; the caller may resume from the last `event_id`); `ResponseTooLargeError` past
 * `maxBytes`. The body is cancelled when iteration ends early or fails.
 * @internal
 */
export async function* parseInteractionEvents(
  options: ParseInteractionEventsOptions,
): AsyncGenerator<InteractionEvent[]> {
  const { body: reader, url, method, signal, errorContext, maxEventSize, maxBytes } = options;
  const decoder = createUtf8Decoder();
  let pending: InteractionEvent[] = [];
  let failure: unknown;
  let delivered = 0;
  let bytes = 0;
  // Set before the last flush: an event completed only by the body's end was cut, not malformed.
  let atEnd = false;

  const parser = createParser({
    maxBufferSize: maxEventSize,
    onEvent: ({ event, data }) => {
      if (failure !== undefined || data === '' || data === '[DONE]') return;
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch (cause) {
        const at = delivered + pending.length;
        failure = atEnd
          ? new StreamError({
              reason: 'truncated',
              chunksDelivered: at,
              event: shownEvent(data, errorContext),
              message: `The Interactions stream ended in the middle of an event after ${at} event(s): the connection was cut. Resume from the last event_id.`,
            })
          : new StreamError({
              reason: 'malformed-json',
              chunksDelivered: at,
              event: shownEvent(data, errorContext),
              cause,
              message: `Interactions stream event ${at + 1} is not valid JSON (${describeThrown(cause)}). The event text is on \`error.event\`.`,
            });
        return;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        failure = new StreamError({
          reason: 'invalid-chunk',
          chunksDelivered: delivered + pending.length,
          event: shownEvent(data, errorContext),
          message:
            'An Interactions stream event is JSON but not an object. Check that the baseUrl points at an API that serves /v1beta/interactions.',
        });
        return;
      }
      const record = value as Record<string, unknown>;
      if (typeof record['event_type'] !== 'string' && event !== undefined) {
        record['event_type'] = event;
      }
      const type = record['event_type'];
      if (type === 'error' || (type === undefined && 'error' in record)) {
        const error = record['error'] as { code?: unknown } | undefined;
        failure = createApiCallError({
          ...streamErrorFields(errorContext, delivered + pending.length),
          url,
          method,
          status: typeof error?.code === 'number' ? error.code : undefined,
          body: data,
          parsedBody: { error: record['error'] ?? {} },
        });
        return;
      }
      if (typeof type !== 'string') {
        failure = new StreamError({
          reason: 'invalid-chunk',
          chunksDelivered: delivered + pending.length,
          event: shownEvent(data, errorContext),
          message:
            'An Interactions stream event has no `event_type`. Check that the baseUrl points at an API that serves /v1beta/interactions.',
        });
        return;
      }
      pending.push(record as InteractionEvent);
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') {
        failure ??= new StreamError({
          reason: 'too-large',
          chunksDelivered: delivered + pending.length,
          message: `An Interactions stream event grew past ${maxEventSize} characters without ending: a broken stream. Check the baseUrl.`,
        });
      }
      // Any other line that is not an SSE field is ignored, as the SSE spec says.
    },
  });

  const onAbort = (): void => {
    reader.cancel().catch(() => {});
  };
  options.watchAbort(onAbort);
  try {
    signal.throwIfAborted();
    for (;;) {
      let result: ByteReadResult;
      try {
        result = await reader.read();
      } catch (cause) {
        signal.throwIfAborted();
        throw new StreamError({
          reason: 'connection',
          chunksDelivered: delivered,
          cause,
          message: `Reading the Interactions stream failed after ${delivered} event(s): ${describeThrown(cause)}.`,
        });
      }
      signal.throwIfAborted();
      if (result.done) break;
      bytes += result.value.byteLength;
      if (bytes > maxBytes) {
        throw new ResponseTooLargeError({
          message:
            `The ${method} stream grew past maxStreamBytes (${maxBytes} bytes; ${bytes} read) after ` +
            `${delivered} event(s), so reading stopped there. Check the baseUrl, or raise maxStreamBytes in createGemini. Not retried.`,
          url,
          method,
          status: 200,
          maxBytes,
          receivedBytes: bytes,
          attempt: errorContext.attempt,
          chunksDelivered: delivered,
        });
      }
      const text = decoder.write(result.value);
      parser.feed(text);
      if (pending.length > 0) {
        const batch = pending;
        pending = [];
        delivered += batch.length;
        yield batch;
      }
      if (failure !== undefined) throw failure;
    }
    // The body ended: an event still open (no blank line after its `data:`) was cut, unless its
    // JSON is complete (some gateways omit the last blank line).
    const rest = decoder.end();
    atEnd = true;
    parser.feed(`${rest}\n\n`);
    if (pending.length > 0) {
      const batch = pending;
      pending = [];
      delivered += batch.length;
      yield batch;
    }
    if (failure !== undefined) throw failure;
  } finally {
    reader.cancel().catch(() => {});
  }
}
