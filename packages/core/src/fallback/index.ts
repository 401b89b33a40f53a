// @gemloop/core/fallback: model fallback mid-loop, a plugin on the seam of @gemloop/core/plugins.

export type { FallbackTrigger } from './fallback-trigger.ts';
export {
  type ModelFallbackEvent,
  type ModelFallbackOptions,
  modelFallback,
} from './model-fallback.ts';
