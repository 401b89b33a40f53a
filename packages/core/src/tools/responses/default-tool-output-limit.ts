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

/** What a cut result's marker and keys add to the kept part, in estimated tokens (with room). */
const MARKER_TOKENS = 256;

/**
 * The loop's own cap for an agent whose `toolOutput` plugin cuts its results: the widest of the
 * plugin's limits (its agent-wide or default one, every `perTool` one) with room for the marker,
 * never under 8,192 tokens (a `read_tool_output` slice, which the plugin does not cut). A result
 * the plugin cut or let through always fits it, so it cuts only what no plugin saw: the results of
 * the agent's tools after a handoff to it, when the run's plugins are the sender's. `undefined`
 * when a `perTool` limit is unbounded (an empty one). @internal
 */
export function toolOutputSafetyNet(
  options: ToolOutputLimit & { perTool?: Readonly<Record<string, ToolOutputLimit>> | undefined },
  inputTokenLimit: number | undefined,
): ToolOutputLimit | undefined {
  const agentWide =
    options.maxTokens === undefined && options.maxBytes === undefined
      ? defaultToolOutputLimit(inputTokenLimit)
      : options;
  let widest = MIN_DEFAULT_TOOL_OUTPUT_TOKENS;
  for (const limit of [agentWide, ...Object.values(options.perTool ?? {})]) {
    // A cut to `maxBytes` keeps at most that many characters: a quarter as many estimated tokens.
    const tokens =
      limit.maxTokens ?? (limit.maxBytes === undefined ? undefined : Math.ceil(limit.maxBytes / 4));
    if (tokens === undefined) return undefined;
    widest = Math.max(widest, tokens + MARKER_TOKENS);
  }
  return { maxTokens: widest };
}
