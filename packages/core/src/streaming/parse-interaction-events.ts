import { createParser } from 'eventsource-parser';
import { createUtf8Decoder } from '#platform/utf8-decoder';
import { createApiCallError } from '../errors/api-call/create-api-call-error.ts';
import { ResponseTooLargeError } from '../errors/response-too-large-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import type { InteractionEvent } from '../wire/interaction.ts';
import type { ByteReader, ByteReadResult } from './byte-reader.ts';
import { createBareJsonCollector } from './create-bare-json-collector.ts';
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
 * is an event, whatever its type. JSON written without `data:` framing (over any number of lines)
 * is read too: a whole interaction (a gateway that ignored `stream: true`) as the events of its
 * steps. Fails with an `ApiCallError` for an `error` event or a bare `{ "error": {...} }` (after
 * the events before it), and `StreamError` `malformed-json`, `invalid-chunk` (also a body that
 * held no event but other text, such as an HTML page), `too-large`, `truncated` (the body ended
 * inside an event or its bare JSON) or `connection`
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

  // An `{ "error": {...} }` object, as an `error` event or a body's bare JSON: the call's error.
  const fail = (error: unknown, text: string): void => {
    const code =
      typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    failure = createApiCallError({
      ...streamErrorFields(errorContext, delivered + pending.length),
      url,
      method,
      status: typeof code === 'number' ? code : undefined,
      body: text,
      parsedBody: { error: error ?? {} },
    });
  };

  // JSON written into the body without `data:` framing (see createBareJsonCollector): an error
  // object (a gateway's, or the API's mid-stream, which python-genai and js-genai both read), or a
  // gateway that ignored `stream: true` and answered the whole interaction. Both were ignored as
  // lines that are no SSE field: the run read an empty, interrupted answer instead of the error,
  // or the answer the body held. Made by the first such line only.
  let bare: ReturnType<typeof createBareJsonCollector> | undefined;
  const onBareValue = (value: unknown, text: string): void => {
    if (failure !== undefined) return;
    if (isRecord(value) && 'error' in value && !('id' in value)) {
      fail(value['error'], text);
      return;
    }
    if (isRecord(value) && typeof value['id'] === 'string' && typeof value['status'] === 'string') {
      pending.push(...toInteractionEvents(value));
      return;
    }
    failure = new StreamError({
      reason: 'invalid-chunk',
      chunksDelivered: delivered + pending.length,
      event: text,
      message:
        'The Interactions stream holds JSON that is neither an event, an error nor an interaction. Check that the baseUrl points at an API that serves /v1beta/interactions.',
    });
  };

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
        fail(record['error'], data);
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
        failure ??= tooLarge();
        return;
      }
      // A line that is not an SSE field: possibly part of bare JSON; any other is ignored, as
      // the SSE spec says (its first one is named if the body held no event at all).
      if (failure === undefined && error.type === 'unknown-field' && error.line !== undefined) {
        bare ??= createBareJsonCollector({
          onValue: onBareValue,
          onMalformed: (text, cause) => {
            failure ??= atEnd
              ? truncatedAt(text)
              : new StreamError({
                  reason: 'malformed-json',
                  chunksDelivered: delivered + pending.length,
                  event: text,
                  cause,
                  message: `The Interactions stream holds JSON outside any event that is not valid (${describeThrown(cause)}). The text is on \`error.event\`.`,
                });
          },
        });
        bare.pushLine(error.line);
        if ((bare.pending()?.length ?? 0) > maxEventSize) failure ??= tooLarge();
      }
    },
  });

  function tooLarge(): StreamError {
    return new StreamError({
      reason: 'too-large',
      chunksDelivered: delivered + pending.length,
      message: `An Interactions stream event grew past ${maxEventSize} characters without ending: a broken stream. Check the baseUrl.`,
    });
  }

  function truncatedAt(text: string): StreamError {
    const at = delivered + pending.length;
    return new StreamError({
      reason: 'truncated',
      chunksDelivered: at,
      event: text,
      message: `The Interactions stream ended in the middle of its JSON after ${at} event(s): the connection was cut.`,
    });
  }

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
    const unfinished = bare?.pending();
    if (unfinished !== undefined && failure === undefined) failure = truncatedAt(unfinished);
    if (pending.length > 0) {
      const batch = pending;
      pending = [];
      delivered += batch.length;
      yield batch;
    }
    if (failure !== undefined) throw failure;
    const ignored = bare?.firstIgnoredLine();
    if (delivered === 0 && ignored !== undefined) {
      // A body that held no event but other text (a proxy's HTML login page): not read as an
      // empty, interrupted answer, as unary names a body that is no interaction. (An empty body
      // stays the end of the stream: a resumed stream may have no event left to send.)
      throw new StreamError({
        reason: 'invalid-chunk',
        chunksDelivered: 0,
        event: ignored,
        message:
          'The Interactions stream held no event; its first line is on `error.event`. Check that the baseUrl points at an API that serves /v1beta/interactions.',
      });
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A whole interaction (a gateway that ignored `stream: true`) as the events a stream of it sends:
 * `interaction.created`, each step started and stopped whole, `interaction.completed`. Read so,
 * it is the same answer a unary call gets (`toGenerateContentChunks` reads a step from its start
 * as `toGenerateContentResponse` reads it).
 */
function toInteractionEvents(interaction: Record<string, unknown>): InteractionEvent[] {
  const events: Record<string, unknown>[] = [
    {
      event_type: 'interaction.created',
      interaction: { id: interaction['id'], status: 'in_progress' },
    },
  ];
  const steps = Array.isArray(interaction['steps']) ? (interaction['steps'] as unknown[]) : [];
  for (const [index, step] of steps.entries()) {
    events.push({ event_type: 'step.start', index, step }, { event_type: 'step.stop', index });
  }
  const { steps: _steps, ...rest } = interaction;
  events.push({ event_type: 'interaction.completed', interaction: rest });
  return events as InteractionEvent[];
}
