import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { AgentRunError } from './agent-run-error.ts';

/**
 * One model a step was sent to before it failed for good: what a wrapper that sends a step to
 * another model (`modelFallback`) reports on the {@link ModelCallError} it ends with. No thrown
 * text: a server's message may echo a key.
 */
export type ModelCallAttempt = {
  /** The model called. */
  readonly model: string;
  /**
   * Why it did not answer: a fallback trigger (`overloaded`, `rate-limit`, `server-error`,
   * `timeout`), `refusal` (an answer whose finish or block reason the wrapper refuses), or `other`
   * (a failure another model would not fix, which ended the step there).
   */
  readonly reason: string;
  /** The HTTP status of the failure, when it had one. */
  readonly status?: number | undefined;
  /** The finish or block reason of a `refusal`. */
  readonly finishReason?: string | undefined;
};

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
  /**
   * Each model the step was sent to, in order, when a wrapper (`modelFallback`) sent it to more
   * than one: the last is the one whose failure `cause` is. `undefined` for a step sent to one
   * model. Declared only (the wrapper sets it): nothing of it is in the agent's own code.
   */
  declare readonly attempts?: readonly ModelCallAttempt[] | undefined;

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
