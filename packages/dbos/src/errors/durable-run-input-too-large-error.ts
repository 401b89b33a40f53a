import { GemloopError } from '@gemloop/core';
import { quoteId } from './quote-id.ts';

/** Options of {@link DurableRunInputTooLargeError}. */
export type DurableRunInputTooLargeErrorOptions = {
  /** The run that was not started. */
  runId: string;
  /** The size of the run's stored input (its JSON, UTF-8 bytes). */
  bytes: number;
  /** The most the runtime stores. */
  limit: number;
};

/**
 * A durable run's input (`input`, `history`, `budget`, `generationConfig`, as stored with the run)
 * is over the runtime's `maxInputBytes`: nothing was started. Every worker that replays the run
 * reads the whole input back, and the first model request carries it, so a larger one is refused
 * here, where the caller can still act on it.
 */
export class DurableRunInputTooLargeError extends GemloopError {
  override readonly code: string = 'durable-run-input-too-large';
  readonly runId: string;
  readonly bytes: number;
  readonly limit: number;

  constructor({ runId, bytes, limit }: DurableRunInputTooLargeErrorOptions) {
    super({
      message: `Durable run ${quoteId(runId)} was not started: its input is ${bytes} bytes of JSON, over the limit of ${limit} (the option maxInputBytes of createDurableRuns, createDurableBatchRuns and startDurableWorker raises it). Send large files by reference (a fileData URI of the Files API) rather than inline.`,
    });
    this.runId = runId;
    this.bytes = bytes;
    this.limit = limit;
  }

  /** Whether `error` is a {@link DurableRunInputTooLargeError}, from any copy of the package. */
  static override isInstance(error: unknown): error is DurableRunInputTooLargeError {
    return GemloopError.hasCode(error, 'durable-run-input-too-large');
  }
}
