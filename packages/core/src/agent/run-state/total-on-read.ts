import type { Cost } from '../../models/cost.ts';
import type { CostTotal } from '../../models/cost-total.ts';
import { assignCost, costData } from './step-cost.ts';

// why (sentinel): the key of the running total on its object, not enumerable (no spread, JSON or
// `toEqual` sees it), so every object of a kind shares one getter and setter (one map, as the
// steps' `cost` does).
const TOTAL = Symbol('gemloop.runCost');

type TotalOnRead = { cost: Cost; readonly [TOTAL]: CostTotal };

/** What a `cost` summed on read belongs to (named by the error of an assignment to a frozen one). */
type Holder = 'result' | 'tool call';

/**
 * Gives `target` its `cost`: `total`'s sum, written out as dollars when first read, then kept on
 * `target` as a plain data property in the same key position (as a step's `cost` is). A frozen or
 * sealed `target` sums on each read (the same figure). Used for a run's result (RunTracker.defineCost)
 * and a subagent call's record, whose total is the child run's meter, which nothing adds to once
 * the child has ended (helper subagent49, bench/RESULTS.md). Call it before `target` has a `cost`
 * key: an accessor put over a data property would leave the object a dictionary.
 * @internal
 */
export function defineTotalOnRead(target: object, total: CostTotal, holder: Holder): void {
  Object.defineProperty(target, TOTAL, { value: total });
  Object.defineProperty(target, 'cost', holder === 'result' ? RESULT_COST : CALL_COST);
}

function totalOnRead(holder: Holder): PropertyDescriptor {
  return {
    enumerable: true,
    configurable: true,
    get(this: TotalOnRead): Cost {
      const cost = this[TOTAL].total;
      // false (nothing changed) on a frozen or sealed object: it sums again on the next read.
      Reflect.defineProperty(this, 'cost', costData(cost));
      return cost;
    },
    set(this: TotalOnRead, cost: Cost) {
      assignCost(this, cost, holder);
    },
  };
}

const RESULT_COST = totalOnRead('result');
const CALL_COST = totalOnRead('tool call');
