import type { AgentEvent } from '@gemloop/core';
import { IndexedKeyHold } from '@gemloop/core/internal';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import {
  type EventBatching,
  queueWrite,
  type RunEventBuffer,
  settleRunEventWrites,
} from './run-events.ts';

/**
 * Writes a streamed model call's text deltas while the call is under way, inside its step, in
 * batches (one write per `batchMs`, or at once for `batchSize` deltas), with the run's events
 * not yet written before them.
 *
 * The agent emits its events for a streamed call only once the step returns its chunks, so the
 * deltas are computed here as the agent will compute them (core's `emitDeltas`: one
 * `text-delta`, or `thought-delta`, per non-empty text part of the first candidate, in order)
 * and written at the indices the agent's events will have: right after the events emitted
 * before the call. `buffer.written` moves past them, so no later write repeats them; the deltas
 * not yet written when the call ends go with the next write.
 *
 * Returns `undefined` (no preview) when there is no `step-start` to take the step number from.
 * @internal
 */
export function startDeltaPreview(
  buffer: RunEventBuffer,
  { batchMs, batchSize }: EventBatching,
):
  | {
      push(chunk: GenerateContentResponse): void;
      /** The call ended: pending deltas wait for the next write. */
      stop(): Promise<void>;
      /**
       * The call failed: the agent will not emit these deltas, so later events take their
       * indices (a watcher that read them keeps them: see the package README's limits).
       */
      abandon(): Promise<void>;
    }
  | undefined {
  const base = buffer.events.length;
  let stepNumber: number | undefined;
  for (let index = base - 1; index >= 0 && stepNumber === undefined; index--) {
    const event = buffer.events[index];
    if (event?.type === 'step-start') stepNumber = event.stepNumber;
  }
  if (stepNumber === undefined) return undefined;
  const step = stepNumber;
  // The call's own hold-back: its deltas are written as the agent's will be (the same deltas give
  // the same final events), and those that may still start a key wait for the agent's.
  const hold = new IndexedKeyHold(buffer.keys);
  let next = base;
  let pending: AgentEvent<unknown>[] = [];
  // The index of `pending[0]`.
  let pendingAt = base;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    // A run taken over in this call: an earlier execution's preview may have written deltas at
    // these indices already. The stream keeps those (as readers kept them when written again),
    // and the rest follow them at their own indices.
    const stored = Math.min(pending.length, Math.max(0, buffer.written - pendingAt));
    if (stored < pending.length) queueWrite(buffer, pending.slice(stored), base);
    pending = [];
    pendingAt = next;
  };
  const clear = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    push(chunk) {
      const parts = chunk.candidates?.[0]?.content?.parts;
      if (parts === undefined) return;
      for (const part of parts) {
        if (typeof part.text !== 'string' || part.text === '') continue;
        const delta: AgentEvent<unknown> =
          part.thought === true
            ? { type: 'thought-delta', path: [], stepNumber: step, text: part.text }
            : { type: 'text-delta', path: [], stepNumber: step, text: part.text };
        for (const { event } of hold.push(next++, delta)) pending.push(event);
      }
      if (pending.length >= batchSize) write();
      else if (pending.length > 0 && timer === undefined) {
        timer = setTimeout(write, Math.max(0, buffer.lastWriteAt + batchMs - Date.now()));
      }
    },
    async stop() {
      clear();
      await settleRunEventWrites(buffer);
    },
    async abandon() {
      clear();
      pending = [];
      await buffer.writing;
      // Never below what the stream held when this execution opened it: those indices are not
      // written again (their events were not scanned for keys in this execution).
      if (buffer.written > base) buffer.written = Math.max(base, buffer.stored);
    },
  };
}
