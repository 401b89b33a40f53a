import type { Cost } from './cost.ts';
import { type CostPicos, picosToDollars } from './usd.ts';

/**
 * A priced cost as the {@link Cost} the API's users read: decimal strings of dollars; an unknown
 * one (or one a pricer wrote as a {@link Cost}) as it is.
 * @internal
 */
export function writeCost(priced: CostPicos | Cost): Cost {
  if (!isPicos(priced)) return priced;
  return {
    currency: 'USD',
    total: picosToDollars(priced.total),
    input: picosToDollars(priced.input),
    cachedInput: picosToDollars(priced.cachedInput),
    output: picosToDollars(priced.output),
    thinking: picosToDollars(priced.thinking),
  };
}

/** Whether a priced cost is a known one in pico-dollars (a {@link Cost} has strings or nulls). @internal */
export function isPicos(priced: CostPicos | Cost): priced is CostPicos {
  const total = priced.total;
  return typeof total === 'number' || typeof total === 'bigint';
}
