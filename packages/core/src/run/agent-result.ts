import type { Cost } from '../models/cost.ts';
import type { Content, FunctionResponse, Part } from '../wire/content.ts';
import type {
  BlockReason,
  CitationMetadata,
  FinishReason,
  GenerateContentResponse,
  GroundingMetadata,
  SafetyRating,
  UrlContextMetadata,
} from '../wire/response.ts';
import type { ServiceTier } from '../wire/service-tier.ts';
import type { AgentCacheReport } from './agent-cache-report.ts';
import type { CompactionReport } from './compaction-report.ts';
import type { ContinuationReport } from './continuation-report.ts';
import type { SteeringReport } from './steering-report.ts';

/**
 * Token usage summed over model calls. Same names as the wire's `usageMetadata`; a count the API
 * did not report counts as 0.
 */
export type AgentUsage = {
  promptTokenCount: number;
  candidatesTokenCount: number;
  thoughtsTokenCount: number;
  toolUsePromptTokenCount: number;
  cachedContentTokenCount: number;
  totalTokenCount: number;
};

/**
 * Why a run ended.
 *
 * - `stop`: the model answered without calling a function.
 * - `max-tokens`: the answer hit `maxOutputTokens` (`MAX_TOKENS`); `text` is the partial answer.
 * - `max-steps`: `maxSteps` model calls were made; the last step's calls were run and answered.
 * - `stop-condition`: a `stopWhen` condition held after a step; its calls were run and answered.
 * - `content-filter`: the prompt or the answer was blocked; see `blocked` on {@link AgentResult}.
 * - `other`: the model stopped for another reason (`LANGUAGE`, `OTHER`, `NO_IMAGE`, an unknown
 *   value, `CONTINUATION` with automatic continuation off, ...); see `rawFinishReason` on
 *   {@link AgentResult}.
 * - `interrupted`: a streamed answer ended without a finish signal after its first chunk (the
 *   connection closed cleanly mid-answer, a gateway cut it): `text` is what arrived, a turn with
 *   function calls is not kept (they may be incomplete). A stream that fails before its first
 *   chunk is retried by the client; one that breaks mid-event is a `StreamError`. The AI SDK
 *   (`@ai-sdk/google` 4.0.121) reports the same case as its `interrupted` finish reason.
 */
export type AgentFinishReason =
  | 'stop'
  | 'interrupted'
  | 'max-tokens'
  | 'max-steps'
  | 'stop-condition'
  | 'content-filter'
  /** A plugin ended the run (`run.finish(reason)`, a `finish` outcome): see `stoppedBy`. */
  | 'plugin'
  | 'other';

/** A blocked prompt or answer: an outcome of the run, not an exception. */
export type BlockedOutcome = {
  /** `prompt`: `promptFeedback.blockReason`, no candidates. `response`: the answer's finishReason. */
  source: 'prompt' | 'response';
  /** The wire value: `SAFETY`, `RECITATION`, `PROHIBITED_CONTENT`, `MODEL_ARMOR`, ... */
  reason: FinishReason | BlockReason;
  /** `finishMessage` or `promptFeedback.blockReasonMessage`, when the API gave one. */
  message: string | undefined;
  /** The ratings of the blocked prompt or candidate (`blocked: true` marks the culprit). */
  safetyRatings: SafetyRating[];
  /** For `RECITATION`: the sources the answer recited. */
  citationMetadata: CitationMetadata | undefined;
};

/** How one function call of a model turn ended. */
export type ToolCallOutcome =
  /** `execute` returned; `output` holds its value. */
  | 'success'
  /** The arguments failed the tool's schema. */
  | 'invalid-args'
  /** The model called a function that is not declared. */
  | 'unknown-tool'
  /** `execute` threw. */
  | 'execution-error'
  /** `execute` passed its time limit. */
  | 'timeout'
  /** `beforeToolCall` denied the call. */
  | 'denied'
  /**
   * A tool guardrail or a plugin's `run.trip` stopped the call (it did not run): the run ends
   * with a `GuardrailTrippedError` once the turn is answered.
   */
  | 'guardrail-tripped'
  /** The run was aborted (or another call failed with `toolErrors: 'throw'`) before it finished. */
  | 'aborted';

/** One function call the model made, and how it was answered. */
export type AgentToolCall = {
  /** The call's wire `id`, or, when the model gave none, a gemloop id that never goes on the wire. */
  toolCallId: string;
  /** Whether `toolCallId` came from the model. */
  hasWireId: boolean;
  toolName: string;
  /** The model's `args`, as sent. */
  rawArgs: Record<string, unknown>;
  /** The arguments `execute` got (parsed, possibly replaced by `beforeToolCall`), if it ran. */
  args: unknown;
  /**
   * `true` when `args` are not the model's: `beforeToolCall` (an approval) answered
   * `{ type: 'modify', args }`. The `tool-call` event and the start of the call's span and
   * recording, made before the decision, hold the model's; the span (`gemloop.tool.call.modified`)
   * and the recording's `tool-call-end` (`modifiedArgs`) say what ran, redacted as arguments are.
   */
  modified?: true | undefined;
  outcome: ToolCallOutcome;
  /**
   * What `execute` returned (on `success`), read once: a plain object or array is the JSON
   * snapshot the model was sent (a `Date` in it is its ISO string, as on a durable replay or a
   * cache hit), so a getter is never read again; any other value (a `Date`, a class instance, a
   * `toolResult()`) as returned. A guardrail's replacement is in `response`, the tool's own here.
   */
  output?: unknown;
  /**
   * `true` when the model was sent another value than `output` (a plugin's `afterToolCall`
   * `{ result }`, such as a mask; a tool guardrail's replacement; a second hand-off's refusal):
   * `response` holds what it got. What a page or a door shows of the call is that, never what a
   * hook kept from the model.
   */
  replaced?: true | undefined;
  /** The error, for every outcome but `success`: what went wrong, in words the model saw. */
  error?: string | undefined;
  /** The thrown value, for `execution-error`. */
  cause?: unknown;
  /** The `functionResponse` sent back for this call. */
  response: FunctionResponse;
  durationMs: number;
  /** Grounding of a built-in tool run as a function (the 2.x search fallback). */
  grounding?: GroundingMetadata | undefined;
  /**
   * Usage of the model calls the tool made: the 2.x search fallback's, or a subagent's whole run
   * (its own subagents' included).
   */
  usage?: AgentUsage | undefined;
  /**
   * What `usage` cost, when the tool priced it at its own model (a subagent's run); absent, it is
   * priced at the calling agent's model.
   */
  cost?: Cost | undefined;
};

/** Why a step's answer was re-asked instead of ending the run. */
export type ReaskReason =
  | 'malformed-function-call'
  | 'unexpected-tool-call'
  /** `TOO_MANY_TOOL_CALLS`: the model called tools consecutively until the API stopped it. */
  | 'too-many-tool-calls'
  /** `MALFORMED_RESPONSE`: the API could not parse what the model produced (`@google/genai` 3.1.0). */
  | 'malformed-response'
  | 'empty-response'
  /** The structured answer was not valid JSON or failed the `output` schema. */
  | 'invalid-output';

/** One model call of a run and what followed it. */
export type AgentStep = {
  /** 1-based. */
  stepNumber: number;
  /**
   * `tools`: a model call of the tool loop. `final-output`: the extra call without tools that asks
   * for the structured answer (models that cannot combine a response schema with tools).
   * `resume`: no model call; the run answered the function calls the input history ended with.
   */
  kind: 'tools' | 'final-output' | 'resume';
  /**
   * The model's content exactly as received, or `undefined` when the answer had no parts. When it
   * was appended, `contents` holds this same object; the one exception is a Gemini 3 call turn
   * that arrived without its thought signature (a gateway stripped it): the history then holds a
   * copy whose first call carries the documented dummy signature.
   */
  content: Content | undefined;
  /** Whether `content` was appended to the history (not for empty, re-asked or dropped answers). */
  appended: boolean;
  /** The non-thought text of the answer. */
  text: string;
  /** The thought summaries (`includeThoughts`), joined. */
  thoughts: string;
  /** The function calls, in order, with their results. Empty when the model called none. */
  toolCalls: AgentToolCall[];
  /** The user content with one `functionResponse` per call, when calls were answered. */
  toolResponseContent: Content | undefined;
  finishReason: FinishReason | undefined;
  finishMessage: string | undefined;
  /**
   * The raw usage of this model call; estimated (see `usageEstimated`) where the server did not
   * report its total. A total that is not the sum of the counts reported with it (a gateway that
   * dropped one) is made to be: the tokens no count names are the prompt's when it has no count,
   * else the answer's; a total below the counts is their sum.
   */
  usage: AgentUsage;
  /**
   * `true` when the server reported no usable `totalTokenCount` (none, or a negative or
   * non-numeric one): `usage` (and `cost`, priced from it) then keeps what was reported and
   * estimates the rest from what was sent and received (a token per four characters of English,
   * more per character of other scripts), so token
   * and cost budgets still count the call. Absent otherwise.
   */
  usageEstimated?: true | undefined;
  /**
   * Set when a call of this step made model calls of its own (a subagent's run, the search
   * fallback): `usage` plus every call's `usage`, each field summed. `usage` stays the step's own
   * model call, as `result.usage` sums both.
   */
  usageWithChildren?: AgentUsage | undefined;
  /** `cost` plus what the calls' model calls cost, beside {@link AgentStep.usageWithChildren}. */
  costWithChildren?: Cost | undefined;
  /**
   * Set when the step's calls ran subagents: `usageWithChildren` split by agent, as
   * `AgentResult.usageByAgent` splits the run's: the step's own agent first (`path: []`), then
   * each subagent run it started (and those below them) in the order they ended. The entries
   * sum to the subagents' share of `usageWithChildren`.
   */
  usageByAgent?: AgentUsageByAgent[] | undefined;
  /**
   * What this model call cost, by the agent's `prices` over gemloop's table, at the tier that
   * served it (`serviceTier`, else the one asked for, else standard). Exact decimal strings of US
   * dollars; `null` amounts and `unknown` when a price is unknown. Zero for a `resume` step.
   */
  cost: Cost;
  /**
   * The tier that served this model call (`usageMetadata.serviceTier`, else the
   * `x-gemini-service-tier` header); may differ from the `serviceTier` asked for (`priority`
   * falls back to `standard`). Undefined when the API reported neither (Vertex).
   */
  serviceTier?: ServiceTier | undefined;
  /**
   * The model that served this call, when it is not the agent's (a plugin sent the call to
   * another, such as `modelFallback` of `@gemloop/core/fallback`): `usage` and `cost` are that
   * model's, at its prices. Absent: the agent's model.
   */
  model?: string | undefined;
  /**
   * The Interactions API interaction that answered this step (an agent on
   * `api: interactionsApi()`); a chat session stores the last one with the turn
   * (`ChatTurn.interactionId`) to continue from it. Absent on `generateContent`.
   */
  interactionId?: string | undefined;
  /**
   * Set when the answer took more than one request (a long-decode answer continued with
   * `CONTINUATION` tokens), or its stream was resumed or restarted: the hops, each one's usage,
   * the first hop's prompt count. `usage` already sums every hop.
   */
  continuation?: ContinuationReport | undefined;
  grounding: GroundingMetadata | undefined;
  urlContextMetadata: UrlContextMetadata | undefined;
  safetyRatings: SafetyRating[] | undefined;
  citationMetadata: CitationMetadata | undefined;
  /**
   * Set on a streamed step whose stream ended without a finish signal after its first chunk (see
   * `interrupted` in {@link AgentFinishReason}).
   */
  interrupted?: true | undefined;
  /** Set when this answer was not accepted and the model was asked again. */
  reask: { reason: ReaskReason; note: string } | undefined;
  /** The whole response (or the folded stream), for fields gemloop does not lift. */
  response: GenerateContentResponse;
  /** When the model call started (ms since the epoch). */
  startedAt: number;
  /** Duration of the model call. */
  modelMs: number;
  /** Duration of the tool calls of this step (0 without calls). */
  toolsMs: number;
};

/** What a run left behind: the history to continue from, the steps, the usage. */
export type AgentRunState = {
  /**
   * The whole history to continue from: the input (with dummy thought signatures filled in where
   * needed) followed by every content this run added, verbatim.
   */
  contents: Content[];
  /** Only the contents this run added (what a chat store saves). */
  newContents: Content[];
  steps: AgentStep[];
  /** Summed over every model call, re-asks and tool-made calls included. */
  usage: AgentUsage;
  /**
   * What `usage` cost, summed exactly over the same calls (see `AgentStep.cost`); unknown when any
   * call's price was.
   */
  cost: Cost;
  /**
   * With the `compaction` option, when the run compacted its history: the history the last
   * request sent (`contents` stays the whole one, for the record and a chat store) and a report
   * of each compaction.
   */
  compaction?: AgentCompactionState | undefined;
  /**
   * Set when the run had a steering controller (`options.steering`, a stream's own, a chat
   * send's): what happened to every message it brought, in order, each `applied` (with the step
   * whose request carries it) or `dropped` (with its `reason`: a message the run ended without,
   * at `maxSteps` for one, is here, not lost). Empty when nobody steered.
   */
  steering?: SteeringReport[] | undefined;
};

/** The usage of one agent of a run's tree (see `AgentResult.usageByAgent`). */
export type AgentUsageByAgent = {
  /** The agent's path relative to the run: `[]` for the run's own agent, then its subagents. */
  path: readonly string[];
  /** What this agent's own model calls used (its subagents' are in their own entries). */
  usage: AgentUsage;
};

/** What `agent.run()` (and `agent.stream().result`) resolves to. */
export type AgentResult<Output = undefined> = AgentRunState & {
  /** The non-thought text of the last model answer (partial on `max-tokens`). */
  text: string;
  /** The parsed and validated structured answer when `output` is set and the run stopped normally. */
  output: Output | undefined;
  finishReason: AgentFinishReason;
  /** The wire finishReason of the last model call. */
  rawFinishReason: FinishReason | undefined;
  finishMessage: string | undefined;
  /** Set when `finishReason` is `content-filter`. */
  blocked: BlockedOutcome | undefined;
  /** The grounding of every step (and tool-made grounded call), in order. */
  grounding: GroundingMetadata[];
  /** The parts of the last model answer (verbatim), for non-text output such as images. */
  parts: Part[];
  /** With the `cache` option: whether the prefix was cached and how many input tokens it saved. */
  cache?: AgentCacheReport | undefined;
  /**
   * `usage` split by agent: the run's own agent first (`path: []`), then every subagent the run
   * called (directly or below), in the order their runs ended. The entries sum to `usage`.
   */
  usageByAgent?: AgentUsageByAgent[] | undefined;
  /**
   * The agents the run was handed to (`handoff()`), in order; the last one holds the
   * conversation (a chat session sends the next message to it). Empty without a handoff.
   */
  handoffs?: string[] | undefined;
  /** Set when `finishReason` is `plugin`: which plugin ended the run, and why. */
  stoppedBy?: { readonly plugin: string; readonly reason: string } | undefined;
};

/** What the `compaction` option did in a run. */
export type AgentCompactionState = {
  /**
   * The compacted history to continue from: what the last request sent, and every content added
   * after it (the final answer included), as the next request of this run would send it.
   */
  sentContents: Content[];
  /** Each compaction, in order. */
  reports: CompactionReport[];
};
