// @gemloop/core/compaction: keeping long runs and chats inside the model's window. The agent's
// `compaction` and `toolOutput` options, the artifact store that keeps what they remove, the
// `read_tool_output` tool that reads it back, and the markers they write into a history.

// Thrown before a request that would pass the model's window even after every cut.
export { ContextWindowError } from '../agent/errors/context-window-error.ts';
// The default cap every agent applies without a `toolOutput` is the loop's own (a cheap check,
// not a plugin: see tools/responses/default-tool-output-limit.ts); its names are exported here.
export type { ToolOutputLimit } from '../tools/responses/cut-function-response.ts';
export { TRUNCATED_RESULT_KEY } from '../tools/responses/cut-function-response.ts';
export { DEFAULT_TOOL_OUTPUT_MAX_TOKENS } from '../tools/responses/default-tool-output-limit.ts';
// The types this entry's functions return, so a library that exports what it makes names them here.
export type { FunctionTool } from '../tools/tool.ts';
export type { ArtifactStore, MemoryArtifactStoreOptions } from './artifact-store.ts';
export { createMemoryArtifactStore, DEFAULT_MAX_ARTIFACT_BYTES } from './artifact-store.ts';
export { CLEARED_RESULT_KEY } from './clear-tool-results.ts';
export type { CompactionReport, CompactionTrace, SummarizerCall } from './compact-history.ts';
// compaction() makes the value of every `compaction` option (agent, run, chat session): sugar
// for a plugin (beforeModelCall) made for the agent holding the run, so an application that
// never calls it does not bundle it.
export { type Compaction, compaction } from './compaction.ts';
export type {
  CompactionDecision,
  CompactionOptions,
  CompactionProposal,
} from './compaction-options.ts';
export {
  DEFAULT_CLEAR_MIN_TOKENS,
  DEFAULT_COMPACTION_KEEP_RECENT,
  DEFAULT_COMPACTION_TARGET_FRACTION,
  DEFAULT_COMPACTION_WINDOW_FRACTION,
  DEFAULT_SUMMARY_PROMPT,
} from './compaction-options.ts';
export { COMPACTION_PLUGIN } from './compaction-plugin.ts';
export {
  DEFAULT_READ_TOOL_OUTPUT_CHARS,
  MAX_READ_TOOL_OUTPUT_CHARS,
  readToolOutputTool,
} from './read-tool-output-tool.ts';
export { isSummaryContent, SUMMARY_MARKER } from './summary-content.ts';
// toolOutput() makes the value of the agent's `toolOutput` option: sugar for a plugin
// (afterToolCall) the agent adds after its own plugins.
export { TOOL_OUTPUT_PLUGIN, type ToolOutput, toolOutput } from './tool-output.ts';
export type { ToolOutputOptions } from './tool-output-options.ts';
