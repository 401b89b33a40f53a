import type { BrowserEvent } from '@gemloop/core/web';
import {
  AGENT_EVENTS_OPTIONS,
  type AgentEventsLimits,
  type AgentEventsOptions,
  countOption,
  delayOption,
} from './agent-events-options.ts';
import { checkOptionKeys } from './check-option-keys.ts';
import { checkUrlOption } from './check-url-option.ts';
import { ClientError } from './client-error.ts';
import { connectWithin, MAX_TIMER_MS } from './connect-within.ts';
import { fetchUnfollowed } from './fetch-unfollowed.ts';
import { credentialsOf, readHeadersOption } from './header-credentials.ts';
import {
  checkEventStreamResponse,
  checkStartEvent,
  PROTOCOL_VERSION,
  parseBrowserEvent,
  quoteServerValue,
  readEventMessages,
} from './read-event-messages.ts';
import { checkResumePoint } from './resume-point.ts';
import { toJsonBody } from './to-json-body.ts';

/**
 * An event's SSE id as `@gemloop/core/web` reads one back: its sequence number in the run, `-1`
 * (a durable run's `start`), or `<offset>:<piece>` (a piece of a durable run's long entry, before
 * the piece that carries the plain offset).
 */
const SEQUENCE_ID = /^(?:-1|\d{1,15}(?::\d{1,6})?)$/;

/**
 * A run's events, read from a `@gemloop/core/web` endpoint: `start` first, `finish` last. A broken
 * connection is resumed (the `Gemloop-Run-Id` and `Last-Event-ID` headers, the same request
 * again) with bounded retries and backoff, so every event comes once, in order.
 *
 * @throws {@link ClientError} for an option it cannot use (`invalid-option`, before any request),
 *   an HTTP error, a redirect (`redirect`: never followed, the headers would go with it), a body that is not an event stream, a limit passed, or a run that cannot be
 *   resumed; the signal's reason when aborted.
 */
export async function* agentEvents(
  url: string | URL,
  options: AgentEventsOptions = {},
): AsyncGenerator<BrowserEvent, void, undefined> {
  checkOptionKeys(options, AGENT_EVENTS_OPTIONS, 'agentEvents');
  checkUrlOption(url, 'url');
  if (options.cancelUrl !== undefined) checkUrlOption(options.cancelUrl, 'cancelUrl');
  const doFetch = options.fetch ?? globalThis.fetch;
  const limits: AgentEventsLimits = {
    maxEventChars: countOption(options.maxEventChars, 1_000_000, 'maxEventChars', 1),
    maxEvents: countOption(options.maxEvents, 100_000, 'maxEvents', 1),
    maxChars: countOption(options.maxChars, 64_000_000, 'maxChars', 1),
    idleTimeoutMs: countOption(options.idleTimeoutMs, Infinity, 'idleTimeoutMs', 1),
  };
  const maxReconnects = countOption(options.maxReconnects, 5, 'maxReconnects', 0);
  const baseDelay = delayOption(options.reconnectDelayMs, 250, 'reconnectDelayMs');
  const { signal } = options;
  const pageHeaders = readHeadersOption(options.headers);
  const headers: Record<string, string> = { accept: 'text/event-stream', ...pageHeaders };
  // Kept out of the errors that quote what the server sent: a body (a proxy's page that echoes
  // the request's headers), an event's data, a run id.
  const credentials = credentialsOf(pageHeaders);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : toJsonBody(options.body, 'body');
    if (typeof options.body !== 'string') headers['content-type'] ??= 'application/json';
  }

  const resume = checkResumePoint(options.resume);
  const { onResumePoint } = options;
  let runId: string | undefined = resume?.runId;
  // A run resumed from a saved point sends no second `start`: the server resumed it, so it keeps
  // a replay buffer, and a Stop must say so out loud as for a run started here.
  let cancellable = resume !== undefined;
  let over = false;
  // A Stop said out loud: with a replay buffer (or a durable run) a closed connection is no
  // Stop, the server waits for a resume and the run goes on spending meanwhile.
  const onStop = (): void => {
    if (over || runId === undefined) return;
    const target = options.cancelUrl ?? (cancellable ? url : undefined);
    if (target === undefined) return;
    over = true;
    // Bounded by idleTimeoutMs as the run's own requests are: a server that never answered the
    // cancel held one of the browser's six connections to its host for as long as it liked.
    const bound = limits.idleTimeoutMs <= MAX_TIMER_MS ? new AbortController() : undefined;
    const timer =
      bound === undefined ? undefined : setTimeout(() => bound.abort(), limits.idleTimeoutMs);
    Promise.resolve()
      .then(() =>
        // Not followed: a redirect would carry the page's headers to the host it names.
        fetchUnfollowed(doFetch, target, {
          method: 'POST',
          headers: { ...pageHeaders, 'gemloop-run-id': runId as string, 'gemloop-cancel': '1' },
          ...(bound === undefined ? {} : { signal: bound.signal }),
        }),
      )
      .then((response) => response.body?.cancel())
      .catch(() => {
        // The page stopped anyway; a run the cancel did not reach ends with its reconnect window.
      })
      .finally(() => clearTimeout(timer));
  };
  signal?.addEventListener('abort', onStop, { once: true });
  try {
    yield* readRun();
  } finally {
    over = true;
    signal?.removeEventListener('abort', onStop);
  }

  async function* readRun(): AsyncGenerator<BrowserEvent, void, undefined> {
    let lastId: string | undefined = resume?.lastEventId;
    let events = 0;
    let chars = 0;
    // Reconnects in a row. A connection resets the count only when it brought a new event and
    // stayed up at least HEALTHY_MS: a server that sends one event and drops, forever, used to
    // reset it each time and so be reconnected to without bound (doors-policy).
    let failures = 0;
    let connectedAt = 0;
    let progressed = false;
    const settle = (): void => {
      if (progressed && Date.now() - connectedAt >= HEALTHY_MS) failures = 0;
      progressed = false;
    };
    // Only a run whose id and last event id are known can be resumed. Without an `id:` on its
    // events (not core's server), sending the request again would start the run over: a second
    // run on the server, its events added to the first's.
    const canResume = (): boolean => runId !== undefined && lastId !== undefined;
    for (;;) {
      signal?.throwIfAborted();
      const resuming = canResume();
      const requestHeaders = resuming
        ? { ...headers, 'gemloop-run-id': runId as string, 'last-event-id': lastId as string }
        : headers;
      let response: Response;
      // The wait for the answer's headers is bounded as each read of its body is.
      const wait = connectWithin(signal, limits.idleTimeoutMs);
      try {
        response = await wait.answer(
          fetchUnfollowed(doFetch, url, {
            method: options.method ?? 'POST',
            headers: requestHeaders,
            ...(body === undefined ? {} : { body }),
            ...(wait.signal === undefined ? {} : { signal: wait.signal }),
          }),
        );
      } catch (error) {
        wait.release();
        signal?.throwIfAborted();
        // A redirect is the server's answer, not a lost connection: asking again gets it again.
        // A server that never answers is given up on as one that went quiet mid-run is.
        if (
          ClientError.isInstance(error) &&
          (error.code === 'redirect' || error.code === 'idle-timeout')
        )
          throw error;
        if (!resuming || failures >= maxReconnects) throw lost(error, resuming, failures);
        await sleep(backoff(baseDelay, failures++), signal);
        continue;
      }
      if (signal?.aborted) {
        // A custom fetch that ignores the signal answers after the abort: not read.
        response.body?.cancel(signal.reason).catch(() => {});
        signal.throwIfAborted();
      }
      await checkEventStreamResponse(response, resuming, credentials)
        .finally(wait.release)
        .catch((error: unknown) => {
          // Aborted while the error body was read: the signal's reason, as everywhere else.
          signal?.throwIfAborted();
          if (ClientError.isInstance(error) && error.code === 'resume-unavailable') {
            onResumePoint?.(undefined);
          }
          throw error;
        });

      let finished = false;
      connectedAt = Date.now();
      try {
        for await (const message of readEventMessages(
          response.body as ReadableStream<Uint8Array>,
          limits,
          signal,
          credentials,
        )) {
          chars += message.data.length;
          if (++events > limits.maxEvents || chars > limits.maxChars) {
            throw new ClientError({
              code: 'limit',
              message: `The run sent more than ${events > limits.maxEvents ? `${limits.maxEvents} events` : `${limits.maxChars} characters`} (maxEvents / maxChars).`,
            });
          }
          const event = parseBrowserEvent(message, credentials);
          if (resuming && event?.type === 'start' && event.runId !== runId) {
            // A resumed stream continues its run (docs/browser-protocol.md): another run id means
            // this server ran the request as a new run (it has no replay buffer). Its events past
            // the last id would be shown as the rest of the first run's: two runs in one answer.
            onResumePoint?.(undefined);
            throw new ClientError({
              code: 'resume-unavailable',
              status: response.status,
              message: `The server started a new run (${quoteServerValue(event.runId, credentials)}) instead of resuming run ${quoteServerValue(runId, credentials)}: give its route replay: createReplayBuffer() and answer replay.resume(request) first.`,
            });
          }
          if (message.id !== undefined) {
            // The id goes back as `Last-Event-ID` and is compared as numbers: only the
            // protocol's sequence numbers, as the servers read them (SEQUENCE_ID). A 100 KB id
            // was sent back as a header; one past 2^53 made every later event look already seen.
            if (!SEQUENCE_ID.test(message.id)) {
              throw new ClientError({
                code: 'protocol',
                message: `The server sent an event id that is not a sequence number (${message.id.length} characters; the protocol's are 0, 1, 2, ...): the server is not a @gemloop/core/web endpoint of protocol version ${PROTOCOL_VERSION}.`,
              });
            }
            // An event at or before the last one seen (a server that replays too much) is not
            // shown twice, and is no progress: it does not reset the reconnect count.
            if (lastId !== undefined && !isAfter(message.id, lastId)) continue;
            lastId = message.id;
          }
          if (event === undefined) continue;
          progressed = true;
          if (event.type === 'start') {
            checkStartEvent(event, runId, credentials);
            if (event.protocol !== PROTOCOL_VERSION) {
              throw new ClientError({
                code: 'protocol',
                message: `The server speaks protocol version ${quoteServerValue(event.protocol, credentials)}; this client reads version ${PROTOCOL_VERSION}. Update @gemloop/client to match @gemloop/core.`,
              });
            }
            runId = event.runId;
            cancellable = event.cancellable === true;
          }
          if (event.type === 'finish') onResumePoint?.(undefined);
          else if (runId !== undefined && lastId !== undefined) {
            onResumePoint?.({ runId, lastEventId: lastId });
          }
          yield event;
          if (event.type === 'finish') {
            // `finish` is the last event (docs/browser-protocol.md): a server that keeps the
            // connection open after it (or sends more) would otherwise hold the iteration, and so
            // `streamAgent`, forever. Leaving the loop cancels the body.
            finished = true;
            over = true;
            break;
          }
        }
      } catch (error) {
        signal?.throwIfAborted();
        if (ClientError.isInstance(error)) throw error;
        settle();
        if (!canResume() || failures >= maxReconnects) {
          throw lost(error, runId !== undefined, failures);
        }
        await sleep(backoff(baseDelay, failures++), signal);
        continue;
      }
      if (finished) return;
      // The body ended before `finish`: the connection broke (a proxy, a redeploy). Resume.
      settle();
      if (!canResume() || failures >= maxReconnects) {
        throw lost(
          new Error('The event stream ended before the run finished.'),
          runId !== undefined,
          failures,
        );
      }
      await sleep(backoff(baseDelay, failures++), signal);
    }
  }
}

/**
 * How long a connection that brought new events must have stayed up for its break not to count
 * as one more reconnect in a row: the longest backoff wait, so a server that drops every
 * connection at once is given up on after `maxReconnects`, however many events it sends first.
 */
const HEALTHY_MS = 5000;

/**
 * Whether event id `id` comes after `last` (both {@link SEQUENCE_ID}s): by offset, then piece; an
 * entry's plain offset after its `<offset>:<piece>` ids (it is sent with the last piece).
 */
function isAfter(id: string, last: string): boolean {
  // A saved point's id is any header value (`resume`): one that is no sequence id (not this
  // protocol's) holds nothing back, as a number compared with NaN never did.
  if (!SEQUENCE_ID.test(last)) return true;
  const [offset, piece] = idOrder(id);
  const [lastOffset, lastPiece] = idOrder(last);
  return offset > lastOffset || (offset === lastOffset && piece > lastPiece);
}

function idOrder(id: string): [number, number] {
  const [offset, piece] = id.split(':');
  return [Number(offset), piece === undefined ? Number.POSITIVE_INFINITY : Number(piece)];
}

function backoff(base: number, attempt: number): number {
  return Math.min(base * 2 ** attempt, 5000);
}

function lost(cause: unknown, resumed: boolean, reconnects: number): ClientError {
  return new ClientError({
    code: 'connection-lost',
    message: resumed
      ? `The connection to the run was lost and could not be resumed (${reconnects} reconnects in a row, none of which stayed up 5 s; maxReconnects).`
      : 'The request failed before the run started (nothing to resume).',
    cause,
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
