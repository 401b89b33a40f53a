import { AsyncResource } from 'node:async_hooks';
import type { AgentEvent } from '@gemloop/core';
import {
  createScanMemo,
  type IndexedEvent,
  IndexedKeyHold,
  type ScanMemo,
} from '@gemloop/core/internal';
import { durableWriteStream } from '../steps/durable-operations.ts';
import { toJsonSafe } from '../steps/to-json-safe.ts';
import { pushPastKeylessHistory } from './keyless-history.ts';
import { type SharedStrings, shareLongStrings } from './shared-strings.ts';
import { storedEvent } from './stored-event.ts';

/** The DBOS stream key a run's events are written under. @internal */
export const EVENTS_STREAM_KEY = 'gemloop.events';

/**
 * One entry of a run's event stream: events `from`, `from + 1`, ... of the run. Entries are
 * written from inside step bodies, so a step that ran again after a crash may write events a
 * reader already has; readers drop every event whose index they have passed.
 * @internal
 */
export type EventBatch = {
  from: number;
  events: AgentEvent<unknown>[];
  /**
   * What the run's model calls asked, for `readRecordedRuns` (evals from a fleet's runs): the
   * frames captured since the last entry. Readers of events ignore it.
   */
  requests?: RequestFrame[] | undefined;
  /**
   * The index of the run's own `run-end` event when it is written without its `result`: that is
   * the run's stored result (DBOS's workflow output), which readers put back
   * (`runs.events()`). Absent in entries of older versions, whose
   * `run-end` holds its result.
   */
  resultAt?: number | undefined;
  /**
   * The long strings `events` holds more than once, kept once (`shareLongStrings`; paths
   * from the index in `events`). Absent when none repeats, and in entries of older versions.
   */
  sharedStrings?: SharedStrings | undefined;
  /**
   * A subagent's child workflow (`runId`, below this run's id) whose events are this run's from
   * index `at` on: its own stream holds them as it emits them (with its own indices from 0), and
   * this run's stream holds them again from `at` once the child ended. A reader that has read up
   * to `at` reads the child's stream meanwhile (`runs.events()`). Absent in entries of older
   * versions, and in every entry but the one written as the parent starts waiting on the child.
   */
  child?: ChildStart | undefined;
};

/** Where a subagent's events go in its parent's stream (see {@link EventBatch.child}). @internal */
export type ChildStart = { runId: string; at: number };

/**
 * The parent's side while a child's events are awaited at a known index (see
 * {@link EventBatch.child}): the events of everything else the run emits meanwhile (another call of
 * the turn) wait, so the child's land at that index, then go in the order they came.
 * @internal
 */
export type ChildHold = {
  /** The child's path: its events and its own subagents' start with it. */
  path: readonly string[];
  /** The other events, in the order they came. */
  deferred: AgentEvent<unknown>[];
  /** How many of the child's events came in. */
  seen: number;
  /** How many the parent hands on (set once it has the child's outcome); at that many, it ends. */
  expected: number | undefined;
};

/**
 * One model call of a run as a reader of the run needs to rebuild its request: how many of the
 * run's contents it sent (the run's result holds them), and the rest of the request (system
 * instruction, tools, tool and generation config, model) when it differs from the previous
 * call's, so a run of many steps stores its tool declarations once.
 * @internal
 */
export type RequestFrame = {
  /** 0-based index of the model call in the run (replayed calls included, so a takeover repeats them). */
  call: number;
  /** `request.contents.length`. */
  contents: number;
  /** The request without `contents`; absent when it equals the previous call's. */
  body?: Record<string, unknown> | undefined;
};

/** The events of one run in this process. @internal */
export type RunEventBuffer = {
  /** The events the agent emitted, each replaced by what is written of it once that is final. */
  events: AgentEvent<unknown>[];
  /** The keys of the run's clients (`agentKeysOf`): no event is written with one. */
  keys: () => readonly string[];
  /**
   * The stream's key hold-back: an event is written without the keys, at the index the agent
   * emitted it at, once final; the deltas that may still start a key wait (with what follows them).
   */
  hold: IndexedKeyHold;
  /** How many of `events` went through `hold` (see {@link openRunEvents}). */
  fed: number;
  /**
   * How many events the run's stream held when this execution opened it ({@link openRunEvents}):
   * they are neither scanned nor written again, and `written` never goes below it.
   */
  stored: number;
  /**
   * How many events the run's stream holds (a query of the stream's last entry; the worker's,
   * `storedEventCount`), asked once by an execution that replayed a model's answer.
   */
  storedEvents?: (() => Promise<number>) | undefined;
  /** The execution's opening of its stream, once started ({@link openRunEvents}). */
  opening?: Promise<void> | undefined;
  /** Whether it is open: `stored` is known, and each event goes through `hold` as it comes. */
  opened: boolean;
  /** How many of `events` this process has written (or queued to write). */
  written: number;
  /** When this process last queued a write (`Date.now()`). */
  lastWriteAt: number;
  /**
   * The writes, one after another: entries reach the stream in index order. Never rejects: a
   * write queued from a timer has nobody awaiting it yet, and a rejection nobody handles ends the
   * process (Node's default `--unhandled-rejections=throw`), taking the worker's other runs with
   * it. A failed write is kept in `failure` instead, for {@link settleRunEventWrites}.
   */
  writing: Promise<void>;
  /**
   * The first write that failed since the last {@link settleRunEventWrites} (DBOS's
   * `DBOSWorkflowConflictError` when this execution lost the run, a Postgres error). Writes queued
   * after it are skipped, and `written` goes back to the failed entry's first index, so the next
   * write after the failure is reported starts there again and no event goes missing.
   */
  failure: { error: unknown } | undefined;
  /**
   * Step bodies running now that write events arriving while they run (see
   * {@link withTimedFlush}); called by {@link pushRunEvent}.
   */
  onEvent: Set<() => void>;
  /** Every model call of the run in this process, as {@link captureRequest} saw it. */
  requests: RequestFrame[];
  /** How many of `requests` this process has written (or queued to write). */
  requestsWritten: number;
  /** The last body captured (JSON), to store a body only when it changes. */
  lastRequestBody: string | undefined;
  /**
   * The run's result once it ended, before its last write: the workflow returns it (JSON-safe),
   * so the `run-end` event that holds it unchanged is written without it (`resultAt`).
   */
  result?: unknown;
  /**
   * The history contents an earlier run found without keys (keyless-history.ts): the run's
   * `run-end` is scanned past them. Empty by default.
   */
  keyless: readonly unknown[];
  /** The hold-back's memo of the long texts it found clean (a chat turn's mark reads it). */
  memo: ScanMemo;
  /** While a child's events are awaited at a known index (see {@link ChildHold}). */
  held?: ChildHold | undefined;
  /**
   * Told each event as it takes its index in `events`, as the agent emitted it (a child
   * workflow's outcome holds its events in the order of its stream).
   */
  accepted?: ((event: AgentEvent<unknown>) => void) | undefined;
};

/**
 * A new, empty buffer for a run whose clients' keys `keys` reads; `storedEvents` tells how many
 * events the run's stream already holds (see {@link RunEventBuffer.storedEvents}). @internal
 */
export function createRunEventBuffer(
  keys: () => readonly string[] = () => [],
  storedEvents?: () => Promise<number>,
): RunEventBuffer {
  const memo = createScanMemo();
  return {
    events: [],
    keys,
    hold: new IndexedKeyHold(keys, memo),
    fed: 0,
    stored: 0,
    storedEvents,
    opened: false,
    written: 0,
    lastWriteAt: 0,
    writing: Promise.resolve(),
    failure: undefined,
    onEvent: new Set(),
    requests: [],
    requestsWritten: 0,
    lastRequestBody: undefined,
    keyless: [],
    memo,
  };
}

/**
 * Keeps what a model call of the run asks (see {@link RequestFrame}); it goes out with the
 * run's next event entry, so it costs no statement of its own. Called before the call's step,
 * in a replay too: a worker that takes a run over captures every call again and writes them
 * with its first entry (readers keep one frame per call index).
 * @internal
 */
export function captureRequest(
  buffer: RunEventBuffer,
  request: { contents: unknown } & Record<string, unknown>,
): void {
  const { contents, ...rest } = request;
  // One serialization per call (as `toJsonSafe` writes values); parsed back only when it changed.
  const body = JSON.stringify(rest, jsonSafeField);
  const frame: RequestFrame = {
    call: buffer.requests.length,
    contents: Array.isArray(contents) ? contents.length : 1,
  };
  if (body !== buffer.lastRequestBody) {
    frame.body = JSON.parse(body) as Record<string, unknown>;
    buffer.lastRequestBody = body;
  }
  buffer.requests.push(frame);
}

/**
 * Adds an event the agent emitted to the run's buffer, and tells the step bodies running; while a
 * child's events are awaited ({@link ChildHold}), another's waits. @internal
 */
export function pushRunEvent(buffer: RunEventBuffer, event: AgentEvent<unknown>): void {
  const hold = buffer.held;
  if (hold !== undefined) {
    if (!startsWith(event.path, hold.path)) {
      hold.deferred.push(event);
      return;
    }
    hold.seen++;
  }
  buffer.events.push(event);
  buffer.accepted?.(event);
  if (buffer.opened) feed(buffer);
  for (const listener of buffer.onEvent) listener();
  if (hold?.expected !== undefined && hold.seen >= hold.expected) releaseChildHold(buffer);
}

/** Whether `path` is `prefix` or below it. */
function startsWith(path: readonly string[] | undefined, prefix: readonly string[]): boolean {
  if (path === undefined || path.length < prefix.length) return false;
  return prefix.every((name, index) => path[index] === name);
}

/**
 * Ends the run's {@link ChildHold}, if any: the events that waited go in, in the order they came.
 * @internal
 */
export function releaseChildHold(buffer: RunEventBuffer): void {
  const hold = buffer.held;
  if (hold === undefined) return;
  buffer.held = undefined;
  for (const event of hold.deferred) pushRunEvent(buffer, event);
}

/**
 * In a step body: opens the run's stream and writes its events so far, up to index `at` (the
 * index the child's events take), with {@link EventBatch.child}, so a reader of the run meets the
 * child there while it runs. One stream entry, even when no event is pending. Returns `at`.
 * @internal
 */
export async function writeChildStart(buffer: RunEventBuffer, runId: string): Promise<number> {
  await openRunEvents(buffer);
  const at = buffer.events.length;
  queueWrite(buffer, [], at, { runId, at });
  await settleRunEventWrites(buffer);
  return at;
}

/**
 * The events that follow a model's answer: in an execution's events before its first step body
 * ran (the first thing a fresh run's steps do is call the model), they were replayed, and its
 * stream may hold them.
 */
const ANSWERED: ReadonlySet<string> = new Set([
  'text-delta',
  'thought-delta',
  'tool-call',
  'step-end',
]);

/**
 * Opens the run's stream to this execution, in the first step body that may write (a step's
 * timed writes, a tool's fence, an approval, the end): an execution that replayed a model's
 * answer asks how many events the stream already holds, and those indices are neither scanned
 * for keys nor written again (leftovers62: a run paused k times scanned and wrote the run so far
 * k + 1 times; a replay emits the same events, and readers kept the first event at each index
 * anyway, so whatever a replay emits there is ignored as before). A fresh run asks nothing: the
 * events emitted until now wait unscanned until here, then go through the key hold-back, as
 * every later one at once. A failed question counts as nothing stored (everything written
 * again, as before).
 * @internal
 */
export function openRunEvents(buffer: RunEventBuffer): Promise<void> {
  buffer.opening ??= (async () => {
    const replayed = buffer.events.some((event) => ANSWERED.has(event.type));
    const stored =
      replayed && buffer.storedEvents !== undefined
        ? await buffer.storedEvents().catch(() => 0)
        : 0;
    buffer.stored = stored;
    buffer.hold.skipStored(stored);
    buffer.written = Math.max(buffer.written, stored);
    buffer.opened = true;
    feed(buffer);
  })();
  return buffer.opening;
}

/** Puts the events not yet through the key hold-back through it, once the stream is open. */
function feed(buffer: RunEventBuffer): void {
  if (!buffer.opened) {
    // Being opened: what is stored decides what goes through (nothing is written meanwhile).
    if (buffer.opening !== undefined) return;
    // A write that no step body's opening preceded (none in a run): nothing is skipped.
    buffer.opened = true;
    buffer.opening = Promise.resolve();
  }
  while (buffer.fed < buffer.events.length) {
    const index = buffer.fed++;
    const event = buffer.events[index] as AgentEvent<unknown>;
    place(buffer, pushPastKeylessHistory(buffer.hold, index, event, buffer.keyless));
  }
}

/** Puts the events the hold-back released in place of those the agent emitted. */
function place(buffer: RunEventBuffer, released: readonly IndexedEvent[]): void {
  for (const { index, event } of released) buffer.events[index] = event;
}

/**
 * Queues one stream entry: the events from `written` up to `upTo` (short of the first one held
 * back), then `extra` (deltas of a call under way, which the agent emits later at the indices
 * that follow; only when every event before them goes too). Synchronous up to the queueing, so
 * concurrent writers of a run never reorder entries. `false` when there was nothing to write.
 * @internal
 */
export function queueWrite(
  buffer: RunEventBuffer,
  extra: readonly AgentEvent<unknown>[] = [],
  upTo: number = buffer.events.length,
  child?: ChildStart,
): boolean {
  feed(buffer);
  const from = buffer.written;
  // Never an event that has not been through the hold-back (it may hold a key).
  const to = Math.min(upTo, buffer.fed, buffer.hold.heldFrom());
  const events = buffer.events.slice(from, to).map(storedEvent);
  const resultAt = events.findIndex((event) => isStoredResult(buffer, event));
  if (resultAt >= 0) events[resultAt] = withoutResult(events[resultAt] as AgentEvent<unknown>);
  const head = events.length > 0 ? toJsonSafe(events) : [];
  // `extra` goes later, from the agent's own events, when an event before it waits.
  const tail = to < upTo ? [] : extra;
  if (head.length === 0 && tail.length === 0 && child === undefined) return false;
  // Only `head`, the entry's own copy: `tail` is the agent's events.
  const sharedStrings = shareLongStrings(head);
  const batch: EventBatch = { from, events: [...head, ...tail] };
  if (child !== undefined) batch.child = child;
  if (resultAt >= 0) batch.resultAt = from + resultAt;
  if (sharedStrings !== undefined) batch.sharedStrings = sharedStrings;
  const requestsFrom = buffer.requestsWritten;
  if (requestsFrom < buffer.requests.length) {
    // The first frame of an entry carries its body even when an earlier, unwritten one had it.
    batch.requests = withFirstBody(buffer.requests, requestsFrom);
    buffer.requestsWritten = buffer.requests.length;
  }
  buffer.written = from + batch.events.length;
  buffer.lastWriteAt = Date.now();
  buffer.writing = buffer.writing.then(async () => {
    if (buffer.failure === undefined) {
      try {
        await durableWriteStream(EVENTS_STREAM_KEY, batch);
        return;
      } catch (error) {
        buffer.failure = { error };
      }
    }
    // Not written: the events from `from` on go with the next write once the failure is reported.
    if (buffer.written > from) buffer.written = from;
    if (buffer.requestsWritten > requestsFrom) buffer.requestsWritten = requestsFrom;
  });
  return true;
}

/**
 * Whether `event` is the run's own `run-end` holding the run's result as the workflow returns it:
 * the very object, neither scrubbed of a key by the hold-back nor cut by {@link storedEvent} (each
 * makes a copy). The result was stored twice, in the stream and as the workflow's output: 28 MB
 * each for a 4 MB model turn (store-once42, bench/RESULTS.md).
 */
function isStoredResult(buffer: RunEventBuffer, event: AgentEvent<unknown>): boolean {
  return (
    event.type === 'run-end' &&
    buffer.result !== undefined &&
    event.result === buffer.result &&
    event.path.length === 0
  );
}

/** The `run-end` event without its result (readers put the workflow's output back). */
function withoutResult(event: AgentEvent<unknown>): AgentEvent<unknown> {
  const { result: _result, ...rest } = event as AgentEvent<unknown> & { result?: unknown };
  return rest as AgentEvent<unknown>;
}

/** What `toJsonSafe` writes for a field: errors as `{ name, message }`, bigints as strings. */
function jsonSafeField(_key: string, field: unknown): unknown {
  if (field instanceof Error) return { name: field.name, message: field.message };
  if (typeof field === 'bigint') return field.toString();
  return field;
}

/** `requests` from `from` on, the first with the body in effect for it (a reader may lack earlier entries). */
function withFirstBody(requests: readonly RequestFrame[], from: number): RequestFrame[] {
  const frames = requests.slice(from);
  const first = frames[0];
  if (first !== undefined && first.body === undefined) {
    for (let index = from - 1; index >= 0; index--) {
      const body = requests[index]?.body;
      if (body !== undefined) {
        frames[0] = { ...first, body };
        break;
      }
    }
  }
  return frames;
}

/**
 * Waits for the run's queued writes, then throws the first one that failed (once: the next
 * write starts again from the failed entry). Called by the step bodies that write, so a write's
 * failure is the step's: DBOS's ownership error reaches `DBOS.runStep`, which rethrows it (it
 * never records it as the step's outcome; `dbos-executor.js`, `runStepTempl`), and the execution
 * that lost the run ends.
 * @internal
 */
export async function settleRunEventWrites(buffer: RunEventBuffer): Promise<void> {
  await buffer.writing;
  const failure = buffer.failure;
  if (failure === undefined) return;
  buffer.failure = undefined;
  throw failure.error;
}

/** Lets in every event the agent emitted before now (see {@link flushRunEvents}). @internal */
export const settleEventQueue = (): Promise<void> =>
  new Promise((resolve) => setImmediate(resolve));

/**
 * Writes the events not yet written by this process as one stream entry (one Postgres write),
 * up to the first the key hold-back holds, or all of them at the run's `end`.
 *
 * Called only from inside step bodies (approval request, end of run, and the timed writes of
 * {@link withTimedFlush}): a step body runs once per live execution and never during a replay,
 * so writes follow the recorded steps rather than the timing of the in-process event queue. An
 * execution that replayed starts after what its stream holds ({@link openRunEvents}); a batch
 * can still repeat events (written by an older version, or when the question failed), and
 * indices make the reader skip them.
 * @internal
 */
export async function flushRunEvents(buffer: RunEventBuffer, end = false): Promise<void> {
  // The run's events arrive through the agent stream's queue a few microtasks after the agent
  // emits them; one macrotask turn lets every event emitted before this step in.
  await settleEventQueue();
  // The run's end: a child's events that never all came (its call aborted) hold nothing back.
  if (end) releaseChildHold(buffer);
  await openRunEvents(buffer);
  // The run's end: what the key hold-back still holds is final (a text no step-end closed).
  if (end) {
    feed(buffer);
    place(buffer, buffer.hold.end());
  }
  queueWrite(buffer);
  await settleRunEventWrites(buffer);
}

/**
 * Runs a step body (a model call, a tool call) and writes the run's pending events during it
 * only once the body itself has run `batchMs` (a long model call, a tool that takes seconds):
 * on a timer armed when the body starts with events pending, or when one arrives while it runs
 * (the result of another call of the turn, a long tool's progress), `batchMs` after the body's
 * start or the run's last write, whichever is later. A body that ends first writes nothing: its
 * run's pending events go with the next write at a step boundary ({@link writeEventsAsFence}),
 * an approval request or the run's end, so the statements a step costs do not depend on how
 * long the step took. Timed from the last write instead (as up to the twenty-fourth session),
 * a step slower than `batchMs` wrote once per step and a faster one every other step: gemloop's
 * statements a step were 1.89 on a quiet machine and 3.51 at load 12–15 (bench/RESULTS.md).
 * @internal
 */
export async function withTimedFlush<T>(
  buffer: RunEventBuffer | undefined,
  batchMs: number,
  body: () => Promise<T>,
): Promise<T> {
  if (buffer === undefined) return body();
  await settleEventQueue();
  await openRunEvents(buffer);
  const startedAt = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    const wait = Math.max(startedAt, buffer.lastWriteAt) + batchMs - Date.now();
    timer = setTimeout(
      () => {
        timer = undefined;
        queueWrite(buffer);
      },
      Math.max(0, wait),
    );
  };
  if (buffer.written < buffer.events.length) arm();
  // Bound to this body's async context: the timer it arms, and so the write, belong to this
  // step (DBOS writes a stream entry from a step without a checkpoint of the run; from the
  // workflow's own context, where the event is pushed, the write would be one: `DBOS.writeStream`
  // in `@dbos-inc/dbos-sdk` 5.3, `dist/src/dbos.js`).
  const onEvent = AsyncResource.bind((): void => {
    if (timer === undefined) arm();
  });
  buffer.onEvent.add(onEvent);
  let result: T;
  try {
    result = await body();
  } finally {
    buffer.onEvent.delete(onEvent);
    if (timer !== undefined) clearTimeout(timer);
    // The body's own error wins; a write's failure is reported by the next step that writes.
    await buffer.writing;
  }
  await settleRunEventWrites(buffer);
  return result;
}

/**
 * How many model calls' events a run gathers before a tool step writes them in place of its
 * ownership fence ({@link writeEventsAsFence}): a watcher sees a step's events at most three
 * agent steps later (or `batchMs` into a body that runs long, or at an approval or the run's end).
 * An entry is two of gemloop's statements (the insert, and DBOS's notify that wakes the readers)
 * where the fence it replaces is one, so each write costs one statement more than the fence. In
 * the durable bench's default scenario (10 steps a run) gemloop's own statements a step were
 * 2.16 with a write every other model call and 1.90 (plus the worker's clock-driven heartbeat)
 * with every third, at any load (bench/RESULTS.md, issue 53: ≤ 2).
 * @internal
 */
export const EVENTS_EVERY_MODEL_CALLS = 3;

/**
 * A tool step's ownership fence, as one of the run's event writes when one is due: the run's
 * pending events (up to the key hold-back) go out as one stream entry once
 * {@link EVENTS_EVERY_MODEL_CALLS} model calls were made since the last write, and the caller
 * skips its own check. DBOS writes a step's stream entry in a transaction that locks the run's
 * row and compares its owner after the insert (`writeStreamFromStep`, `#checkOwner`: `SELECT
 * owner_xid ... FOR NO KEY UPDATE`, `dist/src/system_database.js` 5.3), the question the fence
 * (`assertStillOwnsWorkflow`, the same column without the lock) asks: an execution that lost
 * the run gets DBOS's `DBOSWorkflowConflictError` here, before its tool starts, as from the
 * fence. `false` (fence as usual) when no write is due or nothing can be written yet.
 *
 * Why not with the step's own record: DBOS writes a step's output in a transaction of its own
 * (`recordOperationResult`) that takes no statement of ours, and readers of the stream wake on
 * its notify, which a step's record does not send.
 * @internal
 */
export async function writeEventsAsFence(buffer: RunEventBuffer): Promise<boolean> {
  if (buffer.requests.length - buffer.requestsWritten < EVENTS_EVERY_MODEL_CALLS) return false;
  await openRunEvents(buffer);
  if (!queueWrite(buffer)) return false;
  await settleRunEventWrites(buffer);
  return true;
}

/** How text deltas reach other processes while a streamed answer is written. */
export type EventBatching = {
  /** Longest time a delta waits before it is written. @defaultValue 200 */
  batchMs: number;
  /** Deltas that are written at once without waiting. @defaultValue 64 */
  batchSize: number;
};

/** @defaultValue of {@link EventBatching}. @internal */
export const DEFAULT_EVENT_BATCHING: EventBatching = { batchMs: 200, batchSize: 64 };
