import { GemloopError } from '@gemloop/core';

/** Options of {@link DurableRunError}. */
export type DurableRunErrorOptions = {
  message: string;
  runId: string;
  /** The run's status: `ERROR`, `CANCELLED`, `MAX_RECOVERY_ATTEMPTS_EXCEEDED`, or `NOT_FOUND`. */
  status: string;
  cause?: unknown;
};

/**
 * A durable run did not produce a result: it failed (the agent's error, as stored, is the
 * cause), was cancelled, or does not exist.
 */
export class DurableRunError extends GemloopError {
  override readonly code: string = 'durable-run';
  readonly runId: string;
  readonly status: string;

  constructor({ message, runId, status, cause }: DurableRunErrorOptions) {
    super({ message, cause });
    this.runId = runId;
    this.status = status;
  }

  /** Whether `error` is a {@link DurableRunError}, from any copy of the package. */
  static override isInstance(error: unknown): error is DurableRunError {
    return GemloopError.hasCode(error, 'durable-run');
  }
}
