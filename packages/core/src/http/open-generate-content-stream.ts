import { ApiCallError } from '../errors/api-call-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import { isLevelEnabled } from '../logging/logger.ts';
import { withRetry } from '../retry/with-retry.ts';
import type { ByteReader } from '../streaming/byte-reader.ts';
import { parseGenerateContentBatches } from '../streaming/parse-generate-content-stream.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { createAttemptSignal } from './create-attempt-signal.ts';
import { logAttempt, logBody, logRetry } from './log-attempt.ts';
import { reportRetry } from './report-retry.ts';
import type { ResolvedCallOptions } from './resolve-call-options.ts';
import type { ResolvedClientOptions } from './resolve-client-options.ts';
import { selectTransport } from './select-transport.ts';
import { sendRequest } from './send-request.ts';
import { toAttemptError } from './to-attempt-error.ts';

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
  const { logger } = client;
  const { redact } = call;
  // Checked once per stream, not per chunk: with logging off (the default) no log fields are built.
  const traceChunks = isLevelEnabled(logger, 'trace');
  const debug = isLevelEnabled(logger, 'debug');
  if (traceChunks) logBody(logger, { method: METHOD, direction: 'request' }, body, redact);

  const opened = await withRetry(
    async (attempt) => {
      const started = performance.now();
      const attemptSignal = createAttemptSignal({
        signal: call.signal,
        timeoutMs: call.timeoutMs,
        timers: client.timers,
      });
      let status: number | undefined;
      let waitingFor = 'the response headers';
      try {
        const response = await sendRequest({
          transport: selectTransport(client),
          url,
          method: METHOD,
          httpMethod: 'POST',
          headers:
            client.vertex === undefined
              ? call.headers
              : await client.vertex.authorize(call.headers),
          body,
          signal: attemptSignal.signal,
          attempt,
          auth: client.auth,
          redact,
        });
        status = response.status;
        call.onResponse?.({ status, headers: response.headers, attempt });
        const headersMs = performance.now() - started;
        waitingFor = 'the first chunk';
        const batches = parseGenerateContentBatches({
          body: response.reader() ?? EMPTY_BODY,
          url,
          method: METHOD,
          signal: attemptSignal.signal,
          watchAbort: (onAbort) => attemptSignal.onAbort(onAbort),
          errorContext: { responseHeaders: response.headers, attempt, auth: client.auth, redact },
        });
        // Restarting the timer here makes the limit apply again to the first chunk.
        attemptSignal.restartTimer();
        const first = await batches.next();
        return { attempt, attemptSignal, batches, first, status, started, headersMs };
      } catch (caught) {
        // A revoked or expired Vertex token: the next call fetches a new one.
        if (
          client.vertex !== undefined &&
          (caught as { status?: unknown } | null)?.status === 401
        ) {
          client.vertex.invalidateToken();
        }
        attemptSignal.abort();
        attemptSignal.dispose();
        const error = toAttemptError(caught, {
          url,
          method: METHOD,
          attempt,
          attemptSignal,
          signal: call.signal,
          timeoutMs: call.timeoutMs,
          waitingFor,
          redact,
        });
        if (debug) {
          logAttempt(logger, {
            model,
            method: METHOD,
            attempt,
            status: status ?? (ApiCallError.isInstance(error) ? error.status : undefined),
            latencyMs: performance.now() - started,
            error,
          });
        }
        throw error;
      }
    },
    {
      policy: call.retry,
      signal: call.signal,
      isRetryable: isRetryableBeforeFirstChunk,
      onRetry: (event) => {
        logRetry(logger, {
          method: METHOD,
          attempt: event.attempt,
          delayMs: event.delayMs,
          isServerDelay: event.isServerDelay,
        });
        reportRetry(call.onRetry, event);
      },
    },
  );

  const { attempt, attemptSignal, batches, status, started, headersMs } = opened;
  const { signal } = attemptSignal;
  let delivered = 0;
  let last: GenerateContentResponse | undefined;
  let finished = false;
  try {
    // The chunks come a network read at a time; the idle limit runs only while a read is awaited,
    // never while the consumer holds a chunk.
    attemptSignal.pauseTimer();
    let result = opened.first;
    while (result.done !== true) {
      const batch = result.value;
      for (let index = 0; index < batch.length; index++) {
        const chunk = batch[index] as GenerateContentResponse;
        delivered++;
        last = chunk;
        if (traceChunks)
          logBody(logger, { method: METHOD, attempt, direction: 'chunk' }, chunk, redact);
        yield chunk;
        if (signal.aborted) throw signal.reason;
      }
      attemptSignal.restartTimer();
      result = await batches.next();
      attemptSignal.pauseTimer();
    }
    finished = true;
    if (debug) {
      logAttempt(logger, {
        model,
        method: METHOD,
        attempt,
        status,
        latencyMs: performance.now() - started,
        headersMs,
        chunks: delivered,
        usage: last?.usageMetadata,
      });
    }
  } catch (caught) {
    const error = toAttemptError(caught, {
      url,
      method: METHOD,
      attempt,
      attemptSignal,
      signal: call.signal,
      timeoutMs: call.timeoutMs,
      waitingFor: `the next chunk after ${delivered}`,
      redact,
    });
    if (debug) {
      logAttempt(logger, {
        model,
        method: METHOD,
        attempt,
        status,
        latencyMs: performance.now() - started,
        headersMs,
        chunks: delivered,
        usage: last?.usageMetadata,
        error,
      });
    }
    throw error;
  } finally {
    if (!finished) {
      // The consumer stopped early or something failed: release the connection.
      attemptSignal.abort();
      await batches.return(undefined).catch(() => {});
    }
    attemptSignal.dispose();
  }
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
