import { DBOS } from '@dbos-inc/dbos-sdk';
import type { AgentEvent, GenerateContentResponse } from '@gemloop/core';
import { toJsonSafe } from './to-json-safe.ts';

/** The DBOS stream key a run's events are written under. @internal */
export const EVENTS_STREAM_KEY = 'gemloop.events';

/**
 * One entry of a run's event stream: events `from`, `from + 1`, ... of the run. Entries are
 * written from inside step bodies, so a step that ran again after a crash may write events a
 * reader already has; readers drop every event whose index they have passed.
 * @internal
 */
export type EventBatch = { from: number; events: AgentEvent<unknown>[] };

/** The events of one run in this process. @internal */
export type RunEventBuffer = {
  events: AgentEvent<unknown>[];
  /** How many of `events` this process has written. */
  written: number;
};

/**
 * Writes the events not yet written by this process as one stream entry (one Postgres write).
 *
 * Called only from inside step bodies (model call, tool call, approval request, end of run):
 * a step body runs once per live execution and never during a replay, so writes follow the
 * recorded steps rather than the timing of the in-process event queue. A batch can repeat
 * events (a step that crashed after writing, or the first live step after a takeover, which
 * writes everything the replay re-emitted); indices make the reader skip them.
 * @internal
 */
export async function flushRunEvents(buffer: RunEventBuffer): Promise<void> {
  // The run's events arrive through the agent stream's queue a few microtasks after the agent
  // emits them; one macrotask turn lets every event emitted before this step in.
  await new Promise((resolve) => setImmediate(resolve));
  if (buffer.written >= buffer.events.length) return;
  const batch: EventBatch = {
    from: buffer.written,
    events: toJsonSafe(buffer.events.slice(buffer.written)),
  };
  buffer.written = buffer.events.length;
  await DBOS.writeStream(EVENTS_STREAM_KEY, batch);
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

/**
 * Writes a streamed model call's text deltas while the call is under way, inside its step, in
 * batches (at most one write per `batchMs`, or at once for `batchSize` deltas).
 *
 * The agent emits its events for a streamed call only once the step returns its chunks, so the
 * deltas are computed here as the agent will compute them (core's `emitDeltas`: one
 * `text-delta`, or `thought-delta`, per non-empty text part of the first candidate, in order)
 * and written at the indices the agent's events will have: right after the events the step's
 * flush wrote. `buffer.written` moves past them, so the next flush does not write them again;
 * the deltas not yet written when the call ends go with the next flush.
 *
 * Returns `undefined` (no preview; the deltas go with the next flush) when the buffer has events
 * not yet written or no `step-start` to take the step number from.
 * @internal
 */
export function startDeltaPreview(
  buffer: RunEventBuffer,
  { batchMs, batchSize }: EventBatching,
):
  | {
      push(chunk: GenerateContentResponse): void;
      /** The call ended: pending deltas wait for the next flush. */
      stop(): Promise<void>;
      /**
       * The call failed: the agent will not emit these deltas, so later events take their
       * indices (a watcher that read them keeps them: see the package README's limits).
       */
      abandon(): Promise<void>;
    }
  | undefined {
  const base = buffer.events.length;
  if (buffer.written !== base) return undefined;
  let stepNumber: number | undefined;
  for (let index = base - 1; index >= 0 && stepNumber === undefined; index--) {
    const event = buffer.events[index];
    if (event?.type === 'step-start') stepNumber = event.stepNumber;
  }
  if (stepNumber === undefined) return undefined;
  const step = stepNumber;
  let pending: AgentEvent<unknown>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const write = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch: EventBatch = { from: buffer.written, events: pending };
    buffer.written += pending.length;
    pending = [];
    writing = writing.then(() => DBOS.writeStream(EVENTS_STREAM_KEY, batch));
  };
  return {
    push(chunk) {
      const parts = chunk.candidates?.[0]?.content?.parts;
      if (parts === undefined) return;
      for (const part of parts) {
        if (typeof part.text !== 'string' || part.text === '') continue;
        pending.push(
          part.thought === true
            ? { type: 'thought-delta', stepNumber: step, text: part.text }
            : { type: 'text-delta', stepNumber: step, text: part.text },
        );
      }
      if (pending.length >= batchSize) write();
      else if (pending.length > 0 && timer === undefined) timer = setTimeout(write, batchMs);
    },
    async stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      // Left for the next flush: it writes them with the events that follow, in one write.
      await writing;
    },
    async abandon() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending = [];
      await writing.catch(() => {});
      buffer.written = base;
    },
  };
}
