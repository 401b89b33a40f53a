import { addCosts, type Cost, zeroCost } from './cost.ts';
import { dollarsToPicos } from './usd.ts';

/**
 * A running total of costs that several runs can share: a chat session keeps one across turns,
 * and a parent agent can hand one to its subagents so a budget holds for the whole tree (each
 * run `add`s its steps' costs; each checks `exceeds` before going on). Exact (see `usd.ts`);
 * once an unknown cost is added the total is unknown.
 */
export class CostTotal {
  #total: Cost;

  constructor(start: Cost = zeroCost()) {
    this.#total = start;
  }

  /** Adds one cost (a step's, a run's). */
  add(cost: Cost): void {
    this.#total = addCosts(this.#total, cost);
  }

  /** The total so far (a copy). */
  get total(): Cost {
    return { ...this.#total };
  }

  /**
   * Whether the total is over `usd` dollars. An unknown total counts as over: a budget that
   * cannot be measured stops the spending rather than letting it run unbounded.
   */
  exceeds(usd: number | string): boolean {
    return costExceeds(this.#total, usd);
  }
}

/** Whether `cost` is over `usd` dollars; an unknown cost is. @internal */
export function costExceeds(cost: Cost, usd: number | string): boolean {
  if (cost.total === null) return true;
  const limit = dollarsToPicos(usd);
  const spent = dollarsToPicos(cost.total);
  if (limit === undefined || spent === undefined) return true;
  return spent > limit;
}
