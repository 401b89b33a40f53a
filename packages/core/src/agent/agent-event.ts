import type { ContinuationHopEvent } from '../continuation/continuation-report.ts';
import type {
  AgentResult,
  AgentStep,
  AgentToolCall,
  ToolCallOutcome,
} from '../run/agent-result.ts';
import type { GuardrailCheckRecord } from '../run/guardrail-check-record.ts';
import type { GroundingMetadata } from '../wire/response.ts';

/** A model call starts. */
export type StepStartEvent = {
  type: 'step-start';
  stepNumber: number;
  kind: AgentStep['kind'];
};

/** New answer text (never thought text). */
export type TextDeltaEvent = { type: 'text-delta'; stepNumber: number; text: string };

/** New thought-summary text (`thinking.includeThoughts`). */
export type ThoughtDeltaEvent = { type: 'thought-delta'; stepNumber: number; text: string };

/** The model called a function; emitted for every call of a turn, in order, before any runs. */
export type ToolCallEvent = {
  type: 'tool-call';
  stepNumber: number;
  toolCallId: string;
  toolName: string;
  /** The model's arguments, as sent. */
  args: Record<string, unknown>;
};

/** A call finished and its result goes back to the model. */
export type ToolResultEvent = {
  type: 'tool-result';
  stepNumber: number;
  toolCall: AgentToolCall;
};

/** A call failed (or was denied or aborted); its error goes back to the model. */
export type ToolErrorEvent = {
  type: 'tool-error';
  stepNumber: number;
  outcome: Exclude<ToolCallOutcome, 'success'>;
  toolCall: AgentToolCall;
};

/** A step (or a tool's grounded call) came with grounding: queries, sources, supports. */
export type GroundingEvent = {
  type: 'grounding';
  stepNumber: number;
  source: 'model' | 'tool';
  grounding: GroundingMetadata;
};

/**
 * A long-decode answer goes on in another request (`continue`), a dropped stream resumes from
 * its last checkpoint (`resume`: the deltas after it were held back, so no shown text is
 * regenerated), or a refused token starts the answer over (`restart`: what was shown of this
 * step's answer is regenerated; a UI clears it).
 */
export type ContinuationEvent = { type: 'continuation'; stepNumber: number } & ContinuationHopEvent;

/**
 * A guardrail check ended (`@gemloop/core/guardrails`): which one, its phase and verdict, and
 * whether it stopped the run. Never holds the value checked.
 */
export type GuardrailEvent = { type: 'guardrail' } & GuardrailCheckRecord;

/**
 * Streams without `guardrails.holdBack`: the answer text already sent for `stepNumber` was
 * blocked or rewritten by an output guardrail after the fact. A UI replaces what it showed of that
 * step with `text` (empty when blocked).
 */
export type GuardrailRetractionEvent = {
  type: 'guardrail-retraction';
  stepNumber: number;
  /** The guardrail that decided. */
  name: string;
  /** What to show instead: the rewrite, or `''` when the answer was blocked. */
  text: string;
};

/** A step ended: its content, calls and results are recorded. */
export type StepEndEvent = { type: 'step-end'; step: AgentStep };

/** The run ended; the same value `result` resolves to. */
export type RunEndEvent<Output = undefined> = { type: 'run-end'; result: AgentResult<Output> };

/** Everything `agent.stream()` yields. */
export type AgentEvent<Output = undefined> =
  | StepStartEvent
  | TextDeltaEvent
  | ThoughtDeltaEvent
  | ToolCallEvent
  | ToolResultEvent
  | ToolErrorEvent
  | GroundingEvent
  | ContinuationEvent
  | StepEndEvent
  | GuardrailEvent
  | GuardrailRetractionEvent
  | RunEndEvent<Output>;
