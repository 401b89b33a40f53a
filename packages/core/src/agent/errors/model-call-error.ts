import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { AgentRunError } from './agent-run-error.ts';

/**
 * A model call of the run failed for good: an `ApiCallError` after the client's retries, a
 * `StreamError`, a `TimeoutError`, or anything else the client threw. `cause` is that error, so
 * `ApiCallError.isInstance(error.cause)` tells an API failure apart; `run` holds the history and
 * steps up to the failed call (the failed call added nothing to it).
 */
export class ModelCallError extends AgentRunError {
  override readonly code = 'model-call';
  /** The 1-based number of the step whose model call failed. */
  readonly stepNumber: number;

  constructor({
    stepNumber,
    run,
    cause,
  }: {
    stepNumber: number;
    run: AgentRunState;
    cause: unknown;
  }) {
    super({
      message: `The model call of step ${stepNumber} failed: ${describe(cause)}`,
      run,
      cause,
    });
    this.stepNumber = stepNumber;
  }

  static override isInstance(error: unknown): error is ModelCallError {
    return GemloopError.hasCode(error, 'model-call');
  }
}

function describe(cause: unknown): string {
  return describeThrown(cause);
}
