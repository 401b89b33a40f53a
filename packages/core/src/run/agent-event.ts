import type { GroundingMetadata } from '../wire/response.ts';
import type { AgentResult, AgentStep, AgentToolCall, ToolCallOutcome } from './agent-result.ts';
import type { CompactionReport, CompactionTrace } from './compaction-report.ts';
import type { ContinuationHopEvent } from './continuation-report.ts';
import type { GuardrailCheckRecord } from './guardrail-check-record.ts';
import type { SteeringReport } from './steering-report.ts';

/**
 * Which agent of a run's tree an event comes from: `[]` for the agent that was run, then one
 * segment per subagent call or handoff below it, e.g. `['research', 'searcher#2']` (a subagent's
 * tool name and `#` the call's number among that tool's calls in its parent run). A UI groups and
 * nests events by it; events of one path arrive in their run's order.
 */
export type AgentPath = readonly string[];

/** A model call starts. */
export type StepStartEvent = {
  type: 'step-start';
  path: AgentPath;
  stepNumber: number;
  kind: AgentStep['kind'];
};

/** New answer text (never thought text). */
export type TextDeltaEvent = {
  type: 'text-delta';
  path: AgentPath;
  stepNumber: number;
  text: string;
};

/** New thought-summary text (`thinking.includeThoughts`). */
export type ThoughtDeltaEvent = {
  type: 'thought-delta';
  path: AgentPath;
  stepNumber: number;
  text: string;
};

/** The model called a function; emitted for every call of a turn, in order, before any runs. */
export type ToolCallEvent = {
  type: 'tool-call';
  path: AgentPath;
  stepNumber: number;
  toolCallId: string;
  toolName: string;
  /** The model's arguments, as sent. */
  args: Record<string, unknown>;
  /**
   * `args` with the tool's `secretArguments` replaced by `[redacted]`, made with the event by the
   * agent whose tool it is (a subagent's, or the agent a run was handed to): what to show outside
   * the process (a page, a log line). Absent when nothing in `args` is secret.
   */
  redactedArgs?: Record<string, unknown> | undefined;
};

/** A call finished and its result goes back to the model. */
export type ToolResultEvent = {
  type: 'tool-result';
  path: AgentPath;
  stepNumber: number;
  toolCall: AgentToolCall;
  /**
   * Set on a stream with `guardrails.holdBack` for a call whose tool made model calls of its own
   * (a subagent, the search fallback: `toolCall.usage` is set): its output is model text the
   * output guardrails never judged, so `toolCall.output` is left out of this event, and so is
   * the `response` object of `toolCall.response` (`{}`); the step's record in `result.steps`
   * keeps both.
   */
  outputHeld?: true | undefined;
};

/** A call failed (or was denied or aborted); its error goes back to the model. */
export type ToolErrorEvent = {
  type: 'tool-error';
  path: AgentPath;
  stepNumber: number;
  outcome: Exclude<ToolCallOutcome, 'success'>;
  toolCall: AgentToolCall;
};

/** A step (or a tool's grounded call) came with grounding: queries, sources, supports. */
export type GroundingEvent = {
  type: 'grounding';
  path: AgentPath;
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
export type ContinuationEvent = {
  type: 'continuation';
  path: AgentPath;
  stepNumber: number;
} & ContinuationHopEvent;

/**
 * A steering message (`steer()`, `queue()`, or one a durable run received): `received` when it
 * reaches the run, `applied` once it is in the history (sent with step `stepNumber`), `dropped`
 * when the run ended without it (aborted, failed, or stopped by a limit).
 */
export type SteerEvent = { type: 'steer'; path: AgentPath } & SteeringReport;

/**
 * The history was compacted before a model step (the `compaction` option): what was done and the
 * estimated tokens of the contents before and after.
 */
export type CompactionEvent = {
  type: 'compaction';
  path: AgentPath;
  /**
   * When the compaction started and, when it made one, its summarizer's model call (timed, with
   * its usage and cost: a billed call the step's usage does not hold). Telemetry draws its spans
   * from it.
   */
  trace?: CompactionTrace | undefined;
} & CompactionReport;

/**
 * A guardrail check ended (`@gemloop/core/guardrails`): which one, its phase and verdict, and
 * whether it stopped the run. Never holds the value checked.
 */
export type GuardrailEvent = { type: 'guardrail'; path: AgentPath } & GuardrailCheckRecord;

/**
 * Streams without `guardrails.holdBack`: the answer text already sent for `stepNumber` was
 * blocked or rewritten by an output guardrail (or a plugin's `checkAnswer`) after the fact, or
 * the model was asked again for it (an answer the `output` schema refused: `name` is the
 * re-ask's reason, `text` empty). A UI replaces what it showed of that step with `text` (empty
 * when blocked or re-asked).
 */
export type GuardrailRetractionEvent = {
  type: 'guardrail-retraction';
  path: AgentPath;
  stepNumber: number;
  /** The guardrail or plugin that decided, or the re-ask's reason (`invalid-output`). */
  name: string;
  /** What to show instead: the rewrite, or `''` when the answer was blocked. */
  text: string;
};

/** A step ended: its content, calls and results are recorded. */
export type StepEndEvent = { type: 'step-end'; path: AgentPath; step: AgentStep };

/** The run ended; the same value `result` resolves to. */
export type RunEndEvent<Output = undefined> = {
  type: 'run-end';
  path: AgentPath;
  result: AgentResult<Output>;
};

/**
 * The agent that had the run handed it over with a `transfer_to_*` call (`handoff()`): the
 * steps after this one are the receiving agent's, with its instructions, tools and model.
 */
export type HandoffEvent = {
  type: 'handoff';
  path: AgentPath;
  /** The step whose call made the transfer. */
  stepNumber: number;
  /** The name of the agent handing over (its `name` option, else `'agent'`). */
  from: string;
  /** The name of the agent taking over. */
  to: string;
  /**
   * How the history was filtered for the receiver: `default` (the tool exchanges of the agent
   * handing over dropped) or `custom` (the handoff's `filter`).
   */
  filter?: 'default' | 'custom' | undefined;
  /** How many contents the history had before the filter, and after. */
  contentsBefore?: number | undefined;
  contentsAfter?: number | undefined;
};

/**
 * What a plugin reported (`run.emit(kind, data)` in a hook of `@gemloop/core/plugins`): a third
 * party's plugin reaches every surface that shows events without a type of its own. It comes
 * when the plugin reported it; a `recorded` tool hook's reports in a durable run come just before
 * its call's `tool-result` or `tool-error` instead, so a replay puts them in the same place.
 */
export type PluginEvent = {
  type: 'plugin';
  path: AgentPath;
  /** The plugin's `name`. */
  plugin: string;
  /** What happened, in the plugin's words (e.g. `masked`, `cache-hit`). */
  kind: string;
  /** The step the plugin reported it in (0 before the first step). */
  stepNumber: number;
  /** The plugin's data (JSON), if any. */
  data?: unknown;
};

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
  | SteerEvent
  | CompactionEvent
  | StepEndEvent
  | GuardrailEvent
  | GuardrailRetractionEvent
  | HandoffEvent
  | PluginEvent
  | RunEndEvent<Output>;

/**
 * An event as the loop builds it, before the stream (or a parent run) stamps its `path`.
 * @internal
 */
export type UntaggedAgentEvent<Output = undefined> =
  AgentEvent<Output> extends infer Event
    ? Event extends AgentEvent<Output>
      ? Omit<Event, 'path'> & { path?: AgentPath }
      : never
    : never;
