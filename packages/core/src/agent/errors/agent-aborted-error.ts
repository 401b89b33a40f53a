import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
import { AgentRunError } from './agent-run-error.ts';

/** Where a run was when its signal was aborted. */
export type AbortPhase = 'model-call' | 'tool-calls' | 'between-steps';

/**
 * The run's signal was aborted (or a stream's consumer stopped iterating). `cause` is the signal's
 * reason.
 *
 * The history in `run.contents` stays consistent: a model call in flight is dropped (nothing of
 * it is in the history); when tool calls were in flight, the model's turn is kept and every call
 * is answered, finished ones with their results and the rest with an `{ error }` response saying
 * they were aborted, so the conversation can be continued as it is.
 */
export class AgentAbortedError extends AgentRunError {
  override readonly code = 'agent-aborted';
  readonly phase: AbortPhase;

  constructor({
    phase,
    run,
    cause,
    message,
  }: {
    phase: AbortPhase;
    run: AgentRunState;
    cause?: unknown;
    message?: string | undefined;
  }) {
    super({
      message:
        message ??
        `The agent run was aborted during ${describePhase(phase)} (after ${run.steps.length} step(s)). ` +
          'error.run.contents holds the history so far, consistent and ready to continue from.',
      run,
      cause,
    });
    this.phase = phase;
  }

  static override isInstance(error: unknown): error is AgentAbortedError {
    return GemloopError.hasCode(error, 'agent-aborted');
  }
}

function describePhase(phase: AbortPhase): string {
  if (phase === 'model-call') return 'a model call';
  if (phase === 'tool-calls') return 'tool calls';
  return 'the run';
}
