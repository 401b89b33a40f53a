import type { ArtifactWrites } from '../../compaction/artifact-store.ts';
import type { isReadToolOutputTool } from '../../compaction/read-tool-output-tool.ts';
import type { applyToolOutputBudget } from '../../compaction/tool-output-budget.ts';
import type { ToolOutputOptions } from '../../compaction/tool-output-options.ts';

/**
 * The value of the agent's `toolOutput` option: made by `toolOutput()` of
 * `@gemloop/core/compaction`, it carries the budget's options and its implementation (the cut,
 * the marker, the artifact writes), so an agent without a tool output budget never loads (nor
 * bundles) them: the tool calls reach them only through this value.
 */
export type ToolOutput = {
  readonly kind: 'tool-output';
  /** The options it was made from (checked). */
  readonly options: ToolOutputOptions;
  /** The implementation the tool calls use (a {@link ToolOutputEngine}; opaque here). @internal */
  readonly engine: object;
};

/** What the tool calls call to apply a `toolOutput` budget. @internal */
export type ToolOutputEngine = {
  /** Cuts one function response to its limit (compaction/tool-output-budget.ts). */
  readonly apply: typeof applyToolOutputBudget;
  /** Whether a tool is `read_tool_output` (its slices are never cut again). */
  readonly isReadToolOutputTool: typeof isReadToolOutputTool;
  /** The artifact writes of one step's results, awaited before the history naming them is sent. */
  readonly artifactWrites: (onFailed: (error: unknown, id: string) => void) => ArtifactWrites;
};

/** Whether `value` is a {@link ToolOutput} made by `toolOutput()`. @internal */
export function isToolOutput(value: unknown): value is ToolOutput {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, options, engine } = value as Partial<Record<keyof ToolOutput, unknown>>;
  return (
    kind === 'tool-output' &&
    typeof options === 'object' &&
    options !== null &&
    typeof engine === 'object' &&
    engine !== null
  );
}
