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
import type { AttemptError } from './to-attempt-error.ts';

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
    (opening) => attemptBatches(opening, options, taken),
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
 * the parser's generator cost every streamed step two generators and their resumptions. With the
 * continuation's drain of a read (`ChunksOfBatches.takeBuffered`), the default agent's streamed
 * step makes 39 promises where it made 53 (the bench's seq5 loop, V8's promise hooks), and its
 * client CPU is 3.0 us lower (median of 12 in-process A/B processes, both orders; the A/A beside
 * it -0.05, spread +-7 to 13 at load 10-20: inside that band; bench/RESULTS.md, helper
 * stream-path2).
 */
function attemptBatches(
  opening: Promise<OpenAttempt>,
  { client, call }: OpenGenerateContentStreamOptions,
  taken: Taken,
): BatchSource<GenerateContentResponse> {
  /** The attempt that opened the stream, once it did. */
  let opened: OpenAttempt | undefined;
  /** Ended, failed or left: `next()` ends at once. */
  let done = false;
  let last: GenerateContentResponse | undefined;
  /** Checked once per stream, not per chunk: with logging off (the default) no fields are built. */
  let traceChunks = false;

  /** Ends the attempt that did not finish: aborted, its body released, its timer stopped. */
  const release = ({ signal, value }: OpenAttempt): void => {
    done = true;
    signal.abort();
    value.batches.close();
    signal.dispose();
  };
  /** The stream failed after it opened: the attempt's error, the connection released. */
  const fail = async (attempt: OpenAttempt, caught: unknown): Promise<AttemptError> => {
    const { delivered, usage } = taken;
    attempt.waitingFor = `the next chunk after ${delivered}`;
    // Aborted at once; released before the error (which may load) is awaited.
    const failed = attempt.fail(caught, { headersMs: attempt.headersMs, chunks: delivered, usage });
    release(attempt);
    return { error: fileNotFoundOf(attachPartialUsage((await failed).error, usage)) };
  };

  return {
    async next() {
      if (done) return DONE;
      let batch: readonly GenerateContentResponse[] | undefined;
      let attempt = opened;
      if (attempt === undefined) {
        try {
          attempt = await opening;
        } catch (error) {
          done = true;
          throw fileNotFoundOf(error);
        }
        opened = attempt;
        taken.signal = attempt.signal;
        traceChunks = isLevelEnabled(client.logger, 'trace');
        // The first batch was read within the attempt (see openBatches).
        batch = attempt.value.first;
      } else {
        // The consumer took the batch (or the stream refused a chunk of it: the attempt aborted,
        // and the reader's `next()` rejects with the reason, checked first as it is there).
        // `attempt.waitingFor` is set by `fail`, its only reader, not here: no string is built a
        // batch for a stream that does not fail. With the abort check left to the reader: two calls
        // and a string a batch fewer, -15 B gzip of the agent app (bench/RESULTS.md, step-stream).
        try {
          // The idle limit runs only while a read is awaited, never while the consumer holds a
          // chunk (a restart does nothing once the attempt aborted).
          attempt.signal.restartTimer();
          batch = await attempt.value.batches.next();
        } catch (caught) {
          throw (await fail(attempt, caught)).error;
        }
      }
      attempt.signal.pauseTimer();
      if (batch === undefined) {
        done = true;
        attempt.succeed(
          attempt.debug
            ? { headersMs: attempt.headersMs, chunks: taken.delivered, usage: last?.usageMetadata }
            : undefined,
        );
        return DONE;
      }
      last = batch[batch.length - 1];
      if (traceChunks) {
        for (const chunk of batch) {
          logBody(
            client.logger,
            { method: METHOD, attempt: attempt.number, direction: 'chunk' },
            chunk,
            call.secrets.values,
          );
        }
      }
      return { done: false, value: batch };
    },
    async return() {
      // Left before it opened (the opening is not awaited: nothing was opened) or once it ended:
      // nothing to release. Left while open: the connection is released.
      if (!done && opened !== undefined) release(opened);
      done = true;
      return DONE;
    },
    async throw(error?: unknown) {
      if (done || opened === undefined) {
        done = true;
        throw error;
      }
      throw (await fail(opened, error)).error;
    },
  };
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
