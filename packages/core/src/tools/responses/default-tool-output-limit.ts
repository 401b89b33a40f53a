import type { ToolOutputLimit } from './cut-function-response.ts';

/**
 * The most tokens one tool result puts in the context when the agent sets no `toolOutput`:
 * 25,000 (about 100,000 characters), Claude Code's default cap on an MCP tool's output
 * (`MAX_MCP_OUTPUT_TOKENS`, https://code.claude.com/docs/en/mcp). Past it the result is cut and
 * marked (`gemloopTruncated`). A tenth of a smaller window is the cap on a model whose window the
 * table knows to be under 250,000 tokens (never under 8,192).
 */
export const DEFAULT_TOOL_OUTPUT_MAX_TOKENS = 25_000;

/**
 * The least the default cap allows, whatever the window: a `read_tool_output` slice (at most
 * 32,000 characters, about 8,000 tokens with its envelope) is never cut again by it.
 */
const MIN_DEFAULT_TOOL_OUTPUT_TOKENS = 8_192;

/**
 * The cap on one tool result when the agent sets no `toolOutput` (or sets one without an agent-wide
 * `maxTokens`/`maxBytes`): {@link DEFAULT_TOOL_OUTPUT_MAX_TOKENS}, or a tenth of the model's input
 * window when that is less (not below 8,192 tokens). A result that large is a page dumped whole,
 * not an answer; a tenth keeps a few of them from filling a small window. @internal
 */
export function defaultToolOutputLimit(inputTokenLimit: number | undefined): ToolOutputLimit {
  const tenth =
    inputTokenLimit === undefined
      ? DEFAULT_TOOL_OUTPUT_MAX_TOKENS
      : Math.floor(inputTokenLimit / 10);
  return {
    maxTokens: Math.max(
      MIN_DEFAULT_TOOL_OUTPUT_TOKENS,
      Math.min(DEFAULT_TOOL_OUTPUT_MAX_TOKENS, tenth),
    ),
  };
}
