import type { UsdPerMillion } from './usd.ts';

/**
 * What one service tier of one model costs, in US dollars per 1M tokens (see {@link UsdPerMillion}).
 * A rate left out (or `null`) is unknown: a call that used tokens of that kind gets an unknown
 * cost, never a guessed one.
 */
export type TokenPrices = {
  /** Uncached input tokens (text, image, video; and audio unless `audioInput` says otherwise). */
  input: UsdPerMillion;
  /** Input tokens served from a context cache (`cachedContentTokenCount`). */
  cachedInput?: UsdPerMillion | null | undefined;
  /** Output tokens, thinking tokens included: Gemini bills thoughts as output. */
  output: UsdPerMillion;
  /**
   * Uncached audio input tokens, where Google prices them apart. Left out: audio costs `input`;
   * `null`: unknown.
   */
  audioInput?: UsdPerMillion | null | undefined;
  /** Cached audio input tokens, where audio is priced apart. Left out or `null`: unknown. */
  cachedAudioInput?: UsdPerMillion | null | undefined;
};

/** The price of one model on one service tier, with where it was read. */
export type ModelPrice = TokenPrices & {
  /**
   * The rates of a prompt over {@link LONG_CONTEXT_TOKENS} tokens (`promptTokenCount`), for models
   * Google prices higher there; they apply to the whole call.
   */
  longContext?: TokenPrices | undefined;
  /** Where the price was read (a URL and what it says). */
  source: string;
  /** When, `YYYY-MM-DD`. */
  checked: string;
};

/** A service tier gemloop prices: the request's `serviceTier` values, and the Batch API. */
export type PricedTier = 'standard' | 'flex' | 'priority' | 'batch';

/** A model's price per service tier; a tier left out is unknown. */
export type ModelTierPrices = Partial<Record<PricedTier, ModelPrice>>;

/** Prices by model id (`gemini-2.5-flash`, no `models/`). */
export type PriceTable = Readonly<Record<string, ModelTierPrices>>;

/**
 * A price lookup of your own (a gateway's, a contract's): the price of `model` on `tier`,
 * `undefined` to fall back to gemloop's table, `null` for "unknown" (no fallback).
 */
export type PriceLookup = (model: string, tier: string) => ModelPrice | null | undefined;

/**
 * Prices that replace gemloop's: a table (merged over gemloop's, model by model and tier by tier)
 * or a function. The agent's `prices` option.
 */
export type PricesOption = PriceTable | PriceLookup;

/** The prompt size above which long-context rates apply ("prompts > 200k tokens"). */
export const LONG_CONTEXT_TOKENS = 200_000;
