import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { PricesOption } from '../models/model-prices.ts';
import { picosPerToken } from '../models/usd.ts';

const TIERS = new Set(['standard', 'flex', 'priority', 'batch']);
const RATES = ['input', 'cachedInput', 'output', 'audioInput', 'cachedAudioInput'] as const;

/**
 * Checks a `prices` option (a table or a function) once, where it is given, so a bad price fails
 * the agent's creation with its path, not a run later.
 * @throws {@link InvalidArgumentError} naming the price at fault and the shape expected.
 * @internal
 */
export function checkPrices(value: unknown, path: string): asserts value is PricesOption {
  if (typeof value === 'function') return;
  const fail = (at: string, what: string): never => {
    throw new InvalidArgumentError({
      argument: at,
      message: `${at} ${what}. prices is a function (model, tier) => price, or a table such as { 'my-model': { standard: { input: '0.30', output: '2.50', cachedInput: '0.03', source: 'https://...', checked: '2026-11-23' } } } (US dollars per 1M tokens).`,
    });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(path, 'must be a price table or a function');
    return;
  }
  for (const [model, tiers] of Object.entries(value)) {
    const at = `${path}['${model}']`;
    if (tiers === null || typeof tiers !== 'object' || Array.isArray(tiers)) {
      fail(at, 'must be an object of prices by service tier (standard, flex, priority, batch)');
    }
    for (const [tier, price] of Object.entries(tiers as object)) {
      if (!TIERS.has(tier))
        fail(`${at}.${tier}`, 'is not a service tier (standard, flex, priority, batch)');
      checkModelPrice(price, `${at}.${tier}`, fail);
    }
  }
}

function checkModelPrice(
  price: unknown,
  at: string,
  fail: (at: string, what: string) => never,
): void {
  if (price === null || typeof price !== 'object') {
    fail(at, 'must be a price object');
    return;
  }
  const record = price as Record<string, unknown>;
  for (const key of ['input', 'output'] as const) {
    if (record[key] === undefined || record[key] === null) fail(`${at}.${key}`, 'is required');
  }
  for (const key of RATES) {
    const rate = record[key];
    if (rate !== undefined && rate !== null) picosPerToken(rate as string, `${at}.${key}`);
  }
  const long = record['longContext'];
  if (long !== undefined) checkModelPrice(long, `${at}.longContext`, fail);
}
