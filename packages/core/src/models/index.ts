// @gemloop/core/models: what gemloop knows about Gemini models without asking the API (thinking,
// tools and media each supports; the smallest prompt an explicit cache accepts; context windows;
// prices and what a call cost).

export { knownPrices } from '../pricing/known-prices.ts';
export type { PricingPlugin } from '../pricing/pricing-plugin.ts';
export { costOf, priceOf } from '../pricing/public-cost-of.ts';
export { addCosts } from './add-costs.ts';
export type { ContextWindowOptions } from './context-window-of.ts';
export { contextWindowOf } from './context-window-of.ts';
export type { Cost } from './cost.ts';
export { unknownCost } from './cost.ts';
export { CostTotal } from './cost-total.ts';
export type { EmbeddingCostOptions, EmbeddingCostUsage } from './embedding-cost-of.ts';
export { embeddingCostOf } from './embedding-cost-of.ts';
export type { EmbeddingPrice, EmbeddingTier } from './known-embedding-prices.ts';
export { knownEmbeddingPrices } from './known-embedding-prices.ts';
export type { KnownModel, KnownThinkingLevel } from './known-model.ts';
export { findKnownModel, knownModels } from './known-models.ts';
export { getMinCacheTokens } from './min-cache-tokens.ts';
export type { ModelCapabilities } from './model-capabilities.ts';
export { getModelCapabilities } from './model-capabilities.ts';
export type {
  ModelPrice,
  ModelTierPrices,
  PricedTier,
  PriceLookup,
  PricesOption,
  PriceTable,
  TokenPrices,
} from './model-prices.ts';
export { LONG_CONTEXT_TOKENS } from './model-prices.ts';
export type { CostUsage, Pricer } from './pricer.ts';
export type { UsdPerMillion } from './usd.ts';
