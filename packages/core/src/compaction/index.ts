// @gemloop/core/compaction: keeping long runs and chats inside the model's window. The agent's
// `compaction` and `toolOutput` options, the artifact store that keeps what they remove, the
// `read_tool_output` tool that reads it back, and the markers they write into a history.

export type { ArtifactStore } from './artifact-store.ts';
export { createMemoryArtifactStore, DEFAULT_MAX_ARTIFACT_BYTES } from './artifact-store.ts';
export { CLEARED_RESULT_KEY } from './clear-tool-results.ts';
export type { CompactionReport, CompactionTrace, SummarizerCall } from './compact-history.ts';
export type {
  CompactionDecision,
  CompactionOptions,
  CompactionProposal,
  ToolOutputOptions,
} from './compaction-options.ts';
export {
  DEFAULT_CLEAR_MIN_TOKENS,
  DEFAULT_COMPACTION_KEEP_RECENT,
  DEFAULT_COMPACTION_TARGET_FRACTION,
  DEFAULT_COMPACTION_WINDOW_FRACTION,
  DEFAULT_SUMMARY_PROMPT,
} from './compaction-options.ts';
export {
  DEFAULT_READ_TOOL_OUTPUT_CHARS,
  MAX_READ_TOOL_OUTPUT_CHARS,
  readToolOutputTool,
} from './read-tool-output-tool.ts';
export { isSummaryContent, SUMMARY_MARKER } from './summary-content.ts';
export type { ToolOutputLimit } from './tool-output-budget.ts';
export { TRUNCATED_RESULT_KEY } from './tool-output-budget.ts';
