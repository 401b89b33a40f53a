import { createParser } from 'eventsource-parser';
import { createUtf8Decoder } from '#platform/utf8-decoder';
import { apiCallErrorOf } from '../errors/api-call-error-of.ts';
import { ResponseTooLargeError } from '../errors/response-too-large-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import { findCarriedError } from '../wire/find-carried-error.ts';
import { parseGenerateContentResponse } from '../wire/parse-generate-content-response.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import type { ByteReader, ByteReadResult } from './byte-reader.ts';
import { createBareJsonCollector } from './create-bare-json-collector.ts';
import { createJsonArraySplitter } from './create-json-array-splitter.ts';
import { type StreamErrorContext, shownEvent, streamErrorFields } from './stream-error-context.ts';

/** What {@link parseGenerateContentStream} reads. */
export type ParseGenerateContentStreamOptions = {
  /**
   * The body of a 200 `streamGenerateContent?alt=sse` response: a stream, or a reader of one
   * (what the client's transports hand over).
   */
  body: ReadableStream<Uint8Array> | ByteReader;
  /** The request URL (no key in it), for errors. */
  url: string;
  /** The API method, for errors: `streamGenerateContent`. */
  method: string;
  /** Aborting rejects the pending read with `signal.reason` and cancels the body. */
  signal?: AbortSignalLike | undefined;
  /**
   * For a caller that aborts `signal` itself: registers the function to call right after it does,
   * instead of an `abort` listener on the signal (an event listener costs 1 to 2 us to add and
   * remove on Node 20, on every request). Called at most once; the function does nothing once the
   * stream has ended.
   */
  watchAbort?: ((onAbort: () => void) => void) | undefined;
  /**
   * More context for an error object found inside the stream (attempt, auth, the secrets and the
   * response's headers), read when an error is built.
   */
  errorContext?: StreamErrorContext | undefined;
  /**
   * The most characters one event (or one bare JSON value) may hold before the stream fails with
   * a `too-large` StreamError instead of buffering on. @defaultValue 128 Mi characters
   */
  maxEventSize?: number | undefined;
  /**
   * The most bytes the whole body may hold (as read, after any content decoding) before the
   * stream fails with `ResponseTooLargeError`: a server that keeps sending valid chunks is stopped
   * here, as neither the idle limit nor the per-event limit can stop it. @defaultValue Infinity
   */
  maxBytes?: number | undefined;
};

/**
 * What the parser uses of its signal: an `AbortSignal`, or anything that behaves as one for these
 * members (the client passes its attempt signal, which makes no `AbortController` of its own).
 */
export type AbortSignalLike = {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
};

/**
 * Far above any real chunk (a generated image arrives as a few MB of base64 in one event), far
 * below what exhausts memory: a server that sends one line forever is stopped here, as the idle
 * limit cannot stop a body that keeps sending.
 */
const MAX_EVENT_SIZE = 128 * 1024 * 1024;

const BYTE_ORDER_MARK = 0xfeff;
const OPEN_BRACKET = 0x5b;
const LINE_FEED = 0x0a;

/** The index of the first character that is not JSON whitespace, or -1. */
function firstNonWhitespace(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return index;
  }
  return -1;
}

/**
 * Reads a Gemini SSE body (`data: <JSON>` events, CRLF, LF or CR line endings, split anywhere
 * across network chunks, UTF-8 decoded incrementally) and yields each chunk as a checked
 * {@link GenerateContentResponse}, the same object `JSON.parse` made.
 *
 * Fails with:
 * - `ApiCallError` for an error object inside the 200 stream, as a `data:` event or as bare
 *   (possibly multi-line) JSON in the body, and for an event named `error` (a gateway's), whatever
 *   its data;
 * - `StreamError` `malformed-json` (an event is not JSON), `invalid-chunk` (JSON, not a response),
 *   `truncated` (the body ended inside an event, or held no event at all), `connection` (reading
 *   failed); `chunksDelivered` says how many chunks were yielded before;
 * - `signal.reason` when the signal aborts.
 *
 * An event the body ends in without its blank line is accepted when its JSON is complete (some
 * gateways omit the last blank line). Empty `data:` events and a `[DONE]` sentinel are skipped; a
 * body of bare JSON (an object, or an array of responses, split element by element as it arrives)
 * is read as chunks too. The body is cancelled when iteration ends early, fails or is aborted, so
 * the connection is released.
 *
 * This is {@link parseGenerateContentBatches} one chunk at a time.
 * @internal
 */
export async function* parseGenerateContentStream(
  options: ParseGenerateContentStreamOptions,
): AsyncGenerator<GenerateContentResponse> {
  const { signal } = options;
  for await (const batch of parseGenerateContentBatches(options)) {
    for (let index = 0; index < batch.length; index++) {
      yield batch[index] as GenerateContentResponse;
      signal?.throwIfAborted();
    }
  }
}

/**
 * {@link parseGenerateContentStream} a network read at a time: each batch holds the chunks (at
 * least one) completed by one read of the body, in order, with the same failures; a failure found
 * in a read comes after the batch of the chunks before it. `chunksDelivered` counts the chunks of
 * the batches yielded before, so take a whole batch before asking for the next.
 *
 * An async generator step costs about half a microsecond: a 20,000-chunk answer arrives in a few
 * hundred reads, so a caller that yields chunks itself pays for one step per read here rather than
 * one per chunk in two stacked generators. This is {@link readGenerateContentBatches} as a
 * generator; the client's stream calls that reader itself, with no generator between it and the
 * body.
 * @internal
 */
export async function* parseGenerateContentBatches(
  options: ParseGenerateContentStreamOptions,
): AsyncGenerator<GenerateContentResponse[]> {
  const batches = readGenerateContentBatches(options);
  try {
    for (let batch = await batches.next(); batch !== undefined; batch = await batches.next()) {
      yield batch;
    }
  } finally {
    batches.close();
  }
}

/**
 * A Gemini SSE body read a batch at a time (see {@link readGenerateContentBatches}): `next()` reads
 * until one read of the body completes chunks and resolves with them, or with `undefined` once the
 * body ended with every chunk handed out; it rejects with the stream's failure. Call `next()` again
 * only once the last call settled. `close()` releases the body (a no-op once the body was read to
 * its end) and stops watching the signal; `next()` calls it itself when it ends or fails, and a
 * caller that stops early calls it.
 * @internal
 */
export type GenerateContentBatchReader = {
  next(): Promise<GenerateContentResponse[] | undefined>;
  close(): void;
};

/**
 * Reads a Gemini SSE body batch by batch, as {@link parseGenerateContentBatches} yields it, with no
 * generator: each batch costs the caller one promise of `next()` and the body's reads, where a
 * generator between the body and the caller cost two promises and a resumption a batch more, and
 * one more generator a stream (the client's streamed step: bench/RESULTS.md, helper
 * stream-path2). The parser does no I/O of its own (eventsource-parser's `createParser` and the
 * JSON-array splitter take text); this function is the small adapter that reads the body for it.
 * @internal
 */
export function readGenerateContentBatches({
  body,
  url,
  method,
  signal,
  watchAbort,
  errorContext,
  maxEventSize = MAX_EVENT_SIZE,
  maxBytes = Number.POSITIVE_INFINITY,
}: ParseGenerateContentStreamOptions): GenerateContentBatchReader {
  const reader: ByteReader = 'getReader' in body ? body.getReader() : body;
  // Node's StringDecoder on Node (3.5 times as fast as TextDecoder there), TextDecoder with
  // `stream: true` elsewhere; both carry a character split across reads over to the next and keep
  // a leading byte-order mark, which `decode` drops.
  const decoder = createUtf8Decoder();
  let started = false;
  // Chunks parsed from the bytes fed so far, handed out as one batch after each feed.
  let pending: GenerateContentResponse[] = [];
  let failure: unknown;
  let delivered = 0;
  let events = 0;
  let atEnd = false;
  let bytes = 0;

  const shown = (text: string): string => shownEvent(text, errorContext);

  const accept = (value: unknown, text: string): void => {
    const error = findCarriedError(value);
    if (error !== undefined) {
      const code =
        typeof error === 'object' && error !== null
          ? (error as { code?: unknown }).code
          : undefined;
      // In the portable build, the error's description may still be loading: a promise of the
      // error, awaited where it is thrown (see apiCallErrorOf).
      failure = apiCallErrorOf({
        ...streamErrorFields(errorContext, delivered + pending.length),
        url,
        method,
        status: typeof code === 'number' ? code : undefined,
        body: text,
        parsedBody: value,
      });
      return;
    }
    if (Array.isArray(value)) {
      // A gateway that ignored `alt=sse` sends the JSON array of chunks.
      for (const item of value) if (failure === undefined) accept(item, text);
      return;
    }
    const result = parseGenerateContentResponse(value);
    if (result.ok) pending.push(result.value);
    else {
      const where = result.path === '' ? 'the chunk' : `\`${result.path}\``;
      failure = new StreamError({
        reason: 'invalid-chunk',
        chunksDelivered: delivered + pending.length,
        event: shown(text),
        message:
          `Gemini stream event ${events} is JSON but not a GenerateContentResponse: ${where} ` +
          `${result.message}. The event text is on \`error.event\`; check that the base URL ` +
          'points at a Gemini-compatible API.',
      });
    }
  };

  const malformed = (text: string, cause: unknown): void => {
    failure = atEnd
      ? truncated(shown(text), delivered + pending.length)
      : new StreamError({
          reason: 'malformed-json',
          chunksDelivered: delivered + pending.length,
          event: shown(text),
          cause,
          message:
            `Gemini stream event ${events} is not valid JSON (${describeCause(cause)}). The ` +
            'event text is on `error.event`. Retry the request; if it keeps happening, a proxy ' +
            'between you and Gemini is altering the stream.',
        });
  };

  /**
   * An SSE event named `error` (Gemini names none; a gateway names its own failure so, with a
   * message, a `{message}` object or text as its data): the stream fails with it as an
   * `ApiCallError`. Taken as a chunk, `{"message":"quota"}` passed the lenient check as a
   * response with no candidates, and the answer ended empty without a word (attack60b).
   */
  const gatewayError = (text: string, value: unknown): void => {
    failure = apiCallErrorOf({
      ...streamErrorFields(errorContext, delivered + pending.length),
      url,
      method,
      body: text,
      parsedBody: value,
    });
  };

  const onValue = (value: unknown, text: string): void => {
    events++;
    accept(value, text);
  };
  const onMalformed = (text: string, cause: unknown): void => {
    events++;
    malformed(text, cause);
  };
  // Made by the first body line that is not an SSE field, and the JSON array splitter below by a
  // body that starts with `[`: a Gemini SSE stream never needs either, so its call makes neither
  // (their closures were 0.4 KB of the 47 KB a streamed step allocated in the bench's seq5 loop,
  // V8's sampling heap profiler; helper step-cpu).
  let bare: ReturnType<typeof createBareJsonCollector> | undefined;

  const tooLarge = (): StreamError =>
    new StreamError({
      reason: 'too-large',
      chunksDelivered: delivered + pending.length,
      message:
        `Gemini stream event ${events + 1} grew past ${maxEventSize} characters without ending. ` +
        'The server (or a proxy) is sending a broken stream; check the base URL.',
    });

  const parser = createParser({
    maxBufferSize: maxEventSize,
    onEvent: ({ event, data }) => {
      if (failure !== undefined || data === '' || data === '[DONE]') return;
      events++;
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch (cause) {
        if (event === 'error') gatewayError(data, undefined);
        else malformed(data, cause);
        return;
      }
      if (event === 'error' && findCarriedError(value) === undefined) gatewayError(data, value);
      else accept(value, data);
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') {
        failure ??= tooLarge();
        return;
      }
      // A line that is not an SSE field: possibly part of bare JSON.
      if (failure === undefined && error.type === 'unknown-field' && error.line !== undefined) {
        bare ??= createBareJsonCollector({ onValue, onMalformed });
        bare.pushLine(error.line);
        if ((bare.pending()?.length ?? 0) > maxEventSize) failure = tooLarge();
      }
    },
  });

  // A body that starts with `[` is the JSON array a gateway that ignored `alt=sse` sends: it is
  // split element by element as it arrives instead of going through the SSE parser, which would
  // only see it line by line (and the bare-JSON collector only as a whole).
  let mode = 'unknown' as 'unknown' | 'sse' | 'array';
  let array: ReturnType<typeof createJsonArraySplitter> | undefined;
  // Whether the last piece fed to the SSE parser ended inside a line (see feed).
  let lineCut = false;
  const feed = (text: string): void => {
    if (mode === 'unknown') {
      const first = firstNonWhitespace(text);
      if (first === -1) return void parser.feed(text);
      mode = text.charCodeAt(first) === OPEN_BRACKET ? 'array' : 'sse';
    }
    if (mode === 'sse') {
      // eventsource-parser 3 joins the unfinished line it holds with the whole next piece it is
      // fed, a copy of every byte of the body. After a piece that ended inside a line, the next
      // one's first line is fed on its own, so it joins just that line and takes the rest as it
      // is (a parser fed any split of the text parses the same events; a piece that ended at a
      // line end is fed whole). Measured on the bench's 20,000-chunk stream through agent.stream:
      // 2,539 -> 2,175 bytes allocated per chunk (-14 %); CPU per chunk within noise (parse
      // scenario 0.980-1.002 x).
      const lineEnd = lineCut ? text.indexOf('\n') : -1;
      if (text !== '') lineCut = text.charCodeAt(text.length - 1) !== LINE_FEED;
      if (lineEnd === -1 || lineEnd === text.length - 1) return void parser.feed(text);
      parser.feed(text.slice(0, lineEnd + 1));
      return void parser.feed(text.slice(lineEnd + 1));
    }
    if (failure !== undefined) return;
    array ??= createJsonArraySplitter({ onValue, onMalformed });
    array.push(text);
    if (failure === undefined && array.pendingLength() > maxEventSize) failure = tooLarge();
  };

  const onAbort = (): void => {
    // Settles a pending read at once (as done); the loop then throws the signal's reason.
    reader.cancel(signal?.reason).catch(ignore);
  };
  if (watchAbort !== undefined) watchAbort(onAbort);
  else signal?.addEventListener('abort', onAbort, { once: true });

  // Whether the body was read to its end: what it held is handed out, then the stream ends.
  let bodyEnded = false;
  // Called again after it ran (a failure, then the caller's release): both steps bear it.
  const close = (): void => {
    if (watchAbort === undefined) signal?.removeEventListener('abort', onAbort);
    // Releases the connection when the consumer stops early or anything failed. A body read to
    // its end has nothing to release: not cancelled (two promises a streamed step).
    if (!bodyEnded) reader.cancel().catch(ignore);
  };
  const take = (): GenerateContentResponse[] => {
    const batch = pending;
    pending = [];
    delivered += batch.length;
    return batch;
  };

  const next = async (): Promise<GenerateContentResponse[] | undefined> => {
    try {
      // Checked on every call, as a generator checks when it is resumed after handing out a
      // batch (and before its first read).
      signal?.throwIfAborted();
      if (!bodyEnded) {
        // A failure found in the read of the last batch comes after that batch.
        if (failure !== undefined) throw failure instanceof Promise ? await failure : failure;
        for (;;) {
          let result: ByteReadResult;
          try {
            result = await reader.read();
          } catch (cause) {
            signal?.throwIfAborted();
            throw await readFailure(cause, delivered, errorContext);
          }
          signal?.throwIfAborted();
          if (result.done) break;
          bytes += result.value.byteLength;
          // Checked before the bytes are decoded and kept: the answer so far is what the consumer
          // has.
          if (bytes > maxBytes) {
            throw new ResponseTooLargeError({
              message:
                `The ${method} answer grew past maxStreamBytes (${maxBytes} bytes; ${bytes} read) ` +
                `after ${delivered} chunk(s), so reading stopped there. A Gemini answer is far ` +
                'smaller: check the baseUrl, or raise maxStreamBytes in createGemini if the ' +
                'answer is genuine. Not retried.',
              url,
              method,
              status: 200,
              maxBytes,
              receivedBytes: bytes,
              attempt: errorContext?.attempt,
              chunksDelivered: delivered,
            });
          }
          // Decoded in place (a read's one call, no closure a stream): the byte-order mark dropped
          // from the first text.
          let text = decoder.write(result.value);
          if (!started && text !== '') {
            started = true;
            if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
          }
          feed(text);
          if (pending.length > 0) return take();
          // Set by the parser's callbacks during `feed` (TypeScript narrowed it above).
          const found = failure as unknown;
          if (found !== undefined) throw found instanceof Promise ? await found : found;
        }
        // The body ended: flush the decoder and end a last event that lacks its blank line.
        bodyEnded = true;
        atEnd = true;
        const rest = decoder.end();
        if (mode === 'array') feed(rest);
        else parser.feed(`${rest}\n\n`);
        const unfinished = mode === 'array' ? array?.pending() : bare?.pending();
        if (unfinished !== undefined && failure === undefined) {
          failure = truncated(shown(unfinished), delivered + pending.length);
        }
      }
      if (pending.length > 0) return take();
      if (failure !== undefined) throw failure instanceof Promise ? await failure : failure;
      if (delivered === 0) {
        const start = bare?.firstIgnoredLine();
        throw new StreamError({
          reason: 'truncated',
          chunksDelivered: 0,
          event: start === undefined ? undefined : shown(start),
          message:
            start === undefined
              ? `The Gemini stream ended before its first chunk (${describeNoEvent(bytes, errorContext?.response?.status)}). Retry the request.`
              : 'The Gemini stream held no `data:` event; its first line is on `error.event`. ' +
                'Check that the base URL points at a Gemini-compatible API that supports `alt=sse`.',
        });
      }
      close();
      return undefined;
    } catch (error) {
      // A failure ends the reading: the body is released, as a generator's `finally` did.
      close();
      throw error;
    }
  };

  return { next, close };
}

/**
 * The error of a read of the body that failed: the connection, or a body that did not decode.
 * create-decode-error.ts loads here, on the first failed read (bytes42): a stream that ends well
 * never needs it; without it (its load failed) the error says what the read threw.
 */
async function readFailure(
  cause: unknown,
  delivered: number,
  errorContext: StreamErrorContext | undefined,
): Promise<StreamError> {
  // A failed load (a chunk lost offline) leaves the read's cause to say what happened.
  const decode = await import('../errors/create-decode-error.ts').catch(() => undefined);
  const failure = decode?.findDecodeFailure(cause);
  const what =
    decode === undefined || failure === undefined
      ? `${describeCause(cause)}. Retry the request.`
      : `${decode.describeDecodeFailure({
          contentEncoding: contentEncodingOf(errorContext),
          failure,
        })}.`;
  return new StreamError({
    reason: 'connection',
    chunksDelivered: delivered,
    cause,
    message: `Reading the Gemini stream failed after ${delivered} chunk(s): ${what}`,
  });
}

function contentEncodingOf(errorContext: StreamErrorContext | undefined): string | null {
  const headers = errorContext?.response?.headers;
  if (headers === undefined) return null;
  return typeof headers.get === 'function'
    ? (headers as Headers).get('content-encoding')
    : ((headers as Readonly<Record<string, string>>)['content-encoding'] ?? null);
}

function truncated(text: string, chunksDelivered: number): StreamError {
  return new StreamError({
    reason: 'truncated',
    chunksDelivered,
    event: text,
    message:
      `The Gemini stream ended in the middle of an event after ${chunksDelivered} chunk(s): the ` +
      'connection was cut. The partial event is on `error.event`. Retry the request.',
  });
}

/**
 * What a body that ended without an event held: nothing (`an empty 204 body`: the status it came
 * with), or only SSE comments and blank lines (a gateway's keep-alives). It said "an empty 200
 * body" for both, whatever the status (attack60b).
 */
function describeNoEvent(bytes: number, status: number | undefined): string {
  if (bytes > 0)
    return `the ${bytes}-byte body held only comments and blank lines, no \`data:\` event`;
  return `an empty ${status ?? 200} body`;
}

function describeCause(cause: unknown): string {
  return describeThrown(cause);
}

function ignore(): void {}
