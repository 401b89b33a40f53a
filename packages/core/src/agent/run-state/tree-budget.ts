import type { CostTotal } from '../../models/cost-total.ts';

/**
 * A total step, token and cost budget over a run and every child run below it, each agent's own
 * `maxSteps` still applying. Counted as model steps end (and as a tool's own model calls are
 * priced): one object shared by reference down the tree, so a child's spending counts against the
 * top run's budget. @internal
 */
export type TreeBudget = {
  readonly maxSteps: number;
  readonly maxTokens: number;
  /** US dollars (`options.budget.maxCostUsd`), `undefined` without a cost budget. */
  readonly maxCostUsd: number | string | undefined;
  steps: number;
  tokens: number;
  /** What every model call of the tree cost so far (unknown once one had no price). */
  readonly cost: CostTotal;
};
