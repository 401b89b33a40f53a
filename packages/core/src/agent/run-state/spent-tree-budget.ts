import { dollarsToPicos } from '../../models/usd.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
import type { AgentPath } from '../agent-event.ts';
import { TreeBudgetError, type TreeBudgetLimit } from '../errors/tree-budget-error.ts';
import type { TreeBudget } from './tree-budget.ts';

/**
 * The error a run's tree ends with once it spent its budget (steps, then tokens, then cost), or
 * `undefined` while some is left: what the `budget` plugin checks before each model call, and
 * `run.generate()` before each side call (a plugin's calls must not spend past it either). Reads
 * the meter only; `state` is asked for only when the budget is spent. `held`: the steps of the
 * tree under way (see {@link TreeBudget.held}), counted as used by a check that starts a step;
 * a side call or a step's second call starts none and passes `0`.
 * @internal
 */
export function spentTreeBudget(
  budget: TreeBudget,
  path: AgentPath,
  state: () => AgentRunState,
  held = 0,
): TreeBudgetError | undefined {
  let limit: TreeBudgetLimit | undefined;
  let max: number | string = 0;
  let used: number | string | null = 0;
  if (budget.steps + held >= budget.maxSteps) {
    limit = 'steps';
    max = budget.maxSteps;
    used = budget.steps + held;
  } else if (budget.tokens >= budget.maxTokens) {
    limit = 'tokens';
    max = budget.maxTokens;
    used = budget.tokens;
  } else if (
    budget.maxCostUsd !== undefined &&
    (budget.cost.exceeds(budget.maxCostUsd) || !dollarsToPicos(budget.maxCostUsd))
  ) {
    // Over, not at: a step is priced after it ran, so the tree may end a step past the budget
    // (as costAbove does); an unknown total counts as over (CostTotal.exceeds). A budget of $0
    // (or a chat's rest of nothing: 0n is falsy) allows no call: at $0 of $0, one paid call
    // went through (econ2).
    limit = 'cost';
    max = budget.maxCostUsd;
    used = budget.cost.total.total;
  }
  if (limit === undefined) return undefined;
  return new TreeBudgetError({ limit, max, used, cost: budget.cost.total, path, run: state() });
}
