import type { AgentResult } from '@gemloop/core';
import {
  type ChildRunParent,
  type ChildSpend,
  dollarsToPicos,
  picosToDollars,
  unknownCost,
} from '@gemloop/core/internal';
import { type Cost, CostTotal } from '@gemloop/core/models';

// The tree budget and the spending of a subagent's child workflow, as plain data between the
// parent run and the child workflow (durable-children.ts): what the child may spend, and what it
// reports it spent.

/**
 * A tree budget as plain data: its limits (`null`: none) and what was spent. A child workflow
 * starts from the spent total at its start; it returns what it spent itself.
 */
export type ChildBudget = {
  maxSteps: number | null;
  maxTokens: number | null;
  maxCostUsd: number | string | null;
  steps: number;
  tokens: number;
  cost: Cost;
};

/** What a child run spent of the tree budget (its own model steps and those of its subtree). */
export type ChildSpent = { steps: number; tokens: number; cost: Cost };

/**
 * What a child run's model calls used and cost (its subtree's included), with the split by agent
 * below it, as plain data: recorded when the child fails or stops on the budget, so its parent
 * counts what was spent as an in-process parent does (`ChildSpend`), and a replay counts the
 * same recorded amounts once.
 */
export type ChildSpendRecord = {
  usage: AgentResult<unknown>['usage'];
  cost: Cost;
  children: NonNullable<AgentResult<unknown>['usageByAgent']>;
  /** What it spent of the tree budget (absent without one). */
  spent?: ChildSpent;
};

/** The enumerable property a failed child workflow's error carries its {@link ChildSpendRecord} in. */
export const SPEND_PROPERTY = 'gemloopChildSpend';

/**
 * A cost total that also adds every cost to `own` (what one child spent, besides the tree's).
 * Both ways in are teed: the loop adds each model call priced in pico-dollars (`addPriced`, which
 * calls `add` only for a written `Cost`); teeing `add` alone left a child workflow's model calls
 * out of what it reported spent, so its parent went on past the tree's cost budget.
 */
export class TeeCostTotal extends CostTotal {
  readonly #own: CostTotal;
  constructor(start: Cost, own: CostTotal) {
    super(start);
    this.#own = own;
  }
  override add(cost: Cost): void {
    super.add(cost);
    this.#own.add(cost);
  }
  override addPriced(priced: Parameters<CostTotal['addPriced']>[0]): void {
    // A written Cost comes back through `add` above (CostTotal.addPriced), teed there.
    if (typeof priced.total !== 'bigint') {
      this.add(priced as Cost);
      return;
    }
    super.addPriced(priced);
    this.#own.addPriced(priced);
  }
}

/**
 * The tree budget `parent` runs under, as plain data for a child's input: what the tree had spent
 * and, as limits, that plus the child's share of what was left. A child workflow cannot see what
 * its siblings spend while they run (in-process children share one live total), so the
 * `children` subagent calls of one turn, which run at once, each get an equal share (rounded
 * down; a cost to the pico-dollar): together they cannot pass the budget by more than each one's
 * last model call, as one in-process run cannot. One child gets all that was left.
 */
export function budgetLeft(
  budget: NonNullable<ChildRunParent['budget']>,
  children: number,
): ChildBudget {
  const n = Number.isSafeInteger(children) && children > 1 ? children : 1;
  const share = (max: number, spent: number): number | null =>
    !Number.isFinite(max)
      ? null
      : max <= spent || n === 1
        ? max
        : spent + Math.floor((max - spent) / n);
  const cost = budget.cost.total;
  return {
    maxSteps: share(budget.maxSteps, budget.steps),
    maxTokens: share(budget.maxTokens, budget.tokens),
    maxCostUsd: costShare(budget.maxCostUsd, cost, n),
    steps: budget.steps,
    tokens: budget.tokens,
    cost,
  };
}

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

/** Counts a child's recorded spending into the meter of the call that started it. */
export function countChildSpend(spend: ChildSpend | undefined, record: unknown): void {
  if (spend === undefined || typeof record !== 'object' || record === null) return;
  const { usage, cost, children } = record as Partial<ChildSpendRecord>;
  if (typeof usage !== 'object' || usage === null) return;
  spend.add(usage, typeof cost === 'object' && cost !== null ? cost : unknownSpentCost);
  if (Array.isArray(children)) for (const entry of children) spend.children.push(entry);
}

/** A record without a cost counts as over (an unknown cost does, see CostTotal.exceeds). */
const unknownSpentCost: Cost = unknownCost('a failed child workflow recorded no cost');

/** Adds what a child spent of the tree budget to the tree's live total. */
export function addSpent(tree: ChildRunParent['budget'], spent: ChildSpent | undefined): void {
  if (tree === undefined || typeof spent !== 'object' || spent === null) return;
  tree.steps += spent.steps;
  tree.tokens += spent.tokens;
  tree.cost.add(spent.cost);
}
