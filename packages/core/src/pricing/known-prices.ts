import { freezeDeep } from '../models/freeze-deep.ts';
import type {
  ModelPrice,
  ModelTierPrices,
  PriceTable,
  TokenPrices,
} from '../models/model-prices.ts';
import { picosPerToken, picosToDollars } from '../models/usd.ts';

/*
 * Gemini Developer API prices, US dollars per 1M tokens. Google's page is the authority
 * (ai.google.dev/gemini-api/docs/pricing: "Output price (including thinking tokens)", audio input
 * priced apart on Flash models, "prompts <= 200k tokens" / "> 200k tokens" on Pro models); the
 * rows were cross-checked against models.dev (anomalyco/models.dev providers/google/models/*.toml,
 * each citing that page) and the verbatim harvest of the page in
 * api-evangelist/deepmind plans/deepmind-plans-pricing.yml (read 2026-10-07). Vertex AI bills the
 * same models by its own page; pass `prices` there when it differs.
 *
 * Flex and Batch: half the standard rates ("Batch API (50% cost reduction)" on the pricing page;
 * Flex "50% price reduction compared to standard rates", Google's 2026-04-02 service-tier
 * announcement). Their cached-input rates are not halved by any source read, so they are left
 * unknown. Priority is priced "75-100% above standard" with no exact rate per model in the sources
 * read, so it is unknown: a priority call gets an unknown cost unless `prices` gives one.
 */

const PAGE = 'ai.google.dev/gemini-api/docs/pricing';
const MODELS_DEV = 'anomalyco/models.dev providers/google/models';
const HARVEST =
  'api-evangelist/deepmind plans/deepmind-plans-pricing.yml (page harvest 2026-10-07)';
const CHECKED = '2026-11-23';
const BATCH_SOURCE = `${PAGE} ("Batch API (50% cost reduction)")`;
const FLEX_SOURCE =
  'Google\'s 2026-04-02 Gemini API service tiers announcement, as reported by circlo.io/?p=93623 ("Flex tier provides 50% cost reduction")';

function standard(prices: TokenPrices & { longContext?: TokenPrices }, source: string): ModelPrice {
  return { ...prices, source, checked: CHECKED };
}

/** Half a price, exactly (every shipped rate has an even number of pico-dollars per token). */
function half(price: TokenPrices[keyof TokenPrices]): string | null | undefined {
  if (price === null || price === undefined) return price;
  const picos = picosPerToken(price, 'price');
  return picosToDollars((picos / 2n) * 1_000_000n);
}

function halved(prices: TokenPrices, source: string): ModelPrice {
  const result: ModelPrice = {
    input: half(prices.input) as string,
    output: half(prices.output) as string,
    cachedInput: null,
    source,
    checked: CHECKED,
  };
  if (prices.audioInput !== undefined) result.audioInput = half(prices.audioInput);
  return result;
}

function tiers(price: ModelPrice): ModelTierPrices {
  const discounted = (source: string): ModelPrice => {
    const result = halved(price, `${source}; standard: ${price.source}`);
    if (price.longContext !== undefined) {
      result.longContext = { ...halved(price.longContext, source), cachedInput: null };
    }
    return result;
  };
  return { standard: price, flex: discounted(FLEX_SOURCE), batch: discounted(BATCH_SOURCE) };
}

const PRO_200K = (input: string, output: string, cached: string, long: TokenPrices) =>
  ({ input, output, cachedInput: cached, longContext: long }) satisfies TokenPrices & {
    longContext: TokenPrices;
  };

/**
 * The prices gemloop ships, per model and tier, each with its source and the date it was checked.
 * Models not listed (aliases such as `gemini-flash-latest`, image models, Gemma) have an unknown
 * price; give yours with the agent's `prices` option. Frozen, rows and prices too: `priceOf`
 * hands them out, and one changed by a caller would change every later cost in the process.
 */
export const knownPrices: PriceTable = freezeDeep({
  'gemini-3.8-flash': tiers(
    standard(
      { input: '0.75', output: '3.75', cachedInput: '0.075', audioInput: '0.75' },
      `${PAGE}#gemini-3.8-flash ("$0.75 through December 31, 2026", output "$3.75"; $1.50 / $7.50 from 2027-01-01); ${HARVEST}; ${MODELS_DEV}/gemini-3.8-flash.toml`,
    ),
  ),
  'gemini-3.7-flash': tiers(
    standard(
      { input: '1.50', output: '7.50', cachedInput: '0.15', audioInput: '1.50' },
      `${PAGE}; ${MODELS_DEV}/gemini-3.7-flash.toml`,
    ),
  ),
  'gemini-3.6-flash': tiers(
    standard(
      { input: '0.75', output: '3.75', cachedInput: '0.075', audioInput: '0.75' },
      `${PAGE}#gemini-3.6-flash (introductory standard price through 2026-12-31); ${MODELS_DEV}/gemini-3.6-flash.toml`,
    ),
  ),
  'gemini-3.5-flash': tiers(
    standard(
      { input: '1.50', output: '9.00', cachedInput: '0.15', audioInput: '1.50' },
      `${PAGE} (Gemini 3.5 Flash input "$1.50", output "$9.00"); ${HARVEST}; ${MODELS_DEV}/gemini-3.5-flash.toml`,
    ),
  ),
  'gemini-3.1-pro-preview': tiers(
    standard(
      PRO_200K('2.00', '12.00', '0.20', { input: '4.00', output: '18.00', cachedInput: '0.40' }),
      `${PAGE} ("$2.00, prompts <= 200k tokens", "$4.00, prompts > 200k tokens", output "$12.00" / "$18.00"); ${HARVEST}; ${MODELS_DEV}/gemini-3.1-pro-preview.toml`,
    ),
  ),
  'gemini-3.1-flash-lite': tiers(
    standard(
      { input: '0.25', output: '1.50', cachedInput: '0.025', audioInput: null },
      `${PAGE}; ${MODELS_DEV}/gemini-3.1-flash-lite.toml (no audio rate found: audio input unknown)`,
    ),
  ),
  'gemini-3-pro-preview': tiers(
    standard(
      PRO_200K('2.00', '12.00', '0.20', { input: '4.00', output: '18.00', cachedInput: '0.40' }),
      `${PAGE}; ${MODELS_DEV}/gemini-3-pro-preview.toml`,
    ),
  ),
  'gemini-3-flash-preview': tiers(
    standard(
      { input: '0.50', output: '3.00', cachedInput: '0.05', audioInput: '1.00' },
      `${PAGE} ("$0.50 (text / image / video) $1.00 (audio)", "Output price (including thinking tokens) $3.00", caching "$0.05 (text / image / video)", quoted by factquire.com 2026-07-04); ${MODELS_DEV}/gemini-3-flash-preview.toml`,
    ),
  ),
  'gemini-2.5-pro': tiers(
    standard(
      PRO_200K('1.25', '10.00', '0.125', { input: '2.50', output: '15.00', cachedInput: '0.25' }),
      `${PAGE} ("$1.25, prompts <= 200k tokens", "$2.50, prompts > 200k tokens"); ${HARVEST}; ${MODELS_DEV}/gemini-2.5-pro.toml`,
    ),
  ),
  'gemini-2.5-flash': tiers(
    standard(
      { input: '0.30', output: '2.50', cachedInput: '0.03', audioInput: '1.00' },
      `${PAGE} ("$0.30 (text / image / video)", "$1.00 (audio)"); ${HARVEST}; ${MODELS_DEV}/gemini-2.5-flash.toml`,
    ),
  ),
  'gemini-2.5-flash-lite': tiers(
    standard(
      { input: '0.10', output: '0.40', cachedInput: '0.01', audioInput: '0.30' },
      `${PAGE} (Flash-Lite output "$0.40"); ${HARVEST}; ${MODELS_DEV}/gemini-2.5-flash-lite.toml`,
    ),
  ),
});
