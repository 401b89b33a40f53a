import type { CostTotal } from '../../models/cost-total.ts';

/**
 * A total step, token and cost budget over a run and every child run below it, each agent's own
 * `maxSteps` still applying. Counted as model steps end (and as a tool's own model calls are
 * priced): one object shared by reference down the tree, so a child's spending counts against the
 * top run's budget. A step under way holds a unit of `steps` (`held`) from its check until it is
 * counted, so runs of the tree stepping at once cannot pass the step budget between them.
 * @internal
 */
export type TreeBudget = {
  readonly maxSteps: number;
  readonly maxTokens: number;
  /** US dollars (`options.budget.maxCostUsd`), `undefined` without a cost budget. */
  readonly maxCostUsd: number | string | undefined;
  /** Model steps that ended (`endStep`). */
  steps: number;
  /**
   * The runs whose model step is under way: each holds one unit of `steps` from the budget
   * plugin's check before its call until `endStep` counts it, or the step ends otherwise (the run's
   * next check, its end). Keyed by the run's state (`RunContext.run`, the plugins' `tracker`),
   * which a hand-off keeps. Lives in this process only: never copied into a child's share as a
   * count, never recorded, so a replay or a crash cannot count a held unit (the meter a replay
   * rebuilds starts with none).
   */
  readonly held: Set<object>;
  tokens: number;
  /** What every model call of the tree cost so far (unknown once one had no price). */
  readonly cost: CostTotal;
};
