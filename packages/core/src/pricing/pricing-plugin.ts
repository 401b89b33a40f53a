import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { type Cost, unknownCost } from '../models/cost.ts';
import type { PricesOption } from '../models/model-prices.ts';
import type { CostUsage, PriceModelCall, Pricer } from '../models/pricer.ts';
import { LoadOnce } from '../shared/load-once.ts';
import { checkPrices } from './check-prices.ts';

type CostOfModule = typeof import('./cost-of.ts');

// gemloop's price table and the pricing rules load with the loop, not with `import
// '@gemloop/core'` (the root import stays cheap: cold import is a bench target). Every run loads
// the loop first (`preloadPricing` beside it in create-agent.ts), so a model call finds it loaded.
const pricingCode = new LoadOnce((): Promise<CostOfModule> => import('./cost-of.ts'));

/**
 * Loads the pricing plugin's code (with the loop, by an agent's first run; `estimateRun` before
 * it prices).
 * @internal
 */
export function preloadPricing(): Promise<unknown> {
  return pricingCode.load();
}

/**
 * gemloop's pricing plugin as an agent lists it (`agent.plugins`): its name, its prices, and its
 * `price`, which a pricer of your own may call to fall back to gemloop's during a run (the table
 * loads with an agent's first run; outside a run, use `costOf`).
 */
export type PricingPlugin = Pricer & {
  readonly name: 'pricing';
  /** The `prices` option as given (over gemloop's table); `undefined`: gemloop's table alone. */
  readonly prices: PricesOption | undefined;
};

/**
 * What an agent's `prices` option makes: the plugin `agent.plugins` lists, and the function the
 * loop prices each model call with (`AgentConfig.price`).
 * @internal
 */
export type ResolvedPricing = {
  readonly plugin: Pricer;
  readonly price: PriceModelCall;
  /**
   * Whether a call may be priced when its cost is first read: gemloop's table, or a table of
   * the option's over it (read then); never a lookup function or a pricer of the user's, which are
   * called as each call ends.
   */
  readonly priceOnRead: boolean;
};

/**
 * The pricing of an agent, from its `prices` option (sugar for a plugin every agent has by
 * default): gemloop's `pricing` plugin with the option's table or lookup over gemloop's table, or
 * the option's own {@link Pricer}. `false` is handled by the config (no plugin at all).
 *
 * gemloop's plugin prices in pico-dollars (`costPicosOf`: the run's totals add them as they are);
 * a pricer of the user's is guarded, so that a throw or an answer that is not a cost makes that
 * call's cost unknown rather than failing a call already made and billed.
 *
 * @throws {@link InvalidArgumentError} naming the price at fault (`prices['my-model'].standard.input`),
 *   or a pricer without a name.
 * @internal
 */
export function resolvePricing(prices: PricesOption | Pricer | undefined): ResolvedPricing {
  if (isPricer(prices)) return { plugin: prices, price: guardedPrice(prices), priceOnRead: false };
  if (prices !== undefined) checkPrices(prices, 'prices');
  const price: PriceModelCall = (usage, model, tier) =>
    (pricingCode.value ?? notLoaded()).costPicosOf(usage, model, tier, prices);
  const plugin: PricingPlugin = Object.freeze({
    name: 'pricing' as const,
    prices,
    // `costOf` is `costPicosOf` written as dollars: taken from the loaded code, `write-cost.ts` is
    // not among the modules the root import loads (index.static-imports.test.ts's ceiling).
    price: (usage: CostUsage, model: string, tier: string | undefined) =>
      (pricingCode.value ?? notLoaded()).costOf(usage, model, tier, prices),
  });
  return { plugin, price, priceOnRead: typeof prices !== 'function' };
}

/** A `prices` value that is a pricer (a table's values are objects, never functions). */
function isPricer(value: unknown): value is Pricer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { price?: unknown }).price === 'function'
  );
}

/**
 * A user's pricer as the loop calls it: its name checked once here, and each call's answer taken
 * as a cost when it is one (`currency: 'USD'`); amounts that are not dollar decimals make the run's
 * sums unknown where they are added (`CostTotal`), as a stored cost's do.
 */
function guardedPrice(pricer: Pricer): PriceModelCall {
  const { name } = pricer;
  if (typeof name !== 'string' || name === '' || name.length > 80) {
    throw new InvalidArgumentError({
      argument: 'prices.name',
      message: 'prices.name must be a name of 1 to 80 characters (agent.plugins lists it).',
    });
  }
  return (usage, model, tier) => {
    let cost: Cost | undefined;
    try {
      cost = pricer.price(usage, model, tier);
    } catch (error) {
      // The call was made and billed: failing now would lose its answer. Only the error's class
      // is kept: a cost is recorded, spanned and shown, and a thrown message may hold anything.
      return unknownCost(`the pricer "${name}" threw ${errorName(error)}`);
    }
    return typeof cost === 'object' && cost !== null && cost.currency === 'USD'
      ? cost
      : unknownCost(`the pricer "${name}" answered no cost`);
  };
}

function errorName(error: unknown): string {
  return (error instanceof Error ? String(error.name) : typeof error).slice(0, 40);
}

/** A call priced before the code loaded: every run loads it with the loop, so this is a bug. */
function notLoaded(): never {
  throw new Error('gemloop pricing is not loaded: a run loads it (use costOf outside a run)');
}
