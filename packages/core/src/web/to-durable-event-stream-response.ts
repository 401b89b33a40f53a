import type { AgentEvent } from '../agent/agent-event.ts';
import {
  booleanOption,
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  functionOption,
} from '../options/define-options.ts';
import { positiveOption, timerOption } from '../options/positive-option.ts';
import { createArgumentRedactor } from '../tools/define/argument-redactor.ts';
import type { AnyTool } from '../tools/tool.ts';
import type { BrowserError, BrowserEvent } from './browser-event.ts';
import { createStoredCallIds } from './call-ids.ts';
import { deltaPieces } from './delta-pieces.ts';
import { pluginEventsOption } from './plugin-events-option.ts';
import { EVENT_STREAM_HEADERS, toSseFrame } from './sse-frame.ts';
import { endedWithoutResult, toBrowserError } from './to-browser-error.ts';
import { type BrowserEventMapping, toBrowserEvent } from './to-browser-events.ts';

/** One stored event of a durable run, at its offset (`@gemloop/dbos` `runs.events()` yields these). */
export type DurableEventEntry = { offset: number; event: AgentEvent<unknown> };

/** Options of {@link toDurableEventStreamResponse}. */
export type DurableEventStreamOptions = {
  /** The run's id (the `start` event's `runId`). */
  runId: string;
  /**
   * Reads the run's events from an offset: `(offset, signal) => runs.events(runId, { offset,
   * signal })`. `signal` aborts when the page goes away: pass it on, or the store's read of a run
   * that waits (for a decision, for days) polls on for nobody until the run's next event.
   */
  events: (offset: number, signal: AbortSignal) => AsyncIterable<DurableEventEntry>;
  /**
   * The agent's tools, to redact their `secretArguments` from `tool-call` events; without them the
   * arguments are left out (`argsOmitted`), since a stored event holds them as the model sent them.
   */
  tools?: readonly AnyTool[] | undefined;
  /**
   * How a run whose events ended without `run-end` ended (read its status). Default: `error`,
   * code `run-ended-without-result`, `The run ended without a result.`
   */
  ended?: (() => Promise<{ outcome: 'aborted' | 'error'; error?: BrowserError }>) | undefined;
  thoughts?: boolean | undefined;
  maxResultPreviewChars?: number | undefined;
  /** The plugins whose events the page gets, by name (see `EventStreamOptions.pluginEvents`). */
  pluginEvents?: readonly string[] | undefined;
  heartbeatMs?: number | undefined;
  onError?: ((error: unknown) => void) | undefined;
};

// Unknown keys refused, naming the one meant (attack13): a misspelt `tools` left every tool
// call's arguments out of the page without a word. Each value is checked where it is read.
const durableStreamOptions: DeclaredOptions<DurableEventStreamOptions> =
  defineOptions<DurableEventStreamOptions>({
    name: 'toDurableEventStreamResponse',
    example: '{ runId, events: (offset, signal) => runs.events(runId, { offset, signal }), tools }',
    checks: {
      runId: checkedWhereUsed,
      events: checkedWhereUsed,
      tools: checkedWhereUsed,
      ended: functionOption(),
      thoughts: booleanOption(),
      maxResultPreviewChars: checkedWhereUsed,
      pluginEvents: checkedWhereUsed,
      heartbeatMs: checkedWhereUsed,
      onError: functionOption(),
    },
  });

const encoder = new TextEncoder();
const PING = encoder.encode(': ping\n\n');

/**
 * A durable run's stored events as the browser protocol (docs/browser-protocol.md), resumable from
 * any process: each event's SSE id is its offset in the run's store, so a page that comes back with
 * `Last-Event-ID: n` gets the events from offset `n + 1` (the `start` event has id `-1`). A page
 * that goes away only stops reading: the durable run goes on (a page's Stop posts to the route
 * its client's `cancelUrl` names, which cancels it with the run's own API).
 *
 * Check first that the run is the caller's (`isRunOwner(status.owner, owner)`, a 404 otherwise),
 * and read its events for that owner, as docs/streaming-to-a-browser.md shows.
 *
 * @example
 * ```ts
 * app.get('/runs/:id/events', async (c) => {
 *   const runId = c.req.param('id');
 *   const owner = userOf(c.req.raw); // your session's user
 *   if (!isRunOwner((await runs.status(runId))?.owner, owner)) return c.json({}, 404);
 *   return toDurableEventStreamResponse(c.req.raw, {
 *     runId,
 *     events: (offset, signal) => runs.events(runId, { offset, owner, signal }),
 *     tools,
 *   });
 * });
 * ```
 */
export function toDurableEventStreamResponse(
  request: { headers: Headers | Record<string, string | string[] | undefined> },
  options: DurableEventStreamOptions,
): Response {
  durableStreamOptions.check(options);
  const resumeAt = lastEventId(request.headers);
  const last = resumeAt?.offset;
  const redactor = options.tools === undefined ? undefined : createArgumentRedactor(options.tools);
  const mapping: BrowserEventMapping = {
    thoughts: options.thoughts === true,
    maxResultPreviewChars: positiveOption(
      options.maxResultPreviewChars,
      2000,
      'maxResultPreviewChars',
      true,
    ),
    redaction: options.tools === undefined ? undefined : { redactor },
    pluginEvents: pluginEventsOption(options.pluginEvents),
    // A model may repeat a call id (a gateway numbering each answer's calls from `call_0`): each
    // call its own id, as on a live run's page, made in the store's order.
    callIds: createStoredCallIds(),
  };
  const heartbeatMs = timerOption(options.heartbeatMs, 15_000, 'heartbeatMs', true);
  let iterator: AsyncIterator<DurableEventEntry> | undefined;
  let cancelled = false;
  // Aborted when the page goes away: the store's read may wait long between two events, where
  // the iterator's `return()` (queued behind that read) cannot reach it (attack40).
  const gone = new AbortController();
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  // The frames, made one at a time as the page reads them (`pull`, high-water mark 0), as
  // `startBrowserRun` hands out a live run's: a page that stops reading stops the reading of the
  // store, so it holds one frame, not the whole run (a 95 MB run was queued whole per page).
  async function* frames(): AsyncGenerator<Uint8Array, void, undefined> {
    const frame = (id: number, event: BrowserEvent): Uint8Array =>
      encoder.encode(toSseFrame(id, event));
    // A page that has only some pieces of an entry (`<offset>:<piece>`) has the entries before it.
    let lastOffset = resumeAt?.piece === undefined ? (last ?? -1) : (last as number) - 1;
    // A page that resumes is read the store from its start, sent only what comes after its last
    // id: the ids of its calls are made in the store's order (one repeated is `#2` from its second
    // call on), so it gets the ids it was shown; and whether it has the real `finish`, or which of
    // the two events made up below (ids past the store's end) it has, shows only in the entries
    // up to that id. One entry at a time, as for any page.
    const from = 0;
    // The store's last offset read (-1: none yet).
    let storeEnd = -1;
    try {
      if (last === undefined) {
        yield frame(-1, { type: 'start', path: [], runId: options.runId, protocol: 1 });
      }
      iterator = options.events(from, gone.signal)[Symbol.asyncIterator]();
      let finished = false;
      for (;;) {
        const next = await iterator.next();
        if (next.done || cancelled) break;
        const { offset, event } = next.value;
        // A store may repeat entries (a step re-run after a crash): each offset once, into the
        // call ids too.
        if (offset <= storeEnd) continue;
        storeEnd = offset;
        const mapped = toBrowserEvent(event, mapping);
        // An entry the page has may be its `finish`: then the run is over for it too.
        if (offset <= lastOffset) {
          if (mapped?.type === 'finish') finished = true;
          continue;
        }
        lastOffset = offset;
        if (mapped === undefined) continue;
        if (mapped.type === 'finish') finished = true;
        const pieces = entryPieces(mapped);
        if (pieces.length === 1) {
          yield frame(offset, mapped);
          continue;
        }
        // Every piece but the last named `<offset>:<piece>`, so a page cut off between two
        // resumes after the piece it has; the last keeps the offset: a page that has it has the
        // whole entry, as with one event.
        const from = offset === last && resumeAt?.piece !== undefined ? resumeAt.piece + 1 : 0;
        for (let piece = from; piece < pieces.length; piece++) {
          const id = piece === pieces.length - 1 ? offset : `${offset}:${piece}`;
          yield encoder.encode(toSseFrame(id, pieces[piece] as BrowserEvent));
        }
      }
      if (!finished && !cancelled) {
        // The made-up `error` and `finish` take the two ids after the store's end, so a page
        // that resumes after either gets only what it lacks. An id further on was never sent
        // (another run's): the page still gets an end, or it would resume forever.
        const base = lastOffset <= storeEnd + 2 ? storeEnd : lastOffset;
        if (lastOffset < base + 2) {
          const end = (await options.ended?.()) ?? {
            outcome: 'error' as const,
            error: endedWithoutResult(),
          };
          if (end.error !== undefined && lastOffset < base + 1)
            yield frame(base + 1, { type: 'error', path: [], error: end.error });
          yield frame(base + 2, {
            type: 'finish',
            path: [],
            outcome: end.outcome,
            finishReason: undefined,
            usage: undefined,
            cost: null,
          });
        }
      }
    } catch (error) {
      if (cancelled) return;
      try {
        options.onError?.(error);
      } catch {
        // The page still gets its error event.
      }
      yield frame(lastOffset + 1, {
        type: 'error',
        path: [],
        error: toBrowserError(error, undefined),
      });
      yield frame(lastOffset + 2, {
        type: 'finish',
        path: [],
        outcome: 'error',
        finishReason: undefined,
        usage: undefined,
        cost: null,
      });
    }
  }
  const produce = frames();

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (heartbeatMs > 0) {
          // A comment line for proxies while the store is quiet. Only while nothing waits unread
          // (`desiredSize` 0 with the high-water mark 0): a page that stops reading gets one
          // ping queued at most, not one per interval for as long as the run lasts.
          heartbeat = setInterval(() => {
            // A copy each time: a runtime may take a chunk's buffer as its own.
            if ((controller.desiredSize ?? 0) >= 0) controller.enqueue(PING.slice());
          }, heartbeatMs);
        }
      },
      async pull(controller) {
        let next: IteratorResult<Uint8Array, void>;
        try {
          next = await produce.next();
        } catch (error) {
          // Only a failure the generator could not turn into events (its own bug).
          clearInterval(heartbeat);
          throw error;
        }
        if (cancelled) return;
        if (next.done) {
          clearInterval(heartbeat);
          controller.close();
        } else controller.enqueue(next.value);
      },
      cancel() {
        cancelled = true;
        clearInterval(heartbeat);
        // Stops reading the store; the durable run itself goes on.
        gone.abort();
        void iterator?.return?.()?.catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: EVENT_STREAM_HEADERS });
}

/**
 * Characters of an event's JSON past which it goes in pieces: `@gemloop/client`'s default
 * `maxEventChars`. Only there: an event under it goes whole, with its plain offset as id, as
 * before, so a page on an older client (which takes only numbers as ids) reads every run it read
 * before; one past it was refused by every client anyway.
 */
const MAX_WHOLE_EVENT_CHARS = 1_000_000;

/**
 * `event` as the page gets it: whole, or in {@link deltaPieces} when it is a delta or retraction
 * whose JSON a page would refuse (a 1.5 MB answer as one part, a guardrail's long rewrite).
 */
function entryPieces(event: BrowserEvent): BrowserEvent[] {
  const pieces = deltaPieces(event);
  if (pieces.length === 1 || JSON.stringify(event).length <= MAX_WHOLE_EVENT_CHARS) return [event];
  return pieces;
}

/**
 * The request's `Last-Event-ID`: an offset (`-1` for the `start` event), and the piece of that
 * offset's entry the page has when it has only some (`<offset>:<piece>`), if it has one.
 */
function lastEventId(
  headers: Headers | Record<string, string | string[] | undefined>,
): { offset: number; piece?: number | undefined } | undefined {
  const raw =
    typeof (headers as Headers).get === 'function'
      ? (headers as Headers).get('last-event-id')
      : [(headers as Record<string, string | string[] | undefined>)['last-event-id']].flat()[0];
  const match =
    raw === undefined || raw === null ? null : /^(-?\d{1,15})(?::(\d{1,6}))?$/.exec(raw);
  if (match === null) return undefined;
  const offset = Math.max(-1, Number(match[1]));
  return offset >= 0 && match[2] !== undefined ? { offset, piece: Number(match[2]) } : { offset };
}
