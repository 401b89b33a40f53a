// @gemloop/core/models: what gemloop knows about Gemini models without asking the API (thinking,
// tools and media each supports; the smallest prompt an explicit cache accepts).

export type { KnownModel, KnownThinkingLevel } from './known-models.ts';
export { findKnownModel, knownModels } from './known-models.ts';
export { getMinCacheTokens } from './min-cache-tokens.ts';
export type { ModelCapabilities } from './model-capabilities.ts';
export { getModelCapabilities } from './model-capabilities.ts';
