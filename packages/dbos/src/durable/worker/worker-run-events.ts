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
  /** The buffer of each run this worker executes now. */
  buffers: Map<string, RunEventBuffer>;
  /** The buffer of the run whose workflow is executing here, if any. */
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
  const currentBuffer = (): RunEventBuffer | undefined => {
    const runId = DBOS.workflowID;
    return runId === undefined ? undefined : buffers.get(runId);
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
    const runId = DBOS.workflowID;
    const buffer = runId === undefined ? undefined : buffers.get(runId);
    if (buffer !== undefined) await flushRunEvents(buffer);
  };
  return { buffers, currentBuffer, streamWithPreview, timed, flushCurrent };
}
