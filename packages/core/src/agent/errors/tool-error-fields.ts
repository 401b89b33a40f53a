import type { AgentRunState } from '../../run/agent-result.ts';

/**
 * What every tool error carries: which call failed, with which arguments, and the run so far.
 * @internal
 */
export type ToolErrorFields = {
  toolName: string;
  /** The call's wire id, or gemloop's own when the model gave none. */
  toolCallId: string;
  /** The model's arguments, as sent. */
  args: Record<string, unknown>;
  run: AgentRunState;
  cause?: unknown;
};
