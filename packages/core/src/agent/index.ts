// @gemloop/core/agent: the agent in full. Every option, hook and event type, the run's result
// and state types, prompt-cache reports, the stop conditions and the defaults a run uses. The
// root entry holds the everyday part (createAgent, its options, result and event types); the
// agent's error classes are in @gemloop/core/errors.

export type { AgentCacheReport } from '../run/agent-cache-report.ts';
export type { AgentInput } from '../run/agent-input.ts';
export type {
  AgentCompactionState,
  AgentFinishReason,
  AgentResult,
  AgentRunState,
  AgentStep,
  AgentToolCall,
  AgentUsage,
  BlockedOutcome,
  ReaskReason,
  ToolCallOutcome,
} from '../run/agent-result.ts';
export type { ContinuationOptions } from '../run/continuation-options.ts';
export {
  DEFAULT_MAX_CONTINUATION_HOPS,
  DEFAULT_MAX_CONTINUATION_RECONNECTS,
} from '../run/continuation-options.ts';
export type {
  ContinuationHop,
  ContinuationHopEvent,
  ContinuationReport,
} from '../run/continuation-report.ts';
export type {
  AgentEvent,
  CompactionEvent,
  ContinuationEvent,
  GroundingEvent,
  GuardrailEvent,
  GuardrailRetractionEvent,
  RunEndEvent,
  StepEndEvent,
  StepStartEvent,
  TextDeltaEvent,
  ThoughtDeltaEvent,
  ToolCallEvent,
  ToolErrorEvent,
  ToolResultEvent,
} from './agent-event.ts';
export type { AgentStream } from './agent-stream.ts';
export type {
  AgentCacheOptions,
  AgentOptions,
  BeforeToolCallContext,
  BeforeToolCallDecision,
  BeforeToolCallHook,
  OutputSchema,
  RunOptions,
  StepEndContext,
  ThinkingEffort,
  ThinkingOption,
  ToolChoice,
} from './config/agent-options.ts';
export { DEFAULT_MAX_REASKS, DEFAULT_MAX_STEPS } from './config/options/steps.ts';
export { DEFAULT_TOOL_CONCURRENCY, DEFAULT_TOOL_TIMEOUT_MS } from './config/options/tool-runs.ts';
export type { CostAboveOptions } from './cost-above.ts';
export { costAbove } from './cost-above.ts';
export type { Agent } from './create-agent.ts';
export { createAgent } from './create-agent.ts';
export type { StopCondition, StopConditionContext } from './stop-conditions.ts';
export { hasToolCall, hasToolError, totalTokensExceed } from './stop-conditions.ts';
