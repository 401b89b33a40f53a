import type { Cost } from '../models/cost.ts';
import type { RetryEvent } from '../retry/with-retry.ts';
import type { AgentEvent } from '../run/agent-event.ts';
import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult, AgentStep, AgentToolCall, AgentUsage } from '../run/agent-result.ts';
import type { ContinuationReport } from '../run/continuation-report.ts';
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
  /** `function`, `built-in` or `mcp` (the tool's `toolType`). */
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

/** One run, as an observer follows it. */
export interface RunObservation {
  modelCall(info: ModelCallInfo): ModelCallObservation;
  toolCall(info: ToolCallInfo): ToolCallObservation;
  /** A step ended (after its tool calls, when it had some). */
  stepEnd(step: AgentStep): void;
  /**
   * Each event of the run (`AgentEvent`: what `agent.stream()` yields), once, as it is made, at
   * `at` (the agent's clock), in a unary run as in a streamed one: a guardrail check (a span of its
   * own, as OpenAI Agents JS gives each guardrail), a steer, a compaction (with its `trace`), a
   * handoff, a continuation hop of the model call under way, a plugin's report, and the rest. A
   * subagent's events go to its own run's observation, not its parent's. With tools that declare
   * `secretArguments` the events arrive redacted as every other record does (`tool-call` with its
   * `redactedArgs`, tool records, steps, steers, the result). Optional: an observer without it
   * costs a run no event.
   */
  event?: ((event: AgentEvent<unknown>, at: number) => void) | undefined;
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

// why (kept): deprecated, read for one release: a public key (exported from
// @gemloop/core/telemetry) that older copies of @gemloop/tools and users' own tools set; the
// declared `FunctionTool.toolType` field replaces it (data through the tool's type, not a symbol).
/**
 * The property a tool could carry to say what kind it is for telemetry (`gen_ai.tool.type`).
 * @deprecated Set `toolType` on the tool (`FunctionTool.toolType`: `'mcp'`, `'built-in'`, ...);
 *   this symbol is still read when `toolType` is absent, for one release.
 */
export const toolTypeKey: unique symbol = Symbol.for('gemloop.tool.type');
