import { unknownCost } from '../../../models/cost.ts';
import type { PriceModelCall } from '../../../models/pricer.ts';
import { isOptionsObject, optionCheck } from '../../../options/define-options.ts';
import type { AgentPlugin } from '../../plugins/agent-plugin.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import type { DefaultPluginMakers } from './continuation.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/**
 * `prices`: sugar for the pricing plugin every agent has by default (what a model call cost, over
 * gemloop's price table). Its shape is checked here; a table's prices, or a pricer's name, by
 * the plugin's maker (pricing/, handed in by the agent's facade: {@link DefaultPluginMakers}),
 * which names the price at fault. @internal
 */
export const pricesOption: AgentOptionGroup<'prices'> = defineAgentOptions({
  checks: {
    prices: optionCheck(
      (value) => value === false || typeof value === 'function' || isOptionsObject(value),
      (path) =>
        `${path} must be a price table, a (model, tier) => price function, a pricer or false.`,
    ),
  },
});

/** The part of `AgentConfig` this option makes, and the plugin `agent.plugins` lists for it. @internal */
export type PricesConfig = Pick<AgentConfig<unknown>, 'price' | 'priceOnRead'> & {
  pricing: AgentPlugin | undefined;
};

/**
 * The agent's pricer: the facade's pricing plugin for `prices` (gemloop's table when it is left
 * out); none for `prices: false`, nor in a config resolved without the facade's makers (a
 * test's): every cost is then unknown, never a guessed one. @internal
 */
export function resolvePricesOption(
  options: AgentOptions<unknown>,
  makers: DefaultPluginMakers,
): PricesConfig {
  const { prices } = options;
  if (prices === false || makers.pricing === undefined) {
    const why = prices === false ? 'pricing is off (prices: false)' : 'no pricer';
    const price: PriceModelCall = () => unknownCost(why);
    return { price, pricing: undefined, priceOnRead: true };
  }
  const { plugin, price, priceOnRead } = makers.pricing(prices);
  return { price, pricing: plugin as AgentPlugin, priceOnRead };
}
