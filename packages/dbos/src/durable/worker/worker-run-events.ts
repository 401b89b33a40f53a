import { AsyncLocalStorage } from 'node:async_hooks';
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import {
  type EventBatching,
  flushRunEvents,
  type RunEventBuffer,
  startDeltaPreview,
  withTimedFlush,
} from '../run-events.ts';

/**
 * A worker's event buffers, one per run it executes (keyed by the DBOS workflow id), and how the
 * run's steps write through them: a streamed answer's deltas in batches while it is written, the
 * pending events with a step's body once they waited `eventBatching.batchMs`.
 * @internal
 */
export type WorkerRunEvents = {
  /** The buffer of each run this worker executes now (the last execution's, when it runs twice). */
  buffers: Map<string, RunEventBuffer>;
  /**
   * Runs one execution of a run's workflow with its own buffer: the one its steps write through
   * ({@link WorkerRunEvents.currentBuffer}), whatever other execution of the run starts meanwhile.
   */
  execute<T>(runId: string, buffer: RunEventBuffer, body: () => Promise<T>): Promise<T>;
  /** The buffer of the execution of a run whose code is running, if any (see `execute`). */
  currentBuffer(): RunEventBuffer | undefined;
  /** Runs a streamed call, writing its text deltas while the answer is written, in batches. */
  streamWithPreview(
    stream: (
      onChunk: (chunk: GenerateContentResponse) => void,
    ) => Promise<GenerateContentResponse[]>,
  ): Promise<GenerateContentResponse[]>;
  /** Runs a step's body; the run's pending events go out with it once they waited `batchMs`. */
  timed<T>(body: () => Promise<T>): Promise<T>;
  /** Writes the current run's pending events now (before a run pauses for approval). */
  flushCurrent(): Promise<void>;
};

/** The event buffers of a worker's runs, batched by `eventBatching`. @internal */
export function createWorkerRunEvents(eventBatching: EventBatching): WorkerRunEvents {
  const buffers = new Map<string, RunEventBuffer>();
  // Which execution the running code belongs to, from its async context: the agent and the
  // wrappers of its model and tool calls are made once per worker and shared by every run, so
  // nothing in their signatures names the execution (DBOS finds its workflow id the same way).
  // Not by the run's id: a run resumed twice (an approver's or a child's resume beside the
  // sweep's, a takeover) has a second execution in this worker while the first, no longer the
  // owner, reaches its next step. Looked up by id, the first one's step wrote through the new
  // owner's buffer; its write failed DBOS's ownership check, the failure stayed on that buffer,
  // and the owner's next step took it for its own loss of the run: it ended, waiting for the
  // outcome it was to write, and the run hung (child-approval-timeout.test.ts at load 30).
  const executions = new AsyncLocalStorage<{ runId: string; buffer: RunEventBuffer }>();
  const execute = <T>(runId: string, buffer: RunEventBuffer, body: () => Promise<T>): Promise<T> =>
    executions.run({ runId, buffer }, body);
  const currentBuffer = (): RunEventBuffer | undefined => {
    const execution = executions.getStore();
    // A subagent's child workflow started from a run's code inherits the run's context: its
    // steps (another workflow id) have no buffer here, as before.
    return execution !== undefined && execution.runId === DBOS.workflowID
      ? execution.buffer
      : undefined;
  };
  // A streamed call of a run writes its text deltas while the answer is written, in batches.
  const streamWithPreview = async (
    stream: (
      onChunk: (chunk: GenerateContentResponse) => void,
    ) => Promise<GenerateContentResponse[]>,
  ): Promise<GenerateContentResponse[]> => {
    const buffer = currentBuffer();
    const preview = buffer === undefined ? undefined : startDeltaPreview(buffer, eventBatching);
    if (preview === undefined) return stream(() => {});
    try {
      const chunks = await stream((chunk) => preview.push(chunk));
      await preview.stop();
      return chunks;
    } catch (error) {
      await preview.abandon();
      throw error;
    }
  };
  // The run's pending events go out with a step's body once they waited eventBatching.batchMs.
  const timed = <T>(body: () => Promise<T>): Promise<T> =>
    withTimedFlush(currentBuffer(), eventBatching.batchMs, body);
  const flushCurrent = async (): Promise<void> => {
    const buffer = currentBuffer();
    if (buffer !== undefined) await flushRunEvents(buffer);
  };
  return { buffers, execute, currentBuffer, streamWithPreview, timed, flushCurrent };
}
