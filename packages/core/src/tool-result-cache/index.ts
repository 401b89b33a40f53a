// @gemloop/core/tool-result-cache: a plugin that serves read tools' results again instead of
// running them, invalidated by write tools (see docs/loops-that-dont-waste.md).

// The types this entry's functions return, so a library that exports what it makes names them here.
export type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
export {
  createMemoryToolResultStore,
  DEFAULT_MEMORY_TOOL_RESULT_ENTRIES,
  DEFAULT_TOOL_RESULT_ENTRY_BYTES,
  type MemoryToolResultStoreOptions,
} from './create-memory-tool-result-store.ts';
export {
  type ReadEffect,
  type ToolEffect,
  type ToolResultCacheOptions,
  type ToolResultCacheScope,
  toolResultCache,
  type WriteEffect,
} from './tool-result-cache.ts';
export {
  ToolResultCacheError,
  type ToolResultCacheRefusal,
  type ToolResultStoreOperation,
} from './tool-result-cache-error.ts';
export type {
  ToolResultEntry,
  ToolResultInvalidation,
  ToolResultStore,
} from './tool-result-store.ts';
