import { ApiCallError } from '../../errors/api-call-error.ts';
import { fileNotFoundOf } from '../../errors/files-and-batches/file-not-found-of.ts';
import { attachPartialUsage } from '../../errors/partial-usage.ts';
import { StreamError } from '../../errors/stream-error.ts';
import { isLevelEnabled } from '../../logging/logger.ts';
import type { ByteReader } from '../../streaming/byte-reader.ts';
import { type BatchSource, ChunksOfBatches } from '../../streaming/chunks-of-batches.ts';
import {
  type GenerateContentBatchReader,
  readGenerateContentBatches,
} from '../../streaming/parse-generate-content-stream.ts';
import type { GenerateContentResponse, UsageMetadata } from '../../wire/response.ts';
import type { ResolvedCallOptions } from '../options/resolve-call-options.ts';
import type { ResolvedClientOptions } from '../options/resolve-client-options.ts';
import type { TransportResponse } from '../transport/transport.ts';
import { logBody } from './log-attempt.ts';
import {
  type Attempt,
  type ReadResponse,
  type SendWithRetryOptions,
  sendWithRetry,
} from './send-with-retry.ts';

const METHOD = 'streamGenerateContent';

/** The body of a stand-in Response without a stream: it ends at once. */
const EMPTY_BODY: ByteReader = {
  read: async () => ({ done: true, value: undefined }),
  cancel: async () => {},
};

/** What {@link openGenerateContentStream} needs. */
export type OpenGenerateContentStreamOptions = {
  client: ResolvedClientOptions;
  call: ResolvedCallOptions;
  model: string;
  url: string;
  /** The serialised request body. */
  body: string;
};

/**
 * `streamGenerateContent?alt=sse` as an async generator. The request is made when iteration
 * starts.
 *
 * Retries: opening the stream (request, status check) and waiting for the first chunk form one
 * attempt, retried like any call: a retryable status, a network failure, or a stream cut before
 * its first chunk. Once a chunk has been delivered the stream is never retried; a later failure
 * is thrown as it is (`StreamError` with `chunksDelivered`, or an `ApiCallError` for an error
 * object in the stream).
 *
 * Time limit: `timeoutMs` bounds the wait for the response headers and then every wait for the
 * next chunk (an idle limit, paused while the consumer holds a chunk), so a long answer that keeps
 * streaming is never cut, and a stalled one fails with a `TimeoutError`.
 *
 * Breaking out of the loop, or aborting the signal, cancels the body and aborts the request, so
 * the connection is released.
 *
 * Errors: a failure naming a refused file (expired, deleted) is the typed `FileNotFoundError`, as
 * a unary call's is (`fileNotFoundOf`). Mapped here rather than in a generator around this one:
 * each layer of `yield*` costs every chunk a few promise turns (that layer made the parse
 * scenario 7 % slower, bench/src/ab/ab-parse.ts: 1.14 -> 1.07 x d5ff9c8's CPU per chunk). For the
 * same reason the chunks of a network read are handed out by {@link ChunksOfBatches}, not by an
 * async generator step each.
 * @internal
 */
export function openGenerateContentStream(
  options: OpenGenerateContentStreamOptions,
): AsyncIterableIterator<GenerateContentResponse> {
  // What the consumer has taken, kept per chunk by `take` and read by the batches' error path.
  const taken: Taken = { delivered: 0, usage: undefined, signal: undefined };
  const attempt = openAttemptOptions(options);
  return new ChunksOfBatches<GenerateContentResponse, OpenAttempt, OpenAttemptOptions, OpenRead>(
    // The first pull calls sendWithRetry from its own frame, so the request leaves one call nearer
    // `agent.stream()` (issue 53 item 8, agent/request-path-depth.test.ts) than from inside the
    // batches' generator.
    sendWithRetry,
    attempt,
    openBatches,
    (opening) => new AttemptBatches(opening, options, taken),
    (chunk) => {
      // Checked before each chunk is handed out, as after each `yield` of a generator: once the
      // attempt is aborted, the batches' generator is resumed and fails with the reason.
      if (taken.signal?.aborted === true) return false;
      taken.delivered++;
      if (chunk.usageMetadata !== undefined) taken.usage = chunk.usageMetadata;
      return true;
    },
  );
}

/**
 * The options of the attempt that opens a stream, as `sendWithRetry` reads them: every field
 * written, in one order, as one literal. Not `{ ...options, method, httpMethod, isRetryable }`: on
 * Node 20 (V8 11) a spread with fields added gives each object a map of its own once the code is
 * warm (the clone's map is in no transition tree), so every load of it in sendWithRetry missed
 * V8's caches; that cost the 8-call stream +29.9k instructions a step in V8's map and IC runtime
 * (bench/RESULTS.md, "The stream's request path at 8 calls, counted").
 * @internal
 */
export function openAttemptOptions({
  client,
  call,
  model,
  url,
  body,
}: OpenGenerateContentStreamOptions): OpenAttemptOptions {
  return {
    client,
    call,
    method: METHOD,
    model,
    url,
    httpMethod: 'POST',
    body,
    isRetryable: isRetryableBeforeFirstChunk,
  };
}

/** The consumer's progress through a stream's chunks. */
type Taken = {
  delivered: number;
  /** The last usage reported, for the error of a stream cut later (chunks may omit it). */
  usage: UsageMetadata | undefined;
  /** The attempt's signal, once the stream is open. */
  signal: { readonly aborted: boolean } | undefined;
};

/** The attempt that opens a stream: sent by its first pull (see openGenerateContentStream). */
type OpenAttemptOptions = SendWithRetryOptions;
/** A stream's attempt that got its headers and first read. */
type OpenAttempt = Attempt<Opened>;
/** What reads the opening attempt's response: {@link openBatches}. */
type OpenRead = ReadResponse<Opened, OpenAttemptOptions>;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The stream's chunks a network read at a time ({@link openGenerateContentStream} hands them out),
 * once the attempt that opens it (`opening`, sent by the first pull) succeeded: its timers, its
 * errors and the release of the connection.
 *
 * An object that answers as an async generator of batches would, not one: it asks the body's
 * reader ({@link readGenerateContentBatches}) for each batch itself, where a generator here over
 * the parser's generator cost every streamed step two generators, their resumptions and about a
 * dozen promises more (bench/RESULTS.md, helper stream-path2). Its states: `opening` until the
 * first `next()`, `open` while batches come, `done` once it ended, failed or was left.
 */
class AttemptBatches implements BatchSource<GenerateContentResponse> {
  readonly #opening: Promise<OpenAttempt>;
  readonly #options: OpenGenerateContentStreamOptions;
  readonly #taken: Taken;
  #state: 'opening' | 'open' | 'done' = 'opening';
  /** The attempt that opened the stream, once it did. */
  #opened: OpenAttempt | undefined = undefined;
  #last: GenerateContentResponse | undefined = undefined;
  /** Checked once per stream, not per chunk: with logging off (the default) no fields are built. */
  #traceChunks = false;

  constructor(
    opening: Promise<OpenAttempt>,
    options: OpenGenerateContentStreamOptions,
    taken: Taken,
  ) {
    this.#opening = opening;
    this.#options = options;
    this.#taken = taken;
  }

  next(): Promise<IteratorResult<readonly GenerateContentResponse[], void>> {
    if (this.#state === 'opening') {
      this.#state = 'open';
      return this.#opening.then(this.#onOpened, (error: unknown) => {
        this.#state = 'done';
        throw fileNotFoundOf(error);
      });
    }
    const opened = this.#opened;
    if (this.#state === 'done' || opened === undefined) return Promise.resolve(DONE);
    // The consumer took the batch (or the stream refused a chunk of it: the attempt aborted).
    const attemptSignal = opened.signal;
    if (attemptSignal.aborted) return Promise.reject(this.#fail(attemptSignal.reason));
    opened.waitingFor = `the next chunk after ${this.#taken.delivered}`;
    // The idle limit runs only while a read is awaited, never while the consumer holds a chunk.
    attemptSignal.restartTimer();
    return opened.value.batches.next().then(this.#onBatch, this.#onFailure);
  }

  return(): Promise<IteratorResult<readonly GenerateContentResponse[], void>> {
    // Never opened (the opening is not awaited: a source left before its first `next()` opened
    // nothing), or already ended.
    if (this.#state !== 'open' || this.#opened === undefined) {
      this.#state = 'done';
      return Promise.resolve(DONE);
    }
    // The consumer stopped early: release the connection.
    this.#release(this.#opened);
    return Promise.resolve(DONE);
  }

  throw(error?: unknown): Promise<IteratorResult<readonly GenerateContentResponse[], void>> {
    if (this.#state !== 'open' || this.#opened === undefined) {
      this.#state = 'done';
      return Promise.reject(error);
    }
    return Promise.reject(this.#fail(error));
  }

  readonly #onOpened = (
    opened: OpenAttempt,
  ): IteratorResult<readonly GenerateContentResponse[], void> => {
    this.#opened = opened;
    this.#taken.signal = opened.signal;
    this.#traceChunks = isLevelEnabled(this.#options.client.logger, 'trace');
    // The first batch was read within the attempt (see openBatches).
    return this.#onBatch(opened.value.first);
  };

  readonly #onBatch = (
    batch: readonly GenerateContentResponse[] | undefined,
  ): IteratorResult<readonly GenerateContentResponse[], void> => {
    const opened = this.#opened as OpenAttempt;
    // The consumer holds the batch now: a slow consumer is not an idle server.
    opened.signal.pauseTimer();
    if (batch === undefined) {
      this.#state = 'done';
      const last = this.#last;
      opened.succeed(
        opened.debug
          ? {
              headersMs: opened.headersMs,
              chunks: this.#taken.delivered,
              usage: last?.usageMetadata,
            }
          : undefined,
      );
      return DONE;
    }
    this.#last = batch[batch.length - 1];
    if (this.#traceChunks) {
      const { client, call } = this.#options;
      for (const chunk of batch) {
        logBody(
          client.logger,
          { method: METHOD, attempt: opened.number, direction: 'chunk' },
          chunk,
          call.secrets.values,
        );
      }
    }
    return { done: false, value: batch };
  };

  readonly #onFailure = (caught: unknown): never => {
    throw this.#fail(caught);
  };

  /** The stream failed after it opened: the attempt's error, the connection released. */
  #fail(caught: unknown): unknown {
    const opened = this.#opened as OpenAttempt;
    const { delivered, usage } = this.#taken;
    opened.waitingFor = `the next chunk after ${delivered}`;
    const error = opened.fail(caught, { headersMs: opened.headersMs, chunks: delivered, usage });
    this.#release(opened);
    return fileNotFoundOf(attachPartialUsage(error, usage));
  }

  /** Ends the attempt that did not finish: aborted, its body released, its timer stopped. */
  #release(opened: OpenAttempt): void {
    this.#state = 'done';
    opened.signal.abort();
    opened.value.batches.close();
    opened.signal.dispose();
  }
}

/** A stream whose first read has come back, from the attempt that opened it. */
type Opened = {
  batches: GenerateContentBatchReader;
  /** The first batch, or `undefined`: the body ended (what `batches.next()` then rejects with). */
  first: GenerateContentResponse[] | undefined;
};

/**
 * Starts parsing a 2xx stream and waits for its first chunk, within the attempt: a failure up to
 * there is retried like any call (see {@link isRetryableBeforeFirstChunk}).
 */
async function openBatches(response: TransportResponse, attempt: Attempt<Opened>): Promise<Opened> {
  const { client, call, url } = attempt.options;
  const attemptSignal = attempt.signal;
  attempt.waitingFor = 'the first chunk';
  const batches = readGenerateContentBatches({
    // Watched: the parser cancels the reader when the attempt aborts and throws its reason.
    body: response.reader(true) ?? EMPTY_BODY,
    url,
    method: METHOD,
    signal: attemptSignal,
    watchAbort: (onAbort) => attemptSignal.onAbort(onAbort),
    // Read when an error is built: the secret list as it is then, and Headers built only then.
    errorContext: { attempt: attempt.number, auth: client.auth, secrets: call.secrets, response },
    maxBytes: client.maxStreamBytes,
  });
  // Restarting the timer here makes the limit apply again to the first chunk.
  attemptSignal.restartTimer();
  const first = await batches.next();
  return { batches, first };
}

/**
 * Before any chunk was delivered a retry is safe: a retryable `ApiCallError`, or a stream that was
 * cut (connection failure, or a body that ended inside or before its first JSON event). A body
 * with no `data:` event at all (an HTML page behind a 200) is not retried.
 */
function isRetryableBeforeFirstChunk(error: unknown): boolean {
  if (ApiCallError.isInstance(error)) return error.isRetryable;
  if (!StreamError.isInstance(error) || error.chunksDelivered !== 0) return false;
  if (error.reason === 'connection') return true;
  if (error.reason !== 'truncated') return false;
  const start = error.event?.trimStart()[0];
  return start === undefined || start === '{' || start === '[';
}
