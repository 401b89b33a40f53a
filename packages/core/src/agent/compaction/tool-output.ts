import { ArtifactWrites } from '../../compaction/artifact-store.ts';
import { isReadToolOutputTool } from '../../compaction/read-tool-output-tool.ts';
import { applyToolOutputBudget } from '../../compaction/tool-output-budget.ts';
import {
  type ToolOutputOptions,
  toolOutputOptionCheck,
} from '../../compaction/tool-output-options.ts';
import type { ToolOutput, ToolOutputEngine } from './tool-output-value.ts';

const engine: ToolOutputEngine = {
  apply: applyToolOutputBudget,
  isReadToolOutputTool,
  artifactWrites: (onFailed) => new ArtifactWrites(onFailed),
};

/**
 * A cap on what one tool result puts in the context, for the agent's `toolOutput` option: in
 * tokens or bytes, for the agent and per tool (see {@link ToolOutputOptions}). Past it the result
 * is cut and marked (`gemloopTruncated`), the whole one kept in `artifacts` for
 * `read_tool_output`. The value carries the budget's implementation, so an application that never
 * makes one does not bundle it.
 *
 * @example
 * ```ts
 * createAgent({ model, toolOutput: toolOutput({ maxTokens: 4_000, artifacts }) });
 * ```
 * @throws {@link InvalidArgumentError} when an option is malformed (named in the message).
 */
export function toolOutput(options: ToolOutputOptions): ToolOutput {
  toolOutputOptionCheck(options, 'toolOutput');
  return { kind: 'tool-output', options, engine };
}
