import type { Cost } from '../../models/cost.ts';
import { unknownCost } from '../../models/cost.ts';
import { CostTotal, isCostTotal } from '../../models/cost-total.ts';
import { dollarsToPicos, picosToDollars } from '../../models/usd.ts';
import { isPicos } from '../../models/write-cost.ts';
import type { AgentRunState, AgentUsage, AgentUsageByAgent } from '../../run/agent-result.ts';
import { TreeBudgetError, type TreeBudgetLimit } from '../errors/tree-budget-error.ts';
import { ChildSpend } from './child-spend.ts';
import type { TreeBudget } from './tree-budget.ts';

// A child run started elsewhere (a durable runner's child workflow, in another execution or
// process) cannot share its parent's live tree budget nor its `ChildSpend` meter by reference, as
// an in-process child does: it takes them down as plain data and brings what it spent back up.
// The budget's share and the meter are the loop's own data (run-link.ts), so they are made here,
// beside `TreeBudget` and `ChildSpend`, and a runner only carries the data (issue 53 item 5: the
// runner names no feature; it was @gemloop/dbos's child-budget.ts).

/**
 * A tree budget as plain data: its limits (`null`: none) and what the tree had spent when the
 * child started. Every execution of the child is bounded by the same data.
 * @internal
 */
export type ChildBudget = {
  maxSteps: number | null;
  maxTokens: number | null;
  maxCostUsd: number | string | null;
  steps: number;
  tokens: number;
  cost: Cost;
};

/** What a child run spent of the tree budget (its own model steps and its subtree's). @internal */
export type ChildSpent = { steps: number; tokens: number; cost: Cost };

/**
 * What a child run's model calls used and cost (its subtree's included) and the split by agent
 * below it, as plain data: what its parent counts when the child ends without a result (it
 * failed, or stopped on the budget), as an in-process parent counts its `ChildSpend`.
 * @internal
 */
export type ChildSpendRecord = {
  usage: AgentUsage;
  cost: Cost;
  children: AgentUsageByAgent[];
  /** What it spent of the tree budget (absent without one). */
  spent?: ChildSpent;
};

/**
 * The tree budget `budget` as plain data for a child's input: what the tree had spent and, as
 * limits, that plus the child's share of what was left. A child started elsewhere cannot see what
 * its siblings spend while they run (in-process children share one live total), so the
 * `children` child runs of one turn, which run at once, each get an equal share (rounded down; a
 * cost to the pico-dollar): together they cannot pass the budget by more than each one's last
 * model call, as one in-process run cannot. One child gets all that was left. A step of the tree
 * under way (its unit held, {@link TreeBudget.held}) counts as spent.
 * @internal
 */
export function childBudgetShare(budget: TreeBudget, children: number): ChildBudget {
  const n = Number.isSafeInteger(children) && children > 1 ? children : 1;
  const share = (max: number, spent: number): number | null =>
    !Number.isFinite(max)
      ? null
      : max <= spent || n === 1
        ? max
        : spent + Math.floor((max - spent) / n);
  const cost = budget.cost.total;
  // The steps under way (the parent's own, which starts this child, among them) will be counted
  // as they end: the children share what is left after them, and start from them as spent. A
  // plain count in the input: no held unit is copied (a child's meter holds its own).
  const steps = budget.steps + budget.held.size;
  return {
    maxSteps: share(budget.maxSteps, steps),
    maxTokens: share(budget.maxTokens, budget.tokens),
    maxCostUsd: costShare(budget.maxCostUsd, cost, n),
    steps,
    tokens: budget.tokens,
    cost,
  };
}

/** A child run's side of its parent's tree: its live budget and meter, and what it reports. @internal */
export type ChildRunMeter = {
  /** The tree budget the child runs under (`ChildRunParent.budget`), `undefined` without one. */
  readonly budget: TreeBudget | undefined;
  /** What the child's model calls use (`ChildRunParent.spend`). */
  readonly spend: ChildSpend;
  /** What the child spent of the tree budget so far (`undefined` without one). */
  spent(): ChildSpent | undefined;
  /** Its spending as plain data, for its parent when it ends without a result. */
  record(): ChildSpendRecord;
};

/**
 * The meter of a child run started elsewhere, below the segment `segment` of its parent, under
 * `given` (its {@link childBudgetShare}): its tree budget starts from what the tree had spent, and
 * what it spends itself is kept apart, for its parent.
 * @internal
 */
export function childRunMeter(segment: string, given: ChildBudget | undefined): ChildRunMeter {
  const own = new CostTotal();
  const budget: TreeBudget | undefined =
    given === undefined
      ? undefined
      : {
          maxSteps: given.maxSteps ?? Number.POSITIVE_INFINITY,
          maxTokens: given.maxTokens ?? Number.POSITIVE_INFINITY,
          maxCostUsd: given.maxCostUsd ?? undefined,
          steps: given.steps,
          held: new Set(),
          tokens: given.tokens,
          cost: new TeeCostTotal(given.cost, own),
        };
  const spend = new ChildSpend(segment);
  const spent = (): ChildSpent | undefined =>
    budget === undefined || given === undefined
      ? undefined
      : {
          steps: budget.steps - given.steps,
          tokens: budget.tokens - given.tokens,
          cost: own.total,
        };
  return {
    budget,
    spend,
    spent,
    record() {
      const used = spent();
      return {
        usage: { ...spend.usage },
        cost: spend.cost.total,
        children: [...spend.children],
        ...(used === undefined ? {} : { spent: used }),
      };
    },
  };
}

/**
 * Counts a child's recorded spending (a {@link ChildSpendRecord}, from a database row: checked)
 * into the meter of the call that started it.
 * @internal
 */
export function countChildSpend(spend: ChildSpend | undefined, record: unknown): void {
  if (spend === undefined || typeof record !== 'object' || record === null) return;
  const { usage, cost, children } = record as Partial<ChildSpendRecord>;
  if (typeof usage !== 'object' || usage === null) return;
  spend.add(usage, typeof cost === 'object' && cost !== null ? cost : unknownSpentCost);
  if (Array.isArray(children)) for (const entry of children) spend.children.push(entry);
}

/**
 * Adds what a child spent of the tree budget (a {@link ChildSpent}, from a database row: checked)
 * to the tree's live total.
 * @internal
 */
export function addChildSpent(tree: TreeBudget | undefined, spent: unknown): void {
  if (tree === undefined || typeof spent !== 'object' || spent === null) return;
  const { steps, tokens, cost } = spent as Partial<ChildSpent>;
  if (typeof steps === 'number') tree.steps += steps;
  if (typeof tokens === 'number') tree.tokens += tokens;
  if (typeof cost === 'object' && cost !== null) tree.cost.add(cost);
}

/**
 * A child run's stop on the tree budget as plain data: recorded as the child's outcome (not its
 * failure), so its parent throws the same typed error an in-process child's would hand it.
 * @internal
 */
export type ChildBudgetStop = {
  limit: TreeBudgetLimit;
  max: number | string;
  used: number | string | null;
  cost: Cost;
  path: string[];
  run: AgentRunState;
};

/** `error` as a {@link ChildBudgetStop} when it is a `TreeBudgetError`, else `undefined`. @internal */
export function childBudgetStop(error: unknown): ChildBudgetStop | undefined {
  if (!TreeBudgetError.isInstance(error)) return undefined;
  const { limit, max, used, cost, path, run } = error;
  return { limit, max, used, cost, path: [...path], run };
}

/** The `TreeBudgetError` a child's recorded {@link ChildBudgetStop} was. @internal */
export function childBudgetStopError(stop: ChildBudgetStop): TreeBudgetError {
  return new TreeBudgetError(stop);
}

/** A record without a cost counts as over (an unknown cost does, see CostTotal.exceeds). */
const unknownSpentCost: Cost = unknownCost('a failed child run recorded no cost');

/** A child's cost limit: what was spent plus its share of what was left (exact, in picos). */
function costShare(
  max: number | string | undefined,
  spent: Cost,
  n: number,
): number | string | null {
  if (max === undefined) return null;
  if (n === 1 || spent.total === null) return max;
  const maxPicos = dollarsToPicos(max);
  const spentPicos = dollarsToPicos(spent.total);
  if (maxPicos === undefined || spentPicos === undefined || maxPicos <= spentPicos) return max;
  return picosToDollars(spentPicos + (maxPicos - spentPicos) / BigInt(n));
}

/**
 * A cost total that also adds every cost to `own` (what one child spent, besides the tree's).
 * Both ways in are teed: the loop adds each model call priced in pico-dollars (`addPriced`, which
 * calls `add` only for a written `Cost`); teeing `add` alone left a child workflow's model calls
 * out of what it reported spent, so its parent went on past the tree's cost budget.
 */
class TeeCostTotal extends CostTotal {
  readonly #own: CostTotal;
  constructor(start: Cost, own: CostTotal) {
    super(start);
    this.#own = own;
  }
  override add(cost: Cost): void {
    super.add(cost);
    this.#own.add(cost);
  }
  override addPriced(given: Parameters<CostTotal['addPriced']>[0]): void {
    // A running total (a subagent call's meter) as its sum now: both ways are teed as priced.
    const priced = isCostTotal(given) ? given.priced : given;
    // A written Cost comes back through `add` above (CostTotal.addPriced), teed there.
    if (!isPicos(priced)) {
      this.add(priced);
      return;
    }
    super.addPriced(priced);
    this.#own.addPriced(priced);
  }
}
