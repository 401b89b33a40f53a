import { DBOS } from '@dbos-inc/dbos-sdk';
import type { AgentEvent } from '@gemloop/core';
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
