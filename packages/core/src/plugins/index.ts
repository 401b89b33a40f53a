// @gemloop/core/plugins: the one seam every feature plugs into — hooks around a run's model
// calls, answers and tool calls (see docs/writing-a-plugin.md and docs/design/plugin-seam.md).

export type { PluginEvent } from '../agent/agent-event.ts';
export {
  type AgentPlugin,
  type AnswerDraft,
  definePlugin,
  type FinishOutcome,
  type ModelCallChange,
  type ModelCallDraft,
  type PluginHookName,
  type PluginRun,
  type StepOutcome,
  type ToolCallDecision,
  type ToolCallDraft,
  type ToolExecution,
  type ToolExecutionDraft,
  type ToolResultDraft,
} from '../agent/plugins/agent-plugin.ts';
export { PluginError } from '../agent/plugins/plugin-error.ts';
