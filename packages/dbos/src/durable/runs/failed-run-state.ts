import type { AgentRunError } from '@gemloop/core';
import { runOfSteps } from './run-of-steps.ts';
import type { RunsBackend } from './runs-backend.ts';
import { checkEventBatch } from './stored-run-data.ts';

/**
 * The most stream entries read for a failed run's steps: a run's entries are one per step's
 * writes or so (run-events.ts batches them), so this bounds a forged or runaway stream only.
 */
const MAX_ENTRIES = 10_000;

/**
 * What a failed durable run's `AgentRunError` carries as `run`, read from what the run stored: its
 * own agent's `step-end` events (as stored: a call's long records bounded, keys redacted, see
 * stored-event.ts), `usage` and `cost` summed over them as the run sums its steps
 * (run-of-steps.ts). `contents` and `newContents` are empty: the history is not stored with the
 * error, and the stream holds the model's turns and the tool responses but not every content the
 * run added (its input message, a steer's). `undefined` when the stream cannot be read (the error keeps an empty run).
 * @internal
 */
export async function failedRunState(
  backend: RunsBackend,
  runId: string,
): Promise<AgentRunError['run'] | undefined> {
  const steps: unknown[] = [];
  let next = 0;
  let entries = 0;
  try {
    for await (const entry of backend.readStream(runId, 0)) {
      const batch = checkEventBatch(runId, entries, entry, next);
      entries++;
      for (let index = 0; index < batch.events.length; index++) {
        // Entries may overlap (a step re-run after a crash writes its events again).
        if (batch.from + index < next) continue;
        next = batch.from + index + 1;
        const event = batch.events[index];
        if (event?.type === 'step-end' && event.path.length === 0) steps.push(event.step);
      }
      if (entries >= MAX_ENTRIES) break;
    }
  } catch {
    return undefined;
  }
  return runOfSteps(steps);
}
