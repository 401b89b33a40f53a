// @gemloop/core/fallback: model fallback mid-loop, a plugin on the seam of @gemloop/core/plugins.

// The types this entry's functions return, so a library that exports what it makes names them here.
export type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
export type { FallbackTrigger } from './fallback-trigger.ts';
export {
  type ModelFallbackEvent,
  type ModelFallbackOptions,
  modelFallback,
} from './model-fallback.ts';
