import {
  checkModelArgument,
  checkTierArgument,
  checkUsageArgument,
} from '../models/check-model-argument.ts';
import type { Cost } from '../models/cost.ts';
import type { ModelPrice, PricesOption } from '../models/model-prices.ts';
import type { CostUsage } from '../models/pricer.ts';
import { checkPrices } from './check-prices.ts';
import { costOf as costOfChecked, priceOf as priceOfChecked } from './cost-of.ts';

// The public faces of `cost-of.ts` (`@gemloop/core/models`): the same prices, with the arguments
// checked. A run's steps call `cost-of.ts` itself, whose model, tier and prices the agent checked
// when it was made: no check per step, and none of this in the agent app's bundle. Before these,
// `priceOf(5)` was a bare TypeError, and `prices` of the wrong type (5, a table whose price is 5)
// was taken as "none" and Google's list price used without a word (attack14).

/**
 * The price of `model` on `tier` (`standard` by default): from `prices` when it has one, else
 * from gemloop's table ({@link knownPrices}); `undefined` when unknown.
 * @throws {@link InvalidArgumentError} when `model` is not a string, `tier` not a string, or
 * `prices` neither a price table nor a function (naming the price at fault).
 * @example priceOf('gemini-2.5-flash', 'flex')?.input // '0.15'
 */
export function priceOf(
  model: string,
  tier?: string | undefined,
  prices?: PricesOption | undefined,
): ModelPrice | undefined {
  checkArguments('priceOf', model, tier, prices);
  return priceOfChecked(model, tier, prices);
}

/**
 * What `usage` cost on `model` and `tier` (the tier that served the call: `step.serviceTier`;
 * `standard` when none is given), at the prices of `prices` over gemloop's table. Pure.
 *
 * How Gemini bills (ai.google.dev/gemini-api/docs/pricing, and the `UsageMetadata` reference at
 * ai.google.dev/api/generate-content): `promptTokenCount` includes the cached tokens, which are
 * billed at the cached rate, the rest at the input rate; `toolUsePromptTokenCount` is input too;
 * `thoughtsTokenCount` is billed at the output rate ("Output price (including thinking tokens)");
 * a prompt over 200k tokens takes the long-context rates where the model has them; audio input
 * (`promptTokensDetails` modality `AUDIO`) takes the audio rate where Google prices it apart.
 * An absent or `null` count is none; a count that is not a whole number of tokens (`"10"`, `-10`,
 * `1e300`, `NaN`, from a gateway or a usage built by hand) gives an unknown cost naming the count,
 * never the cost of none.
 *
 * @throws {@link InvalidArgumentError} when `usage` is not an object, `model` or `tier` not a
 * string, or `prices` neither a price table nor a function (naming the price at fault).
 * @example costOf(result.usage, 'gemini-2.5-flash').total // '0.0001275'
 */
export function costOf(
  usage: CostUsage,
  model: string,
  tier?: string | undefined,
  prices?: PricesOption | undefined,
): Cost {
  checkUsageArgument('costOf', usage);
  checkArguments('costOf', model, tier, prices);
  return costOfChecked(usage, model, tier, prices);
}

function checkArguments(fn: string, model: unknown, tier: unknown, prices: unknown): void {
  checkModelArgument(fn, model);
  checkTierArgument(fn, tier);
  if (prices !== undefined) checkPrices(prices, 'prices');
}
