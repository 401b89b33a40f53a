import type { Cost } from '../../models/cost.ts';
import type { CostTotal } from '../../models/cost-total.ts';
import type { AgentToolCall } from '../../run/agent-result.ts';
import { costData } from './step-cost.ts';

// why (sentinel): the key of a call's meter on its record, not enumerable (no spread, JSON or
// `toEqual` sees it), so every record shares one getter and setter (one map).
const METER = Symbol('gemloop.callMeter');

type MeteredCall = AgentToolCall & { readonly [METER]: CostTotal };

/**
 * Gives a subagent call's record its `cost`: the total of `meter` (the child run's, which nothing
 * adds to once the child has ended), written out as dollars when first read, then kept on the
 * record as a plain data property in the same key position (as a step's `cost` is). The child's
 * model steps are priced only then, or when a total the meter is in is read: every call priced
 * them and wrote the dollars out when its child ended (helper subagent49, bench/RESULTS.md). A
 * frozen or sealed record writes them on each read (the same figure).
 * @internal
 */
export function defineCallCost(record: AgentToolCall, meter: CostTotal): void {
  Object.defineProperty(record, METER, { value: meter });
  Object.defineProperty(record, 'cost', CALL_COST);
}

/** The record's `cost` until first read or assigned (see defineCallCost). */
const CALL_COST: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: MeteredCall): Cost {
    const cost = this[METER].total;
    // false (nothing changed) on a frozen or sealed record: it is written again on the next read.
    Reflect.defineProperty(this, 'cost', costData(cost));
    return cost;
  },
  set(this: MeteredCall, cost: Cost) {
    if (!Reflect.defineProperty(this, 'cost', costData(cost)))
      throw new TypeError("Cannot assign to read only property 'cost' of a frozen tool call");
  },
};
