import { checkPrices } from '../../../models/check-prices.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/** `prices`: what the agent's model costs, over gemloop's price table. @internal */
export const pricesOption: AgentOptionGroup<'prices'> = defineAgentOptions({
  checks: {
    prices: (value: unknown, path: string): void => checkPrices(value, path),
  },
});

/** The part of `AgentConfig` this option makes. @internal */
export type PricesConfig = Pick<AgentConfig<unknown>, 'prices'>;

/** No default: gemloop's table (`knownPrices`) answers what `prices` leaves out. @internal */
export function resolvePricesOption(options: AgentOptions<unknown>): PricesConfig {
  return { prices: options.prices };
}
