import { GemloopError } from '@gemloop/core';

/** Options of {@link DurableReplayMismatchError}. */
export type DurableReplayMismatchErrorOptions = {
  message: string;
  runId: string;
  /** DBOS's number of the step in the run (its function id). */
  stepId: number;
  /** The step this execution was about to make there, e.g. `gemloop.tool:lookup@2.1:call-7`. */
  expectedStep: string;
  /** The step the run's record holds there. */
  recordedStep: string;
  cause?: unknown;
};

/**
 * A durable run was replayed (after a crash, a takeover or an approval) and met, at one of its
 * recorded steps, a different step than the one this execution makes there: another tool, or
 * the same tool for another call of the turn (step names carry the agent step, the call's place
 * in the turn and its id), or a recorded model answer that calls a tool the agent no longer has
 * (its recorded request declared it: `recordedStep` names the call, `expectedStep` the tools this
 * agent has). The run ends with this error instead of handing one call's recorded result to
 * another, or telling the model that a tool it called, which may have run, does not exist. It means the run was recorded by other code: a worker of another version,
 * or agents defined differently; finish or cancel such runs before deploying the change, or give
 * the new code another `applicationVersion`.
 */
export class DurableReplayMismatchError extends GemloopError {
  override readonly code: string = 'durable-replay-mismatch';
  readonly runId: string;
  readonly stepId: number;
  readonly expectedStep: string;
  readonly recordedStep: string;

  constructor({
    message,
    runId,
    stepId,
    expectedStep,
    recordedStep,
    cause,
  }: DurableReplayMismatchErrorOptions) {
    super({ message, cause });
    this.runId = runId;
    this.stepId = stepId;
    this.expectedStep = expectedStep;
    this.recordedStep = recordedStep;
  }

  /** Whether `error` is a {@link DurableReplayMismatchError}, from any copy of the package. */
  static override isInstance(error: unknown): error is DurableReplayMismatchError {
    return GemloopError.hasCode(error, 'durable-replay-mismatch');
  }
}
