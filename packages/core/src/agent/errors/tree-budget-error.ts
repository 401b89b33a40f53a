import { GemloopError } from '../../errors/gemloop-error.ts';
import type { Cost } from '../../models/cost.ts';
import type { AgentRunState, AgentUsage } from '../../run/agent-result.ts';
import { AgentRunError } from './agent-run-error.ts';

/** Which total of a tree budget ran out. */
export type TreeBudgetLimit = 'steps' | 'tokens' | 'cost';

const OPTION: Record<TreeBudgetLimit, string> = {
  steps: 'maxSteps',
  tokens: 'maxTokens',
  cost: 'maxCostUsd',
};

/**
 * The run's tree (the run and every subagent run below it) used up the budget of the top run's
 * `budget` option before a model step: the run that was about to call the model ends with this
 * error, which ends every run up to the top one (a subagent's `onError` does not catch it).
 * `run` is the state of the run that stopped; `cost` what the whole tree cost so far.
 */
export class TreeBudgetError extends AgentRunError {
  override readonly code = 'tree-budget';
  /** Which budget ran out. */
  readonly limit: TreeBudgetLimit;
  /**
   * The budget, as set (for `'cost'`, US dollars as given: a number or a decimal string).
   */
  readonly max: number | string;
  /**
   * What the tree had used when it stopped: model steps (those of runs stepping at the same time
   * included, each holding its step from its check), tokens, or for `'cost'` the dollars as a
   * decimal string, `null` when a call without a price made the total unknown.
   */
  readonly used: number | string | null;
  /** What every model call of the tree cost so far (exact decimal strings of US dollars). */
  readonly cost: Cost;
  /** The path of the run that stopped (`[]` for the top run). */
  readonly path: readonly string[];
  /**
   * What the runs this error ended used, their children included: the stopped run's usage when
   * it is made, then, as it ends each run on its way up, that run's total, so the caller of the
   * top run reads the tree's (`run` stays the stopped run's state).
   */
  readonly usage: AgentUsage;

  constructor(options: {
    limit: TreeBudgetLimit;
    max: number | string;
    used: number | string | null;
    cost: Cost;
    path: readonly string[];
    run: AgentRunState;
  }) {
    const where =
      options.path.length === 0 ? 'the top run' : `the run at ${options.path.join(' > ')}`;
    // A steps count holds the steps of runs stepping at the same time from their check on: some
    // may still be running their call, so it is not all "used" (leftovers79a).
    const used =
      options.limit === 'steps'
        ? `has ${options.used} model steps taken or under way`
        : options.limit === 'tokens'
          ? `used ${options.used} tokens`
          : options.used === null
            ? `used an unknown amount of money (${options.cost.unknown ?? 'a call had no price'}; an unknown cost counts as over: give the agents prices)`
            : `used $${options.used}`;
    super({
      message: `The run tree ${used}, its budget is ${options.limit === 'cost' ? `$${options.max}` : options.max} (options.budget.${OPTION[options.limit]}): ${where} stopped before its next model call. Raise the budget, or give the agents smaller limits of their own.`,
      run: options.run,
    });
    this.limit = options.limit;
    this.max = options.max;
    this.used = options.used;
    this.cost = options.cost;
    this.path = options.path;
    this.usage = { ...options.run.usage };
  }

  static override isInstance(error: unknown): error is TreeBudgetError {
    return GemloopError.hasCode(error, 'tree-budget');
  }
}
