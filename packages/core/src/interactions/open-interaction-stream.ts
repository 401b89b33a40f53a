import { ApiCallError } from '../errors/api-call-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import { type Attempt, sendWithRetry } from '../http/attempts/send-with-retry.ts';
import type { ResolvedCallOptions } from '../http/options/resolve-call-options.ts';
import type { ResolvedClientOptions } from '../http/options/resolve-client-options.ts';
import type { TransportResponse } from '../http/transport/transport.ts';
import type { ByteReader } from '../streaming/byte-reader.ts';
import { parseInteractionEvents } from '../streaming/parse-interaction-events.ts';
import type { InteractionEvent } from '../wire/interaction.ts';

/** Far above any real event (an image step's base64), far below what exhausts memory. */
const MAX_EVENT_SIZE = 128 * 1024 * 1024;

const EMPTY_BODY: ByteReader = {
  read: async () => ({ done: true, value: undefined }),
  cancel: async () => {},
};

/** One streamed request of the Interactions API (a create with `stream: true`, or a resuming get). @internal */
export type OpenInteractionStreamOptions = {
  client: ResolvedClientOptions;
  call: ResolvedCallOptions;
  method: string;
  url: string;
  httpMethod: 'GET' | 'POST';
  body?: string | undefined;
  /** The model a create names, told to `beforeSend` (a fleet rate limit counts it). */
  model?: string | undefined;
};

type Opened = {
  batches: AsyncGenerator<InteractionEvent[], void>;
  first: IteratorResult<InteractionEvent[], void>;
};

/**
 * One connection of an interaction's stream, on the client's one request path (`sendWithRetry`:
 * attempts, retries before the first event, `timeoutMs` as an idle limit between events, redaction,
 * logging, both transports), as `openGenerateContentStream` does for `streamGenerateContent`. A
 * failure after the first event is thrown as it is; the caller resumes from the last `event_id`.
 * @internal
 */
export async function* openInteractionStream(
  options: OpenInteractionStreamOptions,
): AsyncGenerator<InteractionEvent> {
  const opened = await sendWithRetry(
    { ...options, isRetryable: isRetryableBeforeFirstEvent },
    openEvents,
  );
  const { batches } = opened.value;
  const signal = opened.signal;
  let delivered = 0;
  let finished = false;
  try {
    signal.pauseTimer();
    let result = opened.value.first;
    while (result.done !== true) {
      for (const event of result.value) {
        delivered++;
        yield event;
        signal.throwIfAborted();
      }
      opened.waitingFor = `the next event after ${delivered}`;
      signal.restartTimer();
      result = await batches.next();
      signal.pauseTimer();
    }
    finished = true;
    opened.succeed(opened.debug ? { headersMs: opened.headersMs, chunks: delivered } : undefined);
  } catch (caught) {
    opened.waitingFor = `the next event after ${delivered}`;
    throw (await opened.fail(caught, { headersMs: opened.headersMs, chunks: delivered })).error;
  } finally {
    if (!finished) {
      signal.abort();
      await batches.return(undefined).catch(() => {});
    }
    signal.dispose();
  }
}

async function openEvents(response: TransportResponse, attempt: Attempt<Opened>): Promise<Opened> {
  const { client, call, url, method } = attempt.options;
  const signal = attempt.signal;
  attempt.waitingFor = 'the first event';
  const batches = parseInteractionEvents({
    body: response.reader() ?? EMPTY_BODY,
    url,
    method,
    signal,
    watchAbort: (onAbort) => signal.onAbort(onAbort),
    errorContext: { attempt: attempt.number, auth: client.auth, secrets: call.secrets, response },
    maxEventSize: MAX_EVENT_SIZE,
    maxBytes: client.maxStreamBytes,
  });
  signal.restartTimer();
  const first = await batches.next();
  return { batches, first };
}

/** Before any event was delivered a retry is safe: a retryable status, or a cut connection. */
function isRetryableBeforeFirstEvent(error: unknown): boolean {
  if (ApiCallError.isInstance(error)) return error.isRetryable;
  if (!StreamError.isInstance(error) || error.chunksDelivered !== 0) return false;
  return error.reason === 'connection' || error.reason === 'truncated';
}
