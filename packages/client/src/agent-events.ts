import type { BrowserEvent } from '@gemloop/core/web';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { checkOptionKeys } from './check-option-keys.ts';
import { ClientError } from './client-error.ts';
import { fetchUnfollowed } from './fetch-unfollowed.ts';
import { readExcerpt } from './read-excerpt.ts';
import { checkResumePoint, isHeaderValue, type ResumePoint } from './resume-point.ts';

/** The protocol version this client reads (docs/browser-protocol.md). */
export const PROTOCOL_VERSION = 1;

/** An event's SSE id: its sequence number in the run, as `@gemloop/core/web` reads one back. */
const SEQUENCE_ID = /^\d{1,15}$/;

// The event types of protocol version 1; any other type is skipped (forward compatible: a newer
// server may send more).
const KNOWN_TYPES: ReadonlySet<string> = new Set<BrowserEvent['type']>([
  'start',
  'step-start',
  'text-delta',
  'text-retraction',
  'thought-delta',
  'tool-call',
  'tool-result',
  'step-finish',
  'handoff',
  'steer',
  'approval-pending',
  'approval-resolved',
  'plugin',
  'error',
  'finish',
]);

/** Options of {@link agentEvents} and `streamAgent`. */
export type AgentEventsOptions = {
  /** The request body: a string as is, anything else as JSON (with `content-type: application/json`). */
  body?: unknown;
  /** Default `POST`. */
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  /**
   * Stops the run: the request is aborted, and, when the run outlives a dropped connection (its
   * `start` event says `cancellable`, or `cancelUrl` is given), a cancel request tells the server
   * to stop it at once. The iteration then throws the signal's reason.
   */
  signal?: AbortSignal | undefined;
  /**
   * Where a Stop (the `signal`) sends its cancel request: a `POST` with the `Gemloop-Run-Id` and
   * `Gemloop-Cancel: 1` headers and `headers`. Default: the run's own `url`, when its `start`
   * event says `cancellable` (`replay.resume()` answers it there). Give it for a route of your
   * own, such as a durable run's cancel route (`runs.cancel(runId, { owner })`).
   */
  cancelUrl?: string | URL | undefined;
  /** Default the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /**
   * Reconnects in a row after a broken connection before giving up. A connection counts as
   * healthy, and resets the count, only when it brought new events and stayed up 5 s: a server
   * that sends an event and drops, again and again, is given up on too (`connection-lost`).
   * Default 5; 0: none; an integer or `Infinity`.
   */
  maxReconnects?: number | undefined;
  /** The first wait before a reconnect, doubled each time up to 5 s. Default 250 ms. */
  reconnectDelayMs?: number | undefined;
  /** Characters of one event (or one line) at most. Default 1 MB. Limits are integers of at least 1, or `Infinity`. */
  maxEventChars?: number | undefined;
  /** Events of one run at most. Default 100,000. */
  maxEvents?: number | undefined;
  /** Characters of one run at most, over every connection. Default 64 MB. */
  maxChars?: number | undefined;
  /**
   * Continue a run this page was reading before (a reload): the first request already carries
   * `Gemloop-Run-Id` and `Last-Event-ID`, and the events are those after `lastEventId` (no second
   * `start`). A run the server can no longer resume throws `ClientError` `resume-unavailable`.
   */
  resume?: ResumePoint | undefined;
  /**
   * Called with the point to resume from as each event is handed out (before the loop body sees
   * it), and with `undefined` once there is nothing to resume: after `finish`, or when the server
   * can no longer resume the run. Save it where the page keeps its state (`sessionStorage`, say)
   * together with what it shows of the events so far; it is called per event, so a store that is
   * slow to write should keep the latest and write it now and then.
   */
  onResumePoint?: ((point: ResumePoint | undefined) => void) | undefined;
};

type Limits = { maxEventChars: number; maxEvents: number; maxChars: number };

/** Every option of {@link agentEvents}, for `checkOptionKeys` (a misspelt one refused). @internal */
export const AGENT_EVENTS_OPTIONS: Readonly<Record<keyof AgentEventsOptions, 1>> = {
  body: 1,
  method: 1,
  headers: 1,
  signal: 1,
  cancelUrl: 1,
  fetch: 1,
  maxReconnects: 1,
  reconnectDelayMs: 1,
  maxEventChars: 1,
  maxEvents: 1,
  maxChars: 1,
  resume: 1,
  onResumePoint: 1,
};

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
  const doFetch = options.fetch ?? globalThis.fetch;
  const limits: Limits = {
    maxEventChars: countOption(options.maxEventChars, 1_000_000, 'maxEventChars', 1),
    maxEvents: countOption(options.maxEvents, 100_000, 'maxEvents', 1),
    maxChars: countOption(options.maxChars, 64_000_000, 'maxChars', 1),
  };
  const maxReconnects = countOption(options.maxReconnects, 5, 'maxReconnects', 0);
  const baseDelay = delayOption(options.reconnectDelayMs, 250, 'reconnectDelayMs');
  const { signal } = options;
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
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
    Promise.resolve()
      .then(() =>
        // Not followed: a redirect would carry the page's headers to the host it names.
        fetchUnfollowed(doFetch, target, {
          method: 'POST',
          headers: { ...options.headers, 'gemloop-run-id': runId as string, 'gemloop-cancel': '1' },
        }),
      )
      .then((response) => response.body?.cancel())
      .catch(() => {
        // The page stopped anyway; a run the cancel did not reach ends with its reconnect window.
      });
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
      try {
        response = await fetchUnfollowed(doFetch, url, {
          method: options.method ?? 'POST',
          headers: requestHeaders,
          ...(body === undefined ? {} : { body }),
          ...(signal === undefined ? {} : { signal }),
        });
      } catch (error) {
        signal?.throwIfAborted();
        // A redirect is the server's answer, not a lost connection: asking again gets it again.
        if (ClientError.isInstance(error) && error.code === 'redirect') throw error;
        if (!resuming || failures >= maxReconnects) throw lost(error, resuming, failures);
        await sleep(backoff(baseDelay, failures++), signal);
        continue;
      }
      if (signal?.aborted) {
        // A custom fetch that ignores the signal answers after the abort: not read.
        response.body?.cancel(signal.reason).catch(() => {});
        signal.throwIfAborted();
      }
      await checkResponse(response, resuming).catch((error: unknown) => {
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
        for await (const message of readMessages(
          response.body as ReadableStream<Uint8Array>,
          limits,
          signal,
        )) {
          chars += message.data.length;
          if (++events > limits.maxEvents || chars > limits.maxChars) {
            throw new ClientError({
              code: 'limit',
              message: `The run sent more than ${events > limits.maxEvents ? `${limits.maxEvents} events` : `${limits.maxChars} characters`} (maxEvents / maxChars).`,
            });
          }
          const event = parseEvent(message);
          if (resuming && event?.type === 'start' && event.runId !== runId) {
            // A resumed stream continues its run (docs/browser-protocol.md): another run id means
            // this server ran the request as a new run (it has no replay buffer). Its events past
            // the last id would be shown as the rest of the first run's: two runs in one answer.
            onResumePoint?.(undefined);
            throw new ClientError({
              code: 'resume-unavailable',
              status: response.status,
              message: `The server started a new run (${String(event.runId)}) instead of resuming run ${runId}: give its route replay: createReplayBuffer() and answer replay.resume(request) first.`,
            });
          }
          if (message.id !== undefined) {
            // The id goes back as `Last-Event-ID` and is compared as a number: only the
            // protocol's sequence numbers, as the servers read them (`/^\d{1,15}$/`). A 100 KB id
            // was sent back as a header; one past 2^53 made every later event look already seen.
            if (!SEQUENCE_ID.test(message.id)) {
              throw new ClientError({
                code: 'protocol',
                message: `The server sent an event id that is not a sequence number (${message.id.length} characters; the protocol's are 0, 1, 2, ...): the server is not a @gemloop/core/web endpoint of protocol version ${PROTOCOL_VERSION}.`,
              });
            }
            // An event at or before the last one seen (a server that replays too much) is not
            // shown twice, and is no progress: it does not reset the reconnect count.
            if (lastId !== undefined && Number(message.id) <= Number(lastId)) continue;
            lastId = message.id;
          }
          if (event === undefined) continue;
          progressed = true;
          if (event.type === 'start') {
            checkStart(event, runId);
            if (event.protocol !== PROTOCOL_VERSION) {
              throw new ClientError({
                code: 'protocol',
                message: `The server speaks protocol version ${String(event.protocol)}; this client reads version ${PROTOCOL_VERSION}. Update @gemloop/client to match @gemloop/core.`,
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
 * Refuses a `start` this client must not take: a run id that cannot go back in the resume and
 * cancel headers (a number became `42`, an object `[object Object]`), or a second `start` naming
 * another run. `start` is the first event and names the run (docs/browser-protocol.md): one that
 * took a later id would show the other run's events as this one's and resume or cancel that run
 * with the page's own headers.
 */
function checkStart(event: { runId: unknown }, known: string | undefined): void {
  if (!isHeaderValue(event.runId)) {
    throw new ClientError({
      code: 'protocol',
      message: `The start event's run id is not 1 to 200 printable ASCII characters (got ${typeof event.runId === 'string' ? `${event.runId.length} characters` : `a ${typeof event.runId}`}): the server is not a @gemloop/core/web endpoint of protocol version ${PROTOCOL_VERSION}.`,
    });
  }
  if (known !== undefined && event.runId !== known) {
    throw new ClientError({
      code: 'protocol',
      message: `The server sent a second \`start\` (run ${event.runId.slice(0, 64)}) inside run ${known.slice(0, 64)}: a stream holds one run. Its events were not shown.`,
    });
  }
}

async function checkResponse(response: Response, resuming: boolean): Promise<void> {
  if (response.status === 410 && resuming) {
    throw new ClientError({
      code: 'resume-unavailable',
      status: 410,
      message: `The run can no longer be resumed: ${await readExcerpt(response)}`,
    });
  }
  if (!response.ok) {
    throw new ClientError({
      code: 'http-status',
      status: response.status,
      message: `The server answered ${response.status}: ${await readExcerpt(response)}`,
    });
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('text/event-stream') || response.body === null) {
    await response.body?.cancel().catch(() => {});
    throw new ClientError({
      code: 'not-an-event-stream',
      status: response.status,
      message: `Expected text/event-stream from the server, got ${type === '' ? 'no content type' : type.slice(0, 100)}: is the URL the one that returns toEventStreamResponse()?`,
    });
  }
}

/**
 * The SSE messages of a body, through eventsource-parser (bounded by `maxEventChars`); ends with
 * the signal's reason once it is aborted.
 */
async function* readMessages(
  body: ReadableStream<Uint8Array>,
  limits: Limits,
  signal: AbortSignal | undefined,
): AsyncGenerator<EventSourceMessage> {
  const queue: EventSourceMessage[] = [];
  let failure: unknown;
  const parser = createParser({
    onEvent: (message) => queue.push(message),
    onError: (error) => {
      // `max-buffer-size-exceeded` (eventsource-parser 3.1's `maxBufferSize`): a line or an event
      // past the cap. Unknown fields and bad `retry:` values are ignored, as the SSE spec says.
      if (error.type === 'max-buffer-size-exceeded') {
        failure ??= new ClientError({
          code: 'limit',
          message: `An event of the stream is longer than ${limits.maxEventChars} characters (maxEventChars).`,
        });
      }
    },
    maxBufferSize: limits.maxEventChars,
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  // A custom fetch may ignore the signal (its body goes on after an abort): the body is cancelled
  // here, which also ends a read that waits on it, and nothing read is yielded after the abort.
  const onAbort = (): void => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { value, done } = await reader.read();
      signal?.throwIfAborted();
      if (done) return;
      // `stream: true`: a UTF-8 character cut between two chunks is held for the next one.
      parser.feed(decoder.decode(value, { stream: true }));
      if (failure !== undefined) throw failure;
      // By index, then emptied: `shift()` moves the rest of the queue each time in V8 once it
      // is long, n² for a chunk of n small events.
      for (let index = 0; index < queue.length; index++) {
        signal?.throwIfAborted();
        yield queue[index] as EventSourceMessage;
      }
      queue.length = 0;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => {});
  }
}

/** A typed event, or `undefined` for a type this client does not know (skipped). */
function parseEvent(message: EventSourceMessage): BrowserEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message.data);
  } catch (cause) {
    throw new ClientError({
      code: 'protocol',
      message: `An event's data is not JSON: ${message.data.slice(0, 100)}`,
      cause,
    });
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) return undefined;
  return value as BrowserEvent;
}

/**
 * `value`, or `fallback` when it is undefined: an integer of at least `min`, or `Infinity` (no
 * limit). A NaN, a negative or a fractional limit would otherwise remove it without a word
 * (`events > NaN` is never true) or make every run fail at its first event.
 */
function countOption(
  value: number | undefined,
  fallback: number,
  name: string,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value === 'number' &&
    (Number.isInteger(value) || value === Infinity) &&
    value >= min
  ) {
    return value;
  }
  throw invalidOption(name, `an integer of at least ${min}, or Infinity for no limit`, value);
}

/** `value`, or `fallback` when it is undefined: a finite number of milliseconds, 0 or more. */
function delayOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw invalidOption(name, 'a finite number of milliseconds, 0 or more', value);
}

function invalidOption(name: string, accepted: string, value: unknown): ClientError {
  const got = typeof value === 'number' ? String(value) : `a ${typeof value}`;
  return new ClientError({
    code: 'invalid-option',
    option: name,
    message: `${name} must be ${accepted}; got ${got}.`,
  });
}

/**
 * How long a connection that brought new events must have stayed up for its break not to count
 * as one more reconnect in a row: the longest backoff wait, so a server that drops every
 * connection at once is given up on after `maxReconnects`, however many events it sends first.
 */
const HEALTHY_MS = 5000;

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
