// @gemloop/core/memory: long-term memory of many users as a plugin on the seam — stores (in
// memory, a JSON-lines file; Postgres in @gemloop/dbos), recall by meaning before a run's model
// calls, the remember/recall/forget tools, extraction after a run, and the APIs a user needs to
// see and delete what is remembered about them. See docs/long-term-memory.md.

// The types this entry's functions return, so a library that exports what it makes names them here.
export type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
export type { EmbeddingLengthSource } from '../embeddings/embedding-length-error.ts';
// A memory of another embedding model or size, found by a search (one error, one home).
export { EmbeddingLengthError } from '../embeddings/embedding-length-error.ts';
export type { FunctionTool } from '../tools/tool.ts';
export { MAX_MEMORY_TEXT, MAX_SCOPE_LENGTH } from './check-memory-input.ts';
export type { InMemoryStoreOptions } from './create-in-memory-store.ts';
export { createInMemoryStore } from './create-in-memory-store.ts';
export type { Memory, MemoryOptions, RecallOptions } from './create-memory.ts';
export { createMemory, DEFAULT_MIN_SCORE, DEFAULT_RECALL_LIMIT } from './create-memory.ts';
export type { VectorStoreOptions } from './create-vector-store.ts';
export { DEFAULT_MAX_MEMORIES_PER_SCOPE } from './create-vector-store.ts';
export type {
  VertexMemoryBankStore,
  VertexMemoryBankStoreOptions,
} from './create-vertex-memory-bank-store.ts';
export { createVertexMemoryBankStore } from './create-vertex-memory-bank-store.ts';
export type { ExtractMemoriesOptions } from './extract-memories.ts';
export { DEFAULT_EXTRACT_INSTRUCTIONS, extractMemories } from './extract-memories.ts';
export type { GeminiEmbedOptions, MemoryEmbed } from './gemini-embed.ts';
export { geminiEmbed } from './gemini-embed.ts';
export type { MemoryErrorOptions, MemoryOperation } from './memory-error.ts';
export { MemoryError } from './memory-error.ts';
export type { MemoryPluginOptions, MemoryRunState } from './memory-plugin.ts';
export { memoryPlugin } from './memory-plugin.ts';
export type {
  MemoryKind,
  MemoryPatch,
  MemoryQuery,
  MemoryRecord,
  NewMemory,
  ScoredMemory,
} from './memory-record.ts';
export type { MemoryStore } from './memory-store.ts';
export type { ForgetArgs, RecallArgs, RememberArgs } from './memory-tools.ts';
export { MEMORY_TOOL_NAMES, memoryTools } from './memory-tools.ts';
export { cosineSimilarity } from './rank-by-similarity.ts';
