import type { UsageMetadata } from '../wire/response.ts';
import type { Cost } from './cost.ts';
import type { CostPicos } from './usd.ts';

/** The token counts a price is applied to: a response's `usageMetadata`, or an agent's usage. */
export type CostUsage = Pick<
  UsageMetadata,
  | 'promptTokenCount'
  | 'candidatesTokenCount'
  | 'thoughtsTokenCount'
  | 'toolUsePromptTokenCount'
  | 'cachedContentTokenCount'
  | 'promptTokensDetails'
  | 'cacheTokensDetails'
  | 'toolUsePromptTokensDetails'
>;

/**
 * What prices an agent's model calls: every step's `cost`, a failed call's billed usage, a
 * summary's and a tool's own calls, the run's and the tree's cost meters, the model-call span's
 * cost. Every agent has one, listed in `agent.plugins`: gemloop's `pricing` plugin (its table, or
 * the `prices` option's table or lookup over it) unless the agent's `prices` option is a pricer
 * of your own (a gateway's price list, a contract's rates, a cost in another currency's
 * dollars), or `false` (no pricer: every cost is unknown).
 *
 * `price` is called once per model call, synchronously, after the call; it must not throw (a
 * throw, or a value that is not a {@link Cost}, makes that call's cost unknown, naming the
 * pricer). Return an unknown cost (`total: null`, `unknown: why`) when you cannot price a call:
 * budgets count an unknown cost as over.
 *
 * @example
 * ```ts
 * const gatewayPricing: Pricer = {
 *   name: 'gateway-pricing',
 *   price: (usage, model, tier) => costOf(usage, model, tier, gatewayPrices),
 * };
 * createAgent({ gemini, model, prices: gatewayPricing });
 * ```
 */
export interface Pricer {
  /** How `agent.plugins` and an unknown cost's reason name it. */
  readonly name: string;
  /**
   * What one model call cost.
   * @param usage - the call's `usageMetadata` (estimated when the server reported none).
   * @param model - the model that served the call (`step.model`, else the agent's).
   * @param tier - the service tier that served it (`step.serviceTier`), else the one asked for;
   *   `undefined` when neither says (the standard tier).
   */
  price(usage: CostUsage, model: string, tier: string | undefined): Cost;
}

/**
 * What the loop calls to price a model call (`AgentConfig.price`): a {@link Pricer}'s `price`, or
 * gemloop's own, which leaves a known cost in pico-dollars so that the run's totals add it
 * without writing it out as dollars and parsing that back (`CostTotal.addPriced`).
 * @internal
 */
export type PriceModelCall = (
  usage: CostUsage,
  model: string,
  tier: string | undefined,
) => CostPicos | Cost;
