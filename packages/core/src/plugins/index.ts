// @gemloop/core/plugins: the one seam every feature plugs into — hooks around a run's model
// calls, answers and tool calls (see docs/writing-a-plugin.md and docs/design/plugin-seam.md).

export type { PluginEvent } from '../agent/agent-event.ts';
// What `run.trip()` ends a run with, and its `phase`: a third party's guardrail trips as ours do.
export { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
export type {
  AgentPlugin,
  AnswerDraft,
  AnswerRewrite,
  EmitRunEvent,
  FinishOutcome,
  HandOffAgent,
  HandOffOutcome,
  InputCheck,
  InputDraft,
  InputRewrite,
  ModelCallChange,
  ModelCallDraft,
  PluginHookName,
  PluginRun,
  PluginTrip,
  ReceiveOptions,
  StepOutcome,
  ToolCallAsk,
  ToolCallDecision,
  ToolCallDraft,
  ToolExecution,
  ToolExecutionDraft,
  ToolResultChange,
  ToolResultDraft,
} from '../agent/plugins/agent-plugin.ts';
export { definePlugin } from '../agent/plugins/define-plugin.ts';
// What a step's model calls past `maxModelCallsPerStep` end the run with (a `PluginError`).
export { ModelCallLimitError } from '../agent/plugins/model-call-limit-error.ts';
// What a request wrapper's `next` past `maxModelCallsPerStep` is refused with (a step's cause).
export { ModelRequestLimitError } from '../agent/plugins/model-requests/model-request-limit-error.ts';
export type {
  AgentApi,
  ModelApiPlugin,
  ModelRequestAgent,
  ModelRequestEntry,
  WrapModelRequest,
} from '../agent/plugins/model-requests/model-requests.ts';
export { PluginError } from '../agent/plugins/plugin-error.ts';
// `run.generate()`: a model call on the side of the run, counted as the run's.
export type {
  SideModelRequest,
  SideModelResult,
} from '../agent/plugins/run-view/side-model-call.ts';
// What `run.receive()` and the senders (`stream.send`, `steering.send`) refuse with.
export {
  RunMessageError,
  type RunMessageErrorReason,
} from '../errors/run-message-error.ts';
// The request level (`AgentPlugin.wrapModelRequest`): the entry each model request goes through,
// the contract continuation calls and the Interactions backend (`interactionsApi()`) supplies.
export {
  type ModelCallEntry,
  type ModelCallInput,
  ModelCallRecord,
  type ModelCallResult,
  type ModelStreamResult,
  modelCallEntryOf,
} from '../http/model-call-entry.ts';
export type { GuardrailPhase } from '../run/guardrail-check-record.ts';
