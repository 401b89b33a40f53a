import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
import { AgentRunError } from './agent-run-error.ts';

/**
 * The run's tree (the run and every subagent run below it) used up the budget of the top run's
 * `budget` option before a model step: the run that was about to call the model ends with this
 * error, which ends every run up to the top one (a subagent's `onError` does not catch it).
 * `run` is the state of the run that stopped.
 */
export class TreeBudgetError extends AgentRunError {
  override readonly code = 'tree-budget';
  /** Which budget ran out. */
  readonly limit: 'steps' | 'tokens';
  /** The budget, as set. */
  readonly max: number;
  /** What the tree had used when it stopped. */
  readonly used: number;
  /** The path of the run that stopped (`[]` for the top run). */
  readonly path: readonly string[];

  constructor(options: {
    limit: 'steps' | 'tokens';
    max: number;
    used: number;
    path: readonly string[];
    run: AgentRunState;
  }) {
    super({
      message: `The run tree used ${options.used} ${options.limit === 'steps' ? 'model steps' : 'tokens'}, its budget is ${options.max} (options.budget.${options.limit === 'steps' ? 'maxSteps' : 'maxTokens'}): ${options.path.length === 0 ? 'the top run' : `the run at ${options.path.join(' > ')}`} stopped before its next model call. Raise the budget, or give the agents smaller limits of their own.`,
      run: options.run,
    });
    this.limit = options.limit;
    this.max = options.max;
    this.used = options.used;
    this.path = options.path;
  }

  static override isInstance(error: unknown): error is TreeBudgetError {
    return GemloopError.hasCode(error, 'tree-budget');
  }
}
