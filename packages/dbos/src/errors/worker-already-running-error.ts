import { GemloopError } from '@gemloop/core';

/** Options of {@link WorkerAlreadyRunningError}. */
export type WorkerAlreadyRunningErrorOptions = {
  message: string;
  /** The executor id the refused start asked for. */
  executorId: string;
  /** The running worker's executor id, when DBOS has launched it. */
  runningExecutorId: string | undefined;
  cause?: unknown;
};

/**
 * `startDurableWorker` was called while another durable worker runs, or starts, in this process.
 * DBOS is one per process (its workflows, queues and executor are the process's), so a second
 * worker would take the first one's runs under another executor id. Nothing was opened or
 * changed, and the running worker goes on: `await worker.shutdown()` before starting the next one
 * in this process, or start it in another process.
 */
export class WorkerAlreadyRunningError extends GemloopError {
  override readonly code: string = 'worker-already-running';
  readonly executorId: string;
  readonly runningExecutorId: string | undefined;

  constructor(options: WorkerAlreadyRunningErrorOptions) {
    super({ message: options.message, cause: options.cause });
    this.executorId = options.executorId;
    this.runningExecutorId = options.runningExecutorId;
  }

  /** Whether `error` is a {@link WorkerAlreadyRunningError}, from any copy of the package. */
  static override isInstance(error: unknown): error is WorkerAlreadyRunningError {
    return GemloopError.hasCode(error, 'worker-already-running');
  }
}
