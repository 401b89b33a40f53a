import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { type Cost, unknownCost } from '../models/cost.ts';
import {
  LONG_CONTEXT_TOKENS,
  type ModelPrice,
  type PricesOption,
  type TokenPrices,
} from '../models/model-prices.ts';
import type { CostUsage } from '../models/pricer.ts';
import {
  tokenCountOrNaN as countOf,
  isUsableTokenCount,
  unusableTokenCount,
} from '../models/token-count.ts';
import {
  addPicos,
  type CostPicos,
  type Picos,
  picosPerToken,
  timesPicos,
  toPicos,
  type UsdPerMillion,
} from '../models/usd.ts';
import { writeCost } from '../models/write-cost.ts';
import type { ModalityTokenCount } from '../wire/response.ts';
import { knownPrices } from './known-prices.ts';

/**
 * The service tier a price is looked up under: `unspecified` (or none) is `standard`, as the API
 * documents ("Default service tier, which is standard", `@google/genai` 2.18.0 `ServiceTier`).
 */
function tierName(tier: string | undefined): string {
  return tier === undefined || tier === 'unspecified' || tier === '' ? 'standard' : tier;
}

/**
 * The price of `model` on `tier` (`standard` by default): from `prices` when it has one, else
 * from gemloop's table ({@link knownPrices}); `undefined` when unknown.
 * @example priceOf('gemini-2.5-flash', 'flex')?.input // '0.15'
 */
export function priceOf(
  model: string,
  tier?: string | undefined,
  prices?: PricesOption | undefined,
): ModelPrice | undefined {
  const id = model.startsWith('models/') ? model.slice('models/'.length) : model;
  const name = tierName(tier);
  if (typeof prices === 'function') {
    const own = prices(id, name);
    if (own === null) return undefined;
    if (own !== undefined) return own;
  } else if (prices !== undefined) {
    const own = Object.hasOwn(prices, id) ? prices[id] : undefined;
    if (own !== undefined && Object.hasOwn(own, name)) return own[name as keyof typeof own];
  }
  const known = Object.hasOwn(knownPrices, id) ? knownPrices[id] : undefined;
  return known !== undefined && Object.hasOwn(known, name)
    ? known[name as keyof typeof known]
    : undefined;
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
 * A count that is not a whole number of tokens gives an unknown cost naming it.
 *
 * @example costOf(result.usage, 'gemini-2.5-flash').total // '0.0001275'
 */
export function costOf(
  usage: CostUsage,
  model: string,
  tier?: string | undefined,
  prices?: PricesOption | undefined,
): Cost {
  return writeCost(costPicosOf(usage, model, tier, prices));
}

/**
 * {@link costOf} with a known cost left in pico-dollars, so a run adds it to its totals without
 * writing it out as dollars and parsing that back (`CostTotal.addPriced`); an unknown cost is the
 * {@link Cost} that says why.
 * @internal
 */
export function costPicosOf(
  usage: CostUsage,
  model: string,
  tier?: string | undefined,
  prices?: PricesOption | undefined,
): CostPicos | Cost {
  const prompt = countOf(usage.promptTokenCount);
  const cached = Math.min(countOf(usage.cachedContentTokenCount), prompt);
  const toolPrompt = countOf(usage.toolUsePromptTokenCount);
  const candidates = countOf(usage.candidatesTokenCount);
  const thoughts = countOf(usage.thoughtsTokenCount);
  const audio =
    modality(usage.promptTokensDetails, 'AUDIO') +
    modality(usage.toolUsePromptTokensDetails, 'AUDIO');
  const cachedAudioCount = modality(usage.cacheTokensDetails, 'AUDIO');
  // A count that cannot be priced is NaN, and so is any sum with it: read as 0, `-10` output
  // tokens cost $0, a known cost (attack58b). Named by a second look, only then.
  if (
    Number.isNaN(prompt + cached + toolPrompt + candidates + thoughts + audio + cachedAudioCount)
  ) {
    return unknownCost(
      unusableCountIn(usage) ?? 'a count of the usage is no whole number of tokens',
    );
  }
  if (prompt + toolPrompt + candidates + thoughts === 0) return ZERO_PICOS;
  const price = priceOf(model, tier, prices);
  if (price === undefined) {
    return unknownCost(
      `no price for ${model} on the ${tierName(tier)} tier; give one with the agent's prices option`,
    );
  }
  const rates: TokenPrices =
    prompt > LONG_CONTEXT_TOKENS && price.longContext !== undefined ? price.longContext : price;
  const cachedAudio = Math.min(cachedAudioCount, cached);
  const uncachedAudio = Math.min(Math.max(audio - cachedAudio, 0), prompt + toolPrompt - cached);
  const audioApart = rates.audioInput !== undefined;
  try {
    const input = ratePicos(rates.input, 'input');
    const output = ratePicos(rates.output, 'output');
    const audioRate = audioApart ? rate(rates.audioInput, uncachedAudio, 'audio input') : input;
    const cachedRate = rate(
      rates.cachedInput,
      cached - (audioApart ? cachedAudio : 0),
      'cached input',
    );
    const cachedAudioRate = audioApart
      ? rate(rates.cachedAudioInput, cachedAudio, 'cached audio input')
      : cachedRate;
    // In numbers while they are safe integers, in bigints past 2^53, exactly (see `Picos`).
    const uncached = prompt + toolPrompt - cached;
    const inputPicos = audioApart
      ? addPicos(timesPicos(uncached - uncachedAudio, input), timesPicos(uncachedAudio, audioRate))
      : timesPicos(uncached, input);
    const cachedPicos = audioApart
      ? addPicos(
          timesPicos(cached - cachedAudio, cachedRate),
          timesPicos(cachedAudio, cachedAudioRate),
        )
      : timesPicos(cached, cachedRate);
    const outputPicos = timesPicos(candidates, output);
    const thinkingPicos = timesPicos(thoughts, output);
    return {
      total: addPicos(addPicos(inputPicos, cachedPicos), addPicos(outputPicos, thinkingPicos)),
      input: inputPicos,
      cachedInput: cachedPicos,
      output: outputPicos,
      thinking: thinkingPicos,
    };
  } catch (error) {
    if (error instanceof UnknownRate) {
      return unknownCost(
        `no ${error.kind} price for ${model} on the ${tierName(tier)} tier; give one with the agent's prices option`,
      );
    }
    // A table is checked where it is given (createAgent); a function's price only here, after the
    // call was made and billed. Failing then would lose the answer: the cost is unknown instead,
    // which a budget counts as over.
    if (typeof prices === 'function' && InvalidArgumentError.isInstance(error)) {
      return unknownCost(
        `the prices function's price for ${model} on the ${tierName(tier)} tier is not usable: ${error.message}`,
      );
    }
    throw error;
  }
}

/** Nothing used, nothing spent (shared: never written to). */
const ZERO_PICOS: CostPicos = Object.freeze({
  total: 0,
  input: 0,
  cachedInput: 0,
  output: 0,
  thinking: 0,
});

class UnknownRate extends Error {
  readonly kind: string;
  constructor(kind: string) {
    super(kind);
    this.kind = kind;
  }
}

/** A rate that matters only when `tokens` were used: unknown then is an unknown cost. */
function rate(price: TokenPrices['cachedInput'], tokens: number, kind: string): Picos {
  if (price === undefined || price === null) {
    if (tokens > 0) throw new UnknownRate(kind);
    return 0;
  }
  return ratePicos(price, kind);
}

// why (cache): a pure function of the price as written, bounded.
/**
 * Parsed prices, by the price as written (`'0.30'`, `0.3`): a table has a few dozen, and every
 * step of every run prices its call with the same ones. Bounded: a `prices` function that makes
 * up new prices each call stops being remembered past the limit, and is parsed each time.
 */
const parsedPrices = new Map<UsdPerMillion, Picos>();
const MAX_PARSED_PRICES = 1024;

function ratePicos(price: UsdPerMillion, kind: string): Picos {
  let picos = parsedPrices.get(price);
  if (picos === undefined) {
    picos = toPicos(picosPerToken(price, kind));
    if (parsedPrices.size < MAX_PARSED_PRICES) parsedPrices.set(price, picos);
  }
  return picos;
}

function modality(details: ModalityTokenCount[] | undefined, name: string): number {
  if (!Array.isArray(details)) return 0;
  let total = 0;
  for (const entry of details) {
    if (entry !== null && typeof entry === 'object' && entry.modality === name) {
      total += countOf(entry.tokenCount);
    }
  }
  return total;
}

const COUNTED = [
  'promptTokenCount',
  'cachedContentTokenCount',
  'toolUsePromptTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
] as const;
const DETAILED = [
  'promptTokensDetails',
  'toolUsePromptTokensDetails',
  'cacheTokensDetails',
] as const;

/**
 * Why a count {@link costPicosOf} prices cannot be priced (see `unusableTokenCount`), or
 * `undefined`. Of the per-modality details only the audio entries are priced, so only they are
 * looked at; a details field that is no list, or an entry that is no object, stays read as absent.
 */
function unusableCountIn(usage: CostUsage): string | undefined {
  for (const field of COUNTED) {
    if (!isUsableTokenCount(usage[field])) return unusableTokenCount(field, usage[field]);
  }
  for (const field of DETAILED) {
    const details: unknown = usage[field];
    if (!Array.isArray(details)) continue;
    for (const entry of details as unknown[]) {
      if (entry === null || typeof entry !== 'object') continue;
      const { modality: name, tokenCount } = entry as ModalityTokenCount;
      if (name !== 'AUDIO' || isUsableTokenCount(tokenCount)) continue;
      return unusableTokenCount(`${field} AUDIO tokenCount`, tokenCount);
    }
  }
  return undefined;
}
