import type { BrowserEvent } from '@gemloop/core/web';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { AgentEventsLimits } from './agent-events-options.ts';
import { ClientError } from './client-error.ts';
import { MAX_TIMER_MS } from './connect-within.ts';
import { quoteWithoutCredentials, withoutCredentials } from './header-credentials.ts';
import { readExcerpt } from './read-excerpt.ts';
import { readFileRefusal } from './read-file-refusal.ts';
import { isHeaderValue } from './resume-point.ts';

/** The protocol version this client reads (docs/browser-protocol.md). */
export const PROTOCOL_VERSION = 1;

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

/** The characters of a server's value (a run id, a protocol version) quoted in an error message. */
const MAX_QUOTED_VALUE_CHARS = 64;
/** The characters of an event's data quoted in an error message. */
const MAX_QUOTED_DATA_CHARS = 100;

/**
 * A value the server sent in an event (a run id, a protocol version), as an error message quotes
 * it: 64 characters at most, without the page's `credentials` (`credentialsOf` its headers).
 * @internal
 */
export function quoteServerValue(value: unknown, credentials: readonly string[]): string {
  // JSON's own spelling for a value that is no string: `String({ toString: 'x' })` throws.
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return quoteWithoutCredentials(text, MAX_QUOTED_VALUE_CHARS, credentials);
}

/**
 * Refuses a `start` this client must not take: a run id that cannot go back in the resume and
 * cancel headers (a number became `42`, an object `[object Object]`), or a second `start` naming
 * another run. `start` is the first event and names the run (docs/browser-protocol.md): one that
 * took a later id would show the other run's events as this one's and resume or cancel that run
 * with the page's own headers. The run ids are quoted without the page's `credentials`.
 * @internal
 */
export function checkStartEvent(
  event: { runId: unknown },
  known: string | undefined,
  credentials: readonly string[],
): void {
  if (!isHeaderValue(event.runId)) {
    throw new ClientError({
      code: 'protocol',
      message: `The start event's run id is not 1 to 200 printable ASCII characters (got ${typeof event.runId === 'string' ? `${event.runId.length} characters` : `a ${typeof event.runId}`}): the server is not a @gemloop/core/web endpoint of protocol version ${PROTOCOL_VERSION}.`,
    });
  }
  if (known !== undefined && event.runId !== known) {
    throw new ClientError({
      code: 'protocol',
      message: `The server sent a second \`start\` (run ${quoteServerValue(event.runId, credentials)}) inside run ${quoteServerValue(known, credentials)}: a stream holds one run. Its events were not shown.`,
    });
  }
}

/**
 * Refuses a response that is no event stream of a run: an HTTP error (a 410 or a 404 of a resume:
 * the run can no longer be resumed), or another content type. The error quotes the body without the
 * page's `credentials` (`credentialsOf` its headers).
 * @internal
 */
export async function checkEventStreamResponse(
  response: Response,
  resuming: boolean,
  credentials: readonly string[],
): Promise<void> {
  // `410` is core's replay buffer's answer; `404` the durable events route's, as
  // docs/streaming-to-a-browser.md writes it, for a run that is not the caller's or is gone. Read
  // as `http-status`, a resume it refused left the page's saved point alive (`onResumePoint` never
  // heard), and the page tried it again at every reload (client68).
  if ((response.status === 410 || response.status === 404) && resuming) {
    throw new ClientError({
      code: 'resume-unavailable',
      status: response.status,
      message: `The run can no longer be resumed (${response.status}: the server holds no such run of yours any more): ${await readExcerpt(response, credentials)}`,
    });
  }
  if (!response.ok) {
    const excerpt = await readExcerpt(response, credentials);
    // A route's refusal of a message's file (readPageMessage's) is the page's to show by its
    // fault, as the page's own check of the files: typed, never the server's words.
    const file = response.status === 400 ? readFileRefusal(excerpt) : undefined;
    if (file !== undefined) {
      throw new ClientError({
        code: 'file-refused',
        status: 400,
        file,
        message: `The server refused file ${file.index} of the message (${file.fault}): ${excerpt}`,
      });
    }
    throw new ClientError({
      code: 'http-status',
      status: response.status,
      message: `The server answered ${response.status}: ${excerpt}`,
    });
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('text/event-stream') || response.body === null) {
    await response.body?.cancel().catch(() => {});
    throw new ClientError({
      code: 'not-an-event-stream',
      status: response.status,
      message: `Expected text/event-stream from the server, got ${type === '' ? 'no content type' : quoteWithoutCredentials(type, 100, credentials)}: is the URL the one that returns toEventStreamResponse()?`,
    });
  }
}

/**
 * The SSE messages of a body, through eventsource-parser (bounded by `maxEventChars`); ends with
 * the signal's reason once it is aborted. A body that ends with no event but JSON or markup is
 * ClientError `protocol`, quoting it without the page's `credentials`.
 * @internal
 */
export async function* readEventMessages(
  body: ReadableStream<Uint8Array>,
  limits: AgentEventsLimits,
  signal: AbortSignal | undefined,
  credentials: readonly string[] = [],
): AsyncGenerator<EventSourceMessage> {
  const queue: EventSourceMessage[] = [];
  // The body's first characters while no event came: to tell a body that is no event stream at
  // all (an error as JSON, an HTML page, under the route's content type) from a cut connection.
  let head = '';
  let events = 0;
  let failure: unknown;
  const tooLong = (): ClientError =>
    new ClientError({
      code: 'limit',
      message: `An event of the stream is longer than ${limits.maxEventChars} characters (maxEventChars).`,
    });
  const parser = createParser({
    onEvent: (message) => {
      if (failure !== undefined) return;
      // `maxBufferSize` bounds only what the parser holds between two reads: an event that
      // arrives whole inside one read is handed out at any length (attack45b: a few KB are one
      // read of a loopback answer in Chromium; a page's own fetch may answer in one chunk).
      if (message.data.length > limits.maxEventChars) failure = tooLong();
      else queue.push(message);
    },
    onError: (error) => {
      // `max-buffer-size-exceeded` (eventsource-parser 3.1's `maxBufferSize`): a line or an event
      // past the cap. Unknown fields and bad `retry:` values are ignored, as the SSE spec says.
      if (error.type === 'max-buffer-size-exceeded') failure ??= tooLong();
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
      const { value, done } = await readWithin(reader, limits.idleTimeoutMs);
      signal?.throwIfAborted();
      if (done) {
        if (events === 0) refuseNoEvents(head, credentials);
        return;
      }
      // `stream: true`: a UTF-8 character cut between two chunks is held for the next one.
      const text = decoder.decode(value, { stream: true });
      if (events === 0 && head.length < MAX_HEAD_CHARS) head += text.slice(0, MAX_HEAD_CHARS);
      parser.feed(text);
      // By index, then emptied: `shift()` moves the rest of the queue each time in V8 once it
      // is long, n² for a chunk of n small events. The events before one past the limit are
      // shown, as they would have been had they come in a read of their own.
      events += queue.length;
      for (let index = 0; index < queue.length; index++) {
        signal?.throwIfAborted();
        yield queue[index] as EventSourceMessage;
      }
      queue.length = 0;
      if (failure !== undefined) throw failure;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => {});
  }
}

/** The characters of a body with no event that its `protocol` error quotes. */
const MAX_HEAD_CHARS = 300;

/**
 * Refuses a body that ended with no event and is no event stream at all: JSON or markup (a
 * gateway's or a framework's error kept under the route's `text/event-stream`). eventsource-parser
 * skips such lines as unknown fields, so the stream ended as a cut connection: `connection-lost`,
 * "try again", for an answer that comes the same each time (client68). A body of comments, or
 * nothing, is left to be read as the cut it may be.
 */
function refuseNoEvents(head: string, credentials: readonly string[]): void {
  const kind = /^\s*[[{]/.test(head) ? 'JSON' : /^\s*</.test(head) ? 'markup' : undefined;
  if (kind === undefined) return;
  throw new ClientError({
    code: 'protocol',
    message: `The server answered text/event-stream holding no event but ${kind} (an error it sent under the route's content type?): ${quoteWithoutCredentials(head.trim(), MAX_HEAD_CHARS, credentials)}`,
  });
}

/**
 * The reader's next chunk, or ClientError `idle-timeout` when none came within `idleTimeoutMs`
 * (the caller's `finally` cancels the body). Armed per read, so only time spent waiting on the
 * server counts, never a page that is slow to take what was read.
 */
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleTimeoutMs: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (idleTimeoutMs > MAX_TIMER_MS) return reader.read();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const quiet = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ClientError({
            code: 'idle-timeout',
            message: `The server sent nothing for ${idleTimeoutMs} ms (idleTimeoutMs), not even a heartbeat, before the run finished.`,
          }),
        ),
      idleTimeoutMs,
    );
  });
  try {
    return await Promise.race([reader.read(), quiet]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A typed event, or `undefined` for a type this client does not know (skipped); an `error` event's
 * words without the page's `credentials`. Data that is no JSON is ClientError `protocol`, quoting
 * its first 100 characters without them.
 * @internal
 */
export function parseBrowserEvent(
  message: EventSourceMessage,
  credentials: readonly string[],
): BrowserEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message.data);
  } catch {
    // No `cause`: JSON.parse's SyntaxError quotes the data itself (V8: `Unexpected token 'B',
    // "Bearer ..." is not valid JSON`), credentials and all; the message says what it would.
    throw new ClientError({
      code: 'protocol',
      message: `An event's data is not JSON: ${quoteWithoutCredentials(message.data, MAX_QUOTED_DATA_CHARS, credentials)}`,
    });
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) return undefined;
  if (type === 'error' && credentials.length > 0) redactErrorWords(value, credentials);
  return value as BrowserEvent;
}

/**
 * A run's `error` event with the page's `credentials` taken out of its words (`name`, `code`,
 * `message`): a server, or a gateway's auth layer before it, that echoes the request's headers in
 * its error put the page's credential into what `onError` logs, the chat state keeps, the page
 * saves with its messages and `toPageMessage` shows (client68: it hides a key only by a vendor's
 * shape; a Basic credential or an app's own key has none). The event is this parse's own object.
 */
function redactErrorWords(event: object, credentials: readonly string[]): void {
  const error = (event as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return;
  const words = error as Record<string, unknown>;
  for (const field of ['name', 'code', 'message'] as const) {
    const text = words[field];
    if (typeof text === 'string') words[field] = withoutCredentials(text, credentials);
  }
}
