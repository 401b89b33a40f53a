import type {
  ContinuationHopEvent,
  ContinuationReport,
} from '../continuation/continuation-report.ts';
import type { Cost } from '../models/cost.ts';
import type { RetryEvent } from '../retry/with-retry.ts';
import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult, AgentStep, AgentToolCall, AgentUsage } from '../run/agent-result.ts';
import type { CompactionReport, CompactionTrace } from '../run/compaction-report.ts';
import type { GuardrailCheckRecord } from '../run/guardrail-check-record.ts';
import type { SteeringReport } from '../run/steering-report.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import type { GenerateContentResponse, UsageMetadata } from '../wire/response.ts';

/** What an observer learns when a run starts. */
export type RunStartInfo = {
  /** A run-unique id (random), the same in every record of this run. */
  runId: string;
  /** The agent's `name`, when it has one. */
  agentName: string | undefined;
  model: string;
  /** The client's base URL (for `server.address`). */
  baseUrl: string;
  /** Whether the run streams (`agent.stream`, `chat.sendStream`). */
  streaming: boolean;
  /** The chat session's id when the run is a chat turn. */
  conversationId: string | undefined;
  /** The run's input as given (the requests of its model calls hold the whole history). */
  input: AgentInput;
  /** When the run started (ms since the epoch, the agent's clock). */
  startedAt: number;
  /**
   * Where the run sits in its tree: `[]` for a top run, the subagent's path (e.g.
   * `['research', 'searcher#2']`) for a run a subagent tool started.
   */
  path: readonly string[];
  /** The `runId` of the run whose tool started this one, when that run was observed too. */
  parentRunId: string | undefined;
  /** For a child run: the tool call of the parent run that started it. */
  parentCall?: ParentCallInfo | undefined;
};

/** The tool call of a parent run that started a child run (a subagent). */
export type ParentCallInfo = {
  /** The parent's step that made the call. */
  stepNumber: number;
  /** The call's id (the model may repeat one: `callIndex` tells them apart). */
  toolCallId: string;
  /** The call's 0-based position among the calls of its model turn, when known. */
  callIndex: number | undefined;
};

/** The run was handed to another agent (`handoff()`): the steps after `stepNumber` are its. */
export type HandoffInfo = {
  stepNumber: number;
  /** The name of the agent handing over. */
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
  at: number;
};

/** One model call about to be made. */
export type ModelCallInfo = {
  stepNumber: number;
  request: GenerateContentRequest;
  streaming: boolean;
  startedAt: number;
};

/** One function call about to run. */
export type ToolCallInfo = {
  stepNumber: number;
  toolName: string;
  toolCallId: string;
  /** `function`, `built-in` or `mcp` (see {@link toolTypeKey}). */
  toolType: string;
  /** The tool's description, when the agent has a tool of that name. */
  toolDescription: string | undefined;
  args: Record<string, unknown>;
  startedAt: number;
};

/** What a model call reports while it runs and when it ends. */
export interface ModelCallObservation {
  /** Runs `fn` in this call's context (so an instrumented fetch nests under the call). */
  wrap?: (<T>(fn: () => T) => T) | undefined;
  /** An attempt failed and will be retried after `delayMs`. */
  retry(event: RetryEvent): void;
  /** The first chunk of a streamed call arrived. */
  firstChunk(at: number): void;
  /**
   * A long-decode answer goes on in another request, or a dropped stream resumes (see
   * `ContinuationHopEvent`).
   */
  hop?: ((event: ContinuationHopEvent) => void) | undefined;
  /**
   * The call ended: the response (every hop merged, with how it was continued when it took
   * more than one request, and what it cost, by the agent's prices, when the agent priced it),
   * or the error it failed with: with the usage it was billed for when a stream was cut or aborted
   * after chunks that reported some (or a long-decode answer's later request failed), and what
   * that usage cost.
   */
  end(
    outcome:
      | {
          response: GenerateContentResponse;
          continuation?: ContinuationReport | undefined;
          cost?: Cost | undefined;
        }
      | { error: unknown; usage?: UsageMetadata | undefined; cost?: Cost | undefined },
    at: number,
  ): void;
}

/** What a tool call reports when it ends. */
export interface ToolCallObservation {
  /** Runs the tool in this call's context (so the tool's own spans nest under it). */
  wrap?: (<T>(fn: () => T) => T) | undefined;
  end(record: AgentToolCall, at: number): void;
}

/** What a plugin reported (see `RunObservation.plugin`). */
export type PluginReport = {
  /** The plugin's name. */
  readonly plugin: string;
  /** What happened, in the plugin's words. */
  readonly kind: string;
  /** The step under way (0 before the first). */
  readonly stepNumber: number;
  /** The plugin's JSON data, if any (the plugin's own: nothing redacts it). */
  readonly data?: unknown;
};

/** One run, as an observer follows it. */
export interface RunObservation {
  modelCall(info: ModelCallInfo): ModelCallObservation;
  toolCall(info: ToolCallInfo): ToolCallObservation;
  /** A step ended (after its tool calls, when it had some). */
  stepEnd(step: AgentStep): void;
  /**
   * A guardrail check ended (input, output, or around a tool call), with its start and end
   * times: a span of its own, as OpenAI Agents JS gives each guardrail (`guardrail` spans).
   * Optional, so an observer written before guardrails still fits.
   */
  guardrail?: ((record: GuardrailCheckRecord) => void) | undefined;
  /** A steering message was received, applied or dropped (`@gemloop/core/steering`). */
  steer?: ((report: SteeringReport, at: number) => void) | undefined;
  /** The run was handed to another agent, after the step of the transfer call ended. */
  handoff?(info: HandoffInfo): void;
  /**
   * A plugin reported something (`run.emit(kind, data)` in a hook, `@gemloop/core/plugins`), at
   * `at`: the same fact the run's `plugin` event carries.
   */
  plugin?: ((report: PluginReport, at: number) => void) | undefined;
  /**
   * The history was compacted before a model step (the `compaction` option), at `at`; `trace`
   * says when it started and times its summarizer's model call, when it made one.
   */
  compaction?:
    | ((report: CompactionReport, at: number, trace?: CompactionTrace | undefined) => void)
    | undefined;
  /**
   * The run ended with a result or failed with `error` (which carries `run` when it started).
   * A failed run that started says what it spent by then (`usage`, `cost`, its subagents'
   * included): the error may come from a run below it and carry that run's state, or none.
   */
  end(
    outcome:
      | { result: AgentResult<unknown> }
      | { error: unknown; usage?: AgentUsage | undefined; cost?: Cost | undefined },
    at: number,
  ): void;
}

/**
 * Follows agent runs: telemetry (OpenTelemetry spans and metrics) and the run recorder are
 * observers. An agent without observers calls none of this, so an unobserved run costs nothing.
 */
export interface RunObserver {
  /**
   * Whether {@link RunObserver.startRun} would follow a run started now. Lets an idle observer
   * (telemetry with no provider registered) cost a run nothing: not even its start info is built.
   * @defaultValue always
   */
  active?: (() => boolean) | undefined;
  /**
   * A run starts. Return `undefined` to skip it. May return a promise (loading an optional
   * dependency); the run waits for it once, at its start.
   */
  startRun(info: RunStartInfo): RunObservation | undefined | Promise<RunObservation | undefined>;
}

/**
 * The property a tool may carry to say what kind it is for telemetry (`gen_ai.tool.type`):
 * `'mcp'` for MCP tools, `'built-in'` for a Gemini built-in run as a function. A registered
 * symbol, so another copy of gemloop (or `@gemloop/tools`) sets it without importing it.
 */
export const toolTypeKey: unique symbol = Symbol.for('gemloop.tool.type');
