import type { AgentOptions } from '../../agent/config/agent-options.ts';
import { contextWindowOf } from '../../models/context-window-of.ts';
import type { ToolOutputLimit } from '../../tools/responses/cut-function-response.ts';
import {
  defaultToolOutputLimit,
  toolOutputSafetyNet,
} from '../../tools/responses/default-tool-output-limit.ts';
import type { ResolvedLiveSessionOptions } from '../live-session-options.ts';
import { DEFAULT_LIVE_CONTEXT_WINDOW } from '../live-setup.ts';

/**
 * The cap on one tool result a live session sends, as a run's loop caps it
 * (agent/config/options/compaction.ts `toolOutputDefault`): without the agent's `toolOutput`,
 * 25,000 tokens or a tenth of the Live model's window when less (8,192 at least); with one, the
 * widest of its limits (a live session runs no plugin that keeps the rest for `read_tool_output`,
 * so nothing is kept and the marker asks for less); `false`: none. Before, a 5 MB result went to
 * the server whole, most of a Live model's 128k window many times over (attack57).
 * @internal
 */
export function liveToolOutputLimit(
  agent: AgentOptions<unknown>,
  options: Pick<ResolvedLiveSessionOptions, 'model' | 'contextWindowTokens'>,
): ToolOutputLimit | undefined {
  const { toolOutput } = agent;
  if (toolOutput === false) return undefined;
  const window =
    options.contextWindowTokens ??
    contextWindowOf(options.model ?? agent.model) ??
    DEFAULT_LIVE_CONTEXT_WINDOW;
  return toolOutput === undefined
    ? defaultToolOutputLimit(window)
    : toolOutputSafetyNet(toolOutput.options as Parameters<typeof toolOutputSafetyNet>[0], window);
}
