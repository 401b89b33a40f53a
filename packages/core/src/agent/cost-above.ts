import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { addCosts } from '../models/add-costs.ts';
import type { Cost } from '../models/cost.ts';
import { dollarsToPicos } from '../models/usd.ts';
import type { StopCondition } from './stop-conditions.ts';

/** Options of {@link costAbove}. */
export type CostAboveOptions = {
  /**
   * What was spent outside this run and counts against the same budget: a chat session's earlier
   * turns, or, for a tree of agents, what the other runs added to a shared `CostTotal`
   * (`spent: () => total.total`). Read after every step.
   */
  spent?: (() => Cost) | undefined;
};

/**
 * Stops once the run's cost (plus `spent`) is over `usd` US dollars, compared exactly (see
 * `Cost`). The run ends with `finishReason: 'stop-condition'` and its usage and cost so far.
 * An unknown cost (a model or tier without a price: give the agent `prices`) stops the run too:
 * a budget that cannot be measured does not let spending run unbounded.
 * (A file of its own: the root exports the other stop conditions, so what their file holds is in
 * every agent app's browser bundle; a chat session's budget uses this one, issue 53.)
 * @example createAgent({ ..., stopWhen: costAbove(0.5) })
 * @throws {@link InvalidArgumentError} when `usd` is not a non-negative number of dollars.
 */
export function costAbove(usd: number | string, options: CostAboveOptions = {}): StopCondition {
  if (dollarsToPicos(usd) === undefined) {
    throw new InvalidArgumentError({
      argument: 'usd',
      message: `costAbove(usd) takes US dollars as a non-negative number or decimal string, such as 0.5 or '0.50'; got ${JSON.stringify(usd) ?? String(usd)}.`,
    });
  }
  const spent = options.spent;
  return ({ cost }) => costExceeds(spent === undefined ? cost : addCosts(spent(), cost), usd);
}

/** Whether `cost` is over `usd` dollars; an unknown cost is. @internal */
export function costExceeds(cost: Cost, usd: number | string): boolean {
  if (cost.total === null) return true;
  const limit = dollarsToPicos(usd);
  const spent = dollarsToPicos(cost.total);
  if (limit === undefined || spent === undefined) return true;
  return spent > limit;
}
