import {
  type DeclaredOptions,
  defineOptions,
  describeValue,
  objectOption,
  oneOfOption,
} from '../options/define-options.ts';
import type { UsageMetadata } from '../wire/response.ts';
import { checkModelArgument, checkUsageArgument } from './check-model-argument.ts';
import { type Cost, unknownCost } from './cost.ts';
import {
  type EmbeddingPrice,
  type EmbeddingTier,
  knownEmbeddingPrices,
} from './known-embedding-prices.ts';
import { tokenCount as count, unusableTokenCount } from './token-count.ts';
import { picosPerToken, picosToDollars, type UsdPerMillion } from './usd.ts';

/** The token counts {@link embeddingCostOf} reads: an embedding answer's `usageMetadata`. */
export type EmbeddingCostUsage = Pick<UsageMetadata, 'promptTokenCount' | 'promptTokensDetails'>;

/** Options of {@link embeddingCostOf}. */
export type EmbeddingCostOptions = {
  /** `'batch'` for embeddings made through the Batch API (half the rates). @defaultValue `'standard'` */
  tier?: EmbeddingTier | undefined;
  /** Your rates, over gemloop's table ({@link knownEmbeddingPrices}). */
  price?: EmbeddingPrice | undefined;
};

// A misspelt `teir: 'batch'` priced at the standard rate, and a tier such as 'constructor' indexed
// Object.prototype (attack14): the options are declared and the table read by own keys.
const embeddingCostOptions: DeclaredOptions<EmbeddingCostOptions> =
  defineOptions<EmbeddingCostOptions>({
    name: 'embeddingCostOf',
    example: "{ tier: 'batch' }",
    checks: {
      tier: oneOfOption(['standard', 'batch']),
      price: objectOption(
        (path, value) =>
          `${path} must be an object of US dollars per 1M tokens by modality, such as { text: '0.15' }; got ${describeValue(value)}.`,
      ),
    },
  });

const RATE_OF: Record<string, keyof EmbeddingPrice> = {
  TEXT: 'text',
  IMAGE: 'image',
  AUDIO: 'audio',
  VIDEO: 'video',
};

/**
 * What an embedding call's usage cost, exact to the pico-dollar, all of it `input` (an embedding
 * has no output). Tokens are priced by modality from `usage.promptTokensDetails`; a count the API
 * does not split by modality is priced as text. A modality without a rate (a PDF's `DOCUMENT`
 * tokens: Google's page gives no rate), a model without a price, a count that is not a whole
 * number of tokens, or details that add up to more than `promptTokenCount` give an unknown cost,
 * with why, never a wrong number.
 * @throws {@link InvalidArgumentError} when `usage` is neither an object nor left out, `model` is
 * not a string, or an option is unknown or of the wrong kind.
 * @example embeddingCostOf({ promptTokenCount: 1000 }, 'gemini-embedding-2').total // '0.0002'
 */
export function embeddingCostOf(
  usage: EmbeddingCostUsage | undefined,
  model: string,
  options?: EmbeddingCostOptions,
): Cost {
  if (usage !== undefined) checkUsageArgument('embeddingCostOf', usage);
  checkModelArgument('embeddingCostOf', model);
  if (options !== undefined) embeddingCostOptions.check(options);
  const id = model.startsWith('models/') ? model.slice('models/'.length) : model;
  const tier = options?.tier ?? 'standard';
  const known = Object.hasOwn(knownEmbeddingPrices, id) ? knownEmbeddingPrices[id] : undefined;
  const price = options?.price ?? known?.[tier];
  if (price === undefined) {
    return unknownCost(`no embedding price for ${id} on the ${tier} tier; give one with price`);
  }
  const unusable = unusableTokenCount('promptTokenCount', usage?.promptTokenCount);
  if (unusable !== undefined) return unknownCost(unusable);
  const total = count(usage?.promptTokenCount);
  // The usage is the server's, passed on unchecked (read-embed-response.ts): details that are no
  // list, or an entry that is no object, are read as costOf reads them (as absent), never a
  // TypeError from in here (attack58b).
  const details = usage?.promptTokensDetails;
  let picos = 0n;
  let split = 0;
  for (const detail of Array.isArray(details) ? details : []) {
    if (detail === null || typeof detail !== 'object') continue;
    const reason = unusableTokenCount(
      `promptTokensDetails ${String(detail.modality)} tokenCount`,
      detail.tokenCount,
    );
    if (reason !== undefined) return unknownCost(reason);
    const tokens = count(detail.tokenCount);
    if (tokens === 0) continue;
    const key = RATE_OF[String(detail.modality)];
    const rate = key === undefined ? undefined : (price[key] as UsdPerMillion | undefined);
    if (rate === undefined) {
      return unknownCost(`no ${id} rate for ${String(detail.modality)} input tokens`);
    }
    picos += BigInt(tokens) * picosPerToken(rate, `price.${key}`);
    split += tokens;
  }
  // Details that add up to more than the count disagree with it. costOf clamps its audio to the
  // prompt count, but there it has one modality to cut; here, which modality's tokens were not
  // there is not known, and any cut would price a made-up mix: unknown. Without a count, the
  // details are all there is and are priced as they are.
  if (usage?.promptTokenCount != null && split > total) {
    return unknownCost(
      `the usage's promptTokensDetails count ${split} tokens, more than its promptTokenCount ${total}, so which of them it cost is unknown`,
    );
  }
  // What the details leave out (or all of it, without details) is text.
  picos += BigInt(Math.max(total - split, 0)) * picosPerToken(price.text, 'price.text');
  const dollars = picosToDollars(picos);
  return {
    currency: 'USD',
    total: dollars,
    input: dollars,
    cachedInput: '0',
    output: '0',
    thinking: '0',
  };
}
