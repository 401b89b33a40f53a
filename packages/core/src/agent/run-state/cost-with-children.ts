import type { Cost } from '../../models/cost.ts';
import { CostTotal, type PricedCost } from '../../models/cost-total.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { priceResponse } from './price-response.ts';
import { costData } from './step-cost.ts';

/** What prices a step's own call again for its `costWithChildren` (see {@link priceResponse}). */
type Pricing = Pick<AgentConfig<unknown>, 'model' | 'request' | 'price'>;

/** What a step's `costWithChildren` is summed from when first read. */
type Pending = {
  readonly config: Pricing;
  /** Each call's cost as the run's totals took it, in the order of the calls. */
  readonly calls: readonly PricedCost[];
};

// why (sentinel): the key of a step's pending `costWithChildren` on the step, not enumerable (no
// spread, JSON or `toEqual` sees it), so every step shares one getter and setter (one map).
const PENDING = Symbol('gemloop.costWithChildren');

type PendingStep = AgentStep & { readonly [PENDING]: Pending };

/**
 * Gives `step` its `costWithChildren`: its own call's cost, priced again from its response by the
 * rule the model step was priced with ({@link priceResponse}: nothing for a resumed turn, which
 * called no model), plus each of `calls`, summed in pico-dollars and written out as dollars when
 * first read, then kept on the step as a plain data property in the same key position (as a
 * step's `cost` is, `stepCostProperty`). Nothing of the loop reads it: a subagent call priced the
 * parent's step and wrote the sum out as dollars in every call (a CostTotal, the step's price and
 * five decimal strings; helper subagent49, bench/RESULTS.md), for a figure only a reader of the
 * step sees. A frozen or sealed step sums on each read (the same figure).
 * @internal
 */
export function defineCostWithChildren(
  step: AgentStep,
  config: Pricing,
  calls: readonly PricedCost[],
): void {
  Object.defineProperty(step, PENDING, { value: { config, calls } satisfies Pending });
  Object.defineProperty(step, 'costWithChildren', COST_WITH_CHILDREN);
}

/** The step's `costWithChildren` until first read or assigned (see defineCostWithChildren). */
const COST_WITH_CHILDREN: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: PendingStep): Cost {
    const { config, calls } = this[PENDING];
    const total = new CostTotal();
    total.addPriced(priceResponse(config, this.response, this.serviceTier, this.model));
    for (const call of calls) total.addPriced(call);
    const cost = total.total;
    // false (nothing changed) on a frozen or sealed step: it sums again on the next read.
    Reflect.defineProperty(this, 'costWithChildren', costData(cost));
    return cost;
  },
  set(this: PendingStep, cost: Cost) {
    if (!Reflect.defineProperty(this, 'costWithChildren', costData(cost)))
      throw new TypeError(
        "Cannot assign to read only property 'costWithChildren' of a frozen step",
      );
  },
};
