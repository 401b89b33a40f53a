import { ApiCallError } from '../../errors/api-call-error.ts';
import { fileNotFoundOf } from '../../errors/files-and-batches/file-not-found-of.ts';
import { attachPartialUsage } from '../../errors/partial-usage.ts';
import { StreamError } from '../../errors/stream-error.ts';
import { isLevelEnabled } from '../../logging/logger.ts';
import type { ByteReader } from '../../streaming/byte-reader.ts';
import { parseGenerateContentBatches } from '../../streaming/parse-generate-content-stream.ts';
import type { GenerateContentResponse, UsageMetadata } from '../../wire/response.ts';
import type { ResolvedCallOptions } from '../options/resolve-call-options.ts';
import type { ResolvedClientOptions } from '../options/resolve-client-options.ts';
import type { TransportResponse } from '../transport/transport.ts';
import { logBody } from './log-attempt.ts';
import { type Attempt, type SendWithRetryOptions, sendWithRetry } from './send-with-retry.ts';

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
 * @internal
 */
export async function* openGenerateContentStream({
  client,
  call,
  model,
  url,
  body,
}: OpenGenerateContentStreamOptions): AsyncGenerator<GenerateContentResponse> {
  // A refused file is the typed FileNotFoundError, as a unary call's is (fileNotFoundOf), mapped
  // at the stream's two throws: a wrapping generator around the stream cost every chunk one more
  // async hop (800 B of garbage a step in the bench's seq5 stream, issue 27).
  let opened: Attempt<Opened, SendWithRetryOptions>;
  try {
    opened = await sendWithRetry(
      {
        client,
        call,
        method: METHOD,
        model,
        url,
        httpMethod: 'POST',
        body,
        isRetryable: isRetryableBeforeFirstChunk,
      },
      openBatches,
    );
  } catch (error) {
    throw fileNotFoundOf(error);
  }
  const { logger } = client;
  const { batches } = opened.value;
  const attemptSignal = opened.signal;
  // Checked once per stream, not per chunk: with logging off (the default) no log fields are built.
  const traceChunks = isLevelEnabled(logger, 'trace');
  let delivered = 0;
  let last: GenerateContentResponse | undefined;
  // The last usage reported, for the error of a stream cut later (chunks may omit it).
  let usage: UsageMetadata | undefined;
  let finished = false;
  try {
    // The chunks come a network read at a time; the idle limit runs only while a read is awaited,
    // never while the consumer holds a chunk.
    attemptSignal.pauseTimer();
    let result = opened.value.first;
    while (result.done !== true) {
      const batch = result.value;
      for (let index = 0; index < batch.length; index++) {
        const chunk = batch[index] as GenerateContentResponse;
        delivered++;
        last = chunk;
        if (chunk.usageMetadata !== undefined) usage = chunk.usageMetadata;
        if (traceChunks) {
          logBody(
            logger,
            { method: METHOD, attempt: opened.number, direction: 'chunk' },
            chunk,
            call.secrets.values,
          );
        }
        yield chunk;
        attemptSignal.throwIfAborted();
      }
      opened.waitingFor = `the next chunk after ${delivered}`;
      attemptSignal.restartTimer();
      result = await batches.next();
      attemptSignal.pauseTimer();
    }
    finished = true;
    opened.succeed(
      opened.debug
        ? { headersMs: opened.headersMs, chunks: delivered, usage: last?.usageMetadata }
        : undefined,
    );
  } catch (caught) {
    opened.waitingFor = `the next chunk after ${delivered}`;
    const error = opened.fail(caught, { headersMs: opened.headersMs, chunks: delivered, usage });
    throw fileNotFoundOf(attachPartialUsage(error, usage));
  } finally {
    if (!finished) {
      // The consumer stopped early or something failed: release the connection.
      attemptSignal.abort();
      await batches.return(undefined).catch(() => {});
    }
    attemptSignal.dispose();
  }
}

/** A stream whose first read has come back, from the attempt that opened it. */
type Opened = {
  batches: AsyncGenerator<GenerateContentResponse[], void>;
  first: IteratorResult<GenerateContentResponse[], void>;
};

/**
 * Starts parsing a 2xx stream and waits for its first chunk, within the attempt: a failure up to
 * there is retried like any call (see {@link isRetryableBeforeFirstChunk}).
 */
async function openBatches(response: TransportResponse, attempt: Attempt<Opened>): Promise<Opened> {
  const { client, call, url } = attempt.options;
  const attemptSignal = attempt.signal;
  attempt.waitingFor = 'the first chunk';
  const batches = parseGenerateContentBatches({
    body: response.reader() ?? EMPTY_BODY,
    url,
    method: METHOD,
    signal: attemptSignal,
    watchAbort: (onAbort) => attemptSignal.onAbort(onAbort),
    errorContext: {
      attempt: attempt.number,
      auth: client.auth,
      // Read when an error is built: the secret list as it is then, and Headers built only then.
      get redact(): readonly string[] {
        return call.secrets.values;
      },
      get responseHeaders(): Headers {
        return response.headers;
      },
    },
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
