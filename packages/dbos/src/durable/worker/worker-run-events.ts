import { AsyncLocalStorage } from 'node:async_hooks';
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import type { ApprovalState } from '../approvals/approvals.ts';
import { startDeltaPreview } from '../events/delta-preview.ts';
import {
  type EventBatching,
  flushRunEvents,
  type RunEventBuffer,
  withTimedFlush,
  writeEventsAsFence,
} from '../events/run-events.ts';
import type { SteerCheck } from '../steering/durable-steering.ts';

/**
 * What one execution of a workflow of this worker keeps for itself: a run of the runs queue or a
 * subagent's child workflow. A run resumed twice has two executions in a worker at once, each with
 * its own (see `execute`).
 * @internal
 */
export type RunExecution = {
  /** The DBOS workflow id of the run (or child) this execution runs. */
  runId: string;
  /**
   * The events its steps write to its stream (a child workflow's too, when its parent streams: a
   * reader of the parent reads them as they come; its outcome holds them for the parent's).
   */
  buffer?: RunEventBuffer | undefined;
  /** An execution of a subagent's child workflow, not of a run of the runs queue. */
  child?: true | undefined;
  /** Which topics its next step boundary reads (absent in a child workflow: it receives nothing). */
  steerCheck?: SteerCheck | undefined;
  /** Its approval hook's pending calls and whether it paused (approvals.ts). */
  approvals: ApprovalState;
};

/**
 * A worker's executions of runs, each with its own event buffer, steering check and approval
 * state (see {@link RunExecution}), and how the run's steps write through its buffer: a streamed
 * answer's deltas in batches while it is written, the pending events in place of a tool step's
 * fence every `EVENTS_EVERY_MODEL_CALLS` (3) model calls, or from a body that ran
 * `eventBatching.batchMs`.
 * @internal
 */
export type WorkerRunEvents = {
  /**
   * The last execution of each run of the runs queue this worker executes now, by run id: which
   * runs a steering announcement concerns here; the last to end clears the run's shared state.
   */
  running: Map<string, RunExecution>;
  /**
   * Runs one execution of a workflow with its own state: the one its code reads
   * ({@link WorkerRunEvents.current}), whatever other execution of the run starts meanwhile.
   */
  execute<T>(execution: RunExecution, body: () => Promise<T>): Promise<T>;
  /** The execution whose code is running, if any (see `execute`). */
  current(): RunExecution | undefined;
  /** The buffer of the execution of a run whose code is running, if any (see `execute`). */
  currentBuffer(): RunEventBuffer | undefined;
  /** Runs a streamed call, writing its text deltas while the answer is written, in batches. */
  streamWithPreview(
    stream: (
      onChunk: (chunk: GenerateContentResponse) => void,
    ) => Promise<GenerateContentResponse[]>,
  ): Promise<GenerateContentResponse[]>;
  /** Runs a step's body; the run's pending events go out during it once it ran `batchMs`. */
  timed<T>(body: () => Promise<T>): Promise<T>;
  /** Writes the current run's pending events now (before a run pauses for approval). */
  flushCurrent(): Promise<void>;
  /**
   * A tool step's ownership fence: the current run's events when a write is due (the write
   * checks the owner as `check` does; run-events.ts, `writeEventsAsFence`), else `check`.
   */
  fenceWithEvents(check: () => Promise<void>): Promise<void>;
};

/** The executions of a worker's runs, their events batched by `eventBatching`. @internal */
export function createWorkerRunEvents(eventBatching: EventBatching): WorkerRunEvents {
  const running = new Map<string, RunExecution>();
  // Which execution the running code belongs to, from its async context: the agent and the
  // wrappers of its model and tool calls are made once per worker and shared by every run, so
  // nothing in their signatures names the execution (DBOS finds its workflow id the same way).
  // Not by the run's id: a run resumed twice (an approver's or a child's resume beside the
  // sweep's, a takeover) has a second execution in this worker while the first, no longer the
  // owner, reaches its next step. Looked up by id, the first one's step wrote through the new
  // owner's buffer; its write failed DBOS's ownership check, the failure stayed on that buffer,
  // and the owner's next step took it for its own loss of the run: it ended, waiting for the
  // outcome it was to write, and the run hung (child-approval-timeout.test.ts at load 30).
  // The same holds for the rest of an execution's state: a pause of the stale one, kept by id,
  // made the owner take its own failure for a pause; its steering check, one extra read.
  const executions = new AsyncLocalStorage<RunExecution>();
  const execute = <T>(execution: RunExecution, body: () => Promise<T>): Promise<T> =>
    executions.run(execution, body);
  const current = (): RunExecution | undefined => {
    const execution = executions.getStore();
    // A workflow started from a run's code without an execution of its own inherits the run's
    // context: its steps (another workflow id) get none.
    return execution !== undefined && execution.runId === DBOS.workflowID ? execution : undefined;
  };
  const currentBuffer = (): RunEventBuffer | undefined => current()?.buffer;
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
  // The run's pending events go out during a step's body once it ran eventBatching.batchMs.
  const timed = <T>(body: () => Promise<T>): Promise<T> =>
    withTimedFlush(currentBuffer(), eventBatching.batchMs, body);
  const flushCurrent = async (): Promise<void> => {
    const buffer = currentBuffer();
    if (buffer !== undefined) await flushRunEvents(buffer);
  };
  const fenceWithEvents = async (check: () => Promise<void>): Promise<void> => {
    const buffer = currentBuffer();
    if (buffer === undefined || !(await writeEventsAsFence(buffer))) await check();
  };
  return {
    running,
    execute,
    current,
    currentBuffer,
    streamWithPreview,
    timed,
    flushCurrent,
    fenceWithEvents,
  };
}
