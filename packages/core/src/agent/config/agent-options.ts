import type { HistoryTurn } from '../../history/history-turn.ts';
import type { CallOptions, Gemini } from '../../http/gemini.ts';
import type { Logger } from '../../logging/logger.ts';
import type { ModelCapabilities } from '../../models/model-capabilities.ts';
import type { PricesOption } from '../../models/model-prices.ts';
import type { Pricer } from '../../models/pricer.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { ContinuationOptions } from '../../run/continuation-options.ts';
import type { Steering } from '../../run/steering-controller.ts';
import type { RunObserver } from '../../telemetry/run-observer.ts';
import type { TelemetryOptions } from '../../telemetry/telemetry-options.ts';
import type { SafetyDecision } from '../../tools/builtin/safety-decision.ts';
import type { StandardSchemaV1 } from '../../tools/schema/standard-schema.ts';
import type { AnyTool } from '../../tools/tool.ts';
import type { Content, Part } from '../../wire/content.ts';
import type {
  FunctionCallingMode,
  GenerationConfig,
  LatLng,
  SafetySetting,
} from '../../wire/request.ts';
import type { ServiceTier } from '../../wire/service-tier.ts';
import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import type { AgentApi } from '../plugins/model-requests/model-requests.ts';
import type { StopCondition } from '../stop-conditions.ts';
import type { GuardrailsValue } from './guardrails-value.ts';
import type { PluginOption } from './plugin-option.ts';

/**
 * How hard the model thinks, in one vocabulary for every generation. gemloop maps it to
 * `thinkingLevel` on Gemini 3 and `thinkingBudget` on Gemini 2.5 (the wrong field is a 400):
 *
 * | effort    | Gemini 3 (`thinkingLevel`) | Gemini 2.5 (`thinkingBudget`) |
 * |-----------|----------------------------|-------------------------------|
 * | `off`     | `MINIMAL` (3 cannot fully stop thinking; Pro: error) | `0` (Pro: error)   |
 * | `minimal` | `MINIMAL` (Pro: error)     | `512`                         |
 * | `low`     | `LOW`                      | `1024`                        |
 * | `medium`  | `MEDIUM`                   | `8192`                        |
 * | `high`    | `HIGH`                     | `24576`                       |
 * | `dynamic` | (model default)            | `-1`                          |
 */
/**
 * How hard the model thinks. `xhigh` is sent as `XHIGH` on a model whose capabilities say it takes
 * it (`highestThinkingLevel`: Gemini 4 Hydrogen alone today), and as the model's highest level
 * elsewhere, with a warning, as `@ai-sdk/google` 4.0.121 maps it (CHANGELOG 4e43721).
 */
export type ThinkingEffort = 'off' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'dynamic';

/**
 * The `thinking` option: an effort, or an object with an effort or an explicit token `budget`
 * (Gemini 2.5; on Gemini 3 a budget is mapped to the nearest level), and `includeThoughts` to get
 * thought summaries (as `thought-delta` events and `step.thoughts`, never as answer text).
 */
export type ThinkingOption =
  | ThinkingEffort
  | {
      effort?: ThinkingEffort | undefined;
      /** Tokens; `0` off, `-1` dynamic. Exclusive with `effort`. */
      budget?: number | undefined;
      includeThoughts?: boolean | undefined;
    };

/**
 * Which functions the model may call (`toolConfig.functionCallingConfig`): a mode, or a mode with
 * the allowed function names (`ANY` or `VALIDATED` only). With `ANY` the model must call a
 * function at every step, so the run ends only by `maxSteps` or `stopWhen`.
 */
export type ToolChoice =
  | FunctionCallingMode
  | { mode: 'ANY' | 'VALIDATED'; allowedFunctionNames: readonly string[] };

/** What `beforeToolCall` gets for one call. */
export type BeforeToolCallContext = {
  toolName: string;
  toolCallId: string;
  /** The arguments after the tool's schema parsed them. */
  args: unknown;
  /** The model's arguments, as sent. */
  rawArgs: Record<string, unknown>;
  stepNumber: number;
  /**
   * The call's 0-based position among the function calls of its model turn. With `stepNumber`
   * it names the call even when the model gave two calls the same `toolCallId` (it can), or
   * reuses an id in a later step: key anything kept per call (an approval) by both.
   */
  callIndex: number;
  /** The live history up to and including the model turn that made the call. Do not keep it. */
  contents: readonly Content[];
  /** Aborted with the run. */
  signal: AbortSignal;
  /**
   * The safety decision the model's safety system attached to the call (computer use puts
   * `safety_decision` in its args), or `undefined`. When `decision` is `require_confirmation`, ask
   * the user: only an explicit `{ type: 'approve' }` (or `modify`) runs the call, and its response
   * then carries `safety_acknowledgement: "true"` as Google documents; returning nothing denies it.
   */
  safetyDecision?: SafetyDecision | undefined;
  /**
   * The tool guardrail that asked a person to approve this call (its `before` said `ask`), or the
   * plugin that did (its `beforeToolCall` returned `{ type: 'ask' }`: its `askedBy`, else its
   * name), or `undefined`. Such a call runs only on an explicit `{ type: 'approve' }` (or `modify`).
   */
  askedBy?: string | undefined;
  /**
   * Which agent of the tree made the call: `[]` for the agent run, else the subagent's path
   * (e.g. `['research', 'searcher#2']`). A subagent without its own `beforeToolCall` asks the
   * nearest agent above it that has one, so the top run's hook approves every call of the tree.
   */
  path: readonly string[];
};

/**
 * What `beforeToolCall` decides. `undefined` (or nothing) approves. `deny` answers the call with
 * an error response holding `message` (the model sees it). `modify` runs the tool with other
 * arguments, checked against the tool's schema again; the model's own call stays in the history
 * as it was.
 */
export type BeforeToolCallDecision =
  | { type: 'approve' }
  | { type: 'deny'; message: string }
  | { type: 'modify'; args: unknown }
  | undefined
  // biome-ignore lint/suspicious/noConfusingVoidType: lets a hook that approves by returning nothing (`async () => { log(call) }`) type-check without `return undefined`.
  | void;

/** The human-in-the-loop hook: called before each call whose arguments parsed. */
export type BeforeToolCallHook = (
  context: BeforeToolCallContext,
) => BeforeToolCallDecision | Promise<BeforeToolCallDecision>;

/** What `onStepEnd` gets besides the step. */
export type StepEndContext = {
  /** All steps so far, this one included. */
  steps: readonly AgentStep[];
  /** The live history. Do not keep it; `result.contents` is the final one. */
  contents: readonly Content[];
};

/**
 * A schema for the structured final answer: a zod 4 or zod 3 (3.24+) schema, or another Standard
 * Schema that implements Standard JSON Schema. The JSON Schema sent as `responseJsonSchema` is
 * derived from it once, and the answer is validated with it (defaults and transforms apply).
 */
// biome-ignore lint/suspicious/noExplicitAny: the schema's input type does not matter here.
export type OutputSchema<Output> = StandardSchemaV1<any, Output>;

/** Options of {@link createAgent}. */
export type AgentOptions<Output = undefined> = {
  /** The client, from `createGemini()`. */
  gemini: Gemini;
  /** `gemini-3-flash-preview`, `gemini-2.5-pro`, ... */
  model: string;
  /** The system instruction. */
  instructions?: string | Part[] | Content | undefined;
  /** Function tools (`defineTool`) and built-ins (`googleSearch()`, ...). */
  tools?: readonly AnyTool[] | undefined;
  /**
   * The most model calls of the tool loop. When the last one calls functions, they are run and
   * answered, and the run ends with `finishReason: 'max-steps'`. @defaultValue 10
   */
  maxSteps?: number | undefined;
  /**
   * End the run after a step when any of these holds (`hasToolCall`, `hasToolError`,
   * `totalTokensExceed`, or your own). The number of steps is bounded by `maxSteps` alone.
   */
  stopWhen?: StopCondition | readonly StopCondition[] | undefined;
  toolChoice?: ToolChoice | undefined;
  /** temperature, topP, maxOutputTokens, ... (use `thinking` and `output` for those). */
  generationConfig?: GenerationConfig | undefined;
  thinking?: ThinkingOption | undefined;
  /** Makes the final answer JSON that matches this schema, parsed into `result.output`. */
  output?: OutputSchema<Output> | undefined;
  /**
   * How many function calls of one model turn run at once; the others wait for a free slot and
   * every call is still answered, in call order. The bound keeps a turn of thousands of calls (a
   * hostile or looping model) from opening thousands of sockets, files or worker threads at once.
   * `Infinity` runs all calls of a turn at once.
   * @defaultValue 8 (`DEFAULT_TOOL_CONCURRENCY`)
   */
  toolConcurrency?: number | undefined;
  /**
   * The order of the calls of one model turn. `'as-ready'`: each call is asked `beforeToolCall`
   * and runs as soon as it can, and its `tool-result` (or `tool-error`) event goes out when it
   * ends. `'replayable'`: the order depends on the turn alone, never on timing: every
   * `beforeToolCall` decision of the turn is made first, one call at a time in call order; then
   * the calls cleared to run start in call order (each `execute` is called before the next one
   * starts, still at most `toolConcurrency` at once); and the calls are settled (their events,
   * the `toolErrors: 'throw'` failure, the abort of the others) in call order. For an engine that
   * records each call as a step numbered by the order it starts in and replays the run from those
   * records (`@gemloop/dbos`): a replay then meets the calls in the same order.
   * @defaultValue 'as-ready'
   */
  toolCallOrder?: 'as-ready' | 'replayable' | undefined;
  /**
   * Time limit of one tool call in milliseconds, unless the tool sets its own `timeoutMs`. A call
   * still running then gets its signal aborted and is answered with a timeout error (or, with
   * `toolErrors: 'throw'`, ends the run with a `ToolTimeoutError`), so a tool that never settles
   * cannot hang a run. The time starts when the call starts (not while it waits for a slot, nor
   * during `beforeToolCall`). `Infinity` (or any value above 2^31-1 ms) for no limit.
   * @defaultValue 120000 (`DEFAULT_TOOL_TIMEOUT_MS`, the client's default request timeout)
   */
  toolTimeoutMs?: number | undefined;
  /**
   * `report`: a failing call (bad arguments, unknown tool, a throw, a timeout) goes back to the
   * model as an error response it can act on. `throw`: the run throws a typed error instead.
   * @defaultValue 'report'
   */
  toolErrors?: 'report' | 'throw' | undefined;
  /**
   * How many times in a row an unusable answer (malformed or unexpected function call, empty
   * answer, structured output that fails its schema) is re-asked with a corrective note before
   * the run throws. @defaultValue 2
   */
  maxReasks?: number | undefined;
  /**
   * The most times a run may have been handed off (a plugin's `{ type: 'hand-off' }` outcome, a
   * `handoff()` tool) when this agent hands it on: one more ends the run with a `PluginError`
   * naming this option. Each agent's `maxSteps` counts from zero when it takes a run, so two
   * agents that hand it back and forth would otherwise call models without end (openai-agents
   * bounds the same by counting `maxTurns` across hand-offs). @defaultValue 25
   */
  maxHandOffs?: number | undefined;
  /**
   * The most model calls one step may make through the plugins' `wrapModelCall` hooks (a retry, a
   * fallback to other models each call `next` again): one more ends the run with a
   * `ModelCallLimitError` (`@gemloop/core/plugins`) naming the plugin that asked for it, before that
   * request is sent. Without such a hook a step makes one call, and this is never read. Raise it for
   * a wrapper that needs more (a fallback over more than nine other models). @defaultValue 10
   */
  maxModelCallsPerStep?: number | undefined;
  /**
   * Automatic continuation of long-decode answers (Gemini 4: `finishReason: 'CONTINUATION'` with
   * a `continuationToken`): the step resends the same request with the token until the model
   * finishes, and resumes a dropped stream from its last checkpoint. `false` turns it off (the
   * run then ends on the partial answer, `finishReason: 'other'`, `rawFinishReason:
   * 'CONTINUATION'`). See {@link ContinuationOptions}.
   * @defaultValue true (on, with the defaults of {@link ContinuationOptions})
   */
  continuation?: ContinuationOptions | boolean | undefined;
  /**
   * Which Gemini API the model calls use: `'generateContent'`, or `interactionsApi()` from
   * `@gemloop/core/interactions` (Google's Interactions API, server-side state: each step sends
   * only what is new). Tools, events,
   * approvals, stop conditions, telemetry and recording are the same on both. See {@link AgentApi}.
   * @defaultValue `'generateContent'`
   */
  api?: AgentApi | undefined;
  onStepEnd?: ((step: AgentStep, context: StepEndContext) => void | Promise<void>) | undefined;
  beforeToolCall?: BeforeToolCallHook | undefined;
  /**
   * Which errors end the run at once, as they are. When a model call, a tool's `execute` or
   * `beforeToolCall` throws an error for which this returns `true`, the run stops there: that call
   * gets no response, the model is not called again, no later hook runs, the turn's other calls
   * are aborted (with this error as their signal's reason), and `run()` (or `stream().result`)
   * rejects with this very error, not a wrapper. The loop's own errors (`AgentRunError`, ...) are
   * not asked about.
   *
   * For code that can lose the right to go on with a run: a durable workflow engine whose
   * execution was cancelled or taken over by another worker must end that execution, never hand
   * the engine's error to the model as the tool's failure (the model would be called again, by a
   * process that no longer owns the run). A predicate that throws counts as `false`.
   * @defaultValue none: every error of a tool is the tool's, reported to the model
   */
  isRunEndingError?: ((error: unknown) => boolean) | undefined;
  /**
   * Checks on the run's input, its final answer and its function calls, and the rewrite of thrown
   * tool errors before the model sees them (`@gemloop/core/guardrails`). A run's and a chat
   * session's own guardrails run after these. See `Guardrails` (`@gemloop/core/guardrails`).
   * @defaultValue none; thrown tool errors reach the model as `safeToolErrorMessage` makes them
   */
  guardrails?: GuardrailsValue | undefined;
  /**
   * Plugins: hooks around the run's model calls, answers and tool calls
   * (`@gemloop/core/plugins`, `definePlugin`). Before-hooks run in this order, after-hooks in
   * reverse, wrappers with the first outermost. See docs/writing-a-plugin.md.
   * @defaultValue none
   */
  // biome-ignore lint/suspicious/noExplicitAny: a list of plugins, each with its own state type
  plugins?: readonly AgentPlugin<any>[] | undefined;
  /** @defaultValue silent */
  logger?: Logger | undefined;
  /** Overrides of the model-capabilities table, for models it does not know (gateway aliases). */
  capabilities?: Partial<ModelCapabilities> | undefined;
  safetySettings?: readonly SafetySetting[] | undefined;
  /** `cachedContents/{id}`: a cache you manage yourself (see `cache` for one the agent manages). */
  cachedContent?: string | undefined;
  /**
   * Cache the stable prefix of every request (system instruction, tool declarations, tool config,
   * and `cache.contents`) with `gemini.caches`, when it reaches the model's minimum cacheable
   * size: created once, shared by runs and chat turns, its TTL refreshed while in use, recreated
   * when it expired, deleted by `agent.close()`. Requests then send `cachedContent` instead of
   * those fields. `result.cache` says how many input tokens it saved. Refused beside
   * `api: interactionsApi()`, whose requests have no field for `cachedContent`.
   */
  cache?: true | AgentCacheOptions | undefined;
  /**
   * Keep long runs inside the model's window: before a step whose request passes the threshold,
   * clear old tool results, prune old thoughts and (optionally) summarize older turns, never
   * breaking call/response pairing or thought signatures. It never touches the `cache` prefix
   * (system instruction, tools, `cache.contents`): only the run's history is compacted.
   * `result.contents` stays whole; `result.compaction` holds what was sent. The value is made by
   * `compaction({ ... })` of `@gemloop/core/compaction`: sugar for a plugin (`beforeModelCall`)
   * made for the model of the agent holding the run.
   * @defaultValue off
   */
  compaction?: PluginOption<'compaction'> | false | undefined;
  /**
   * A cap on what one tool result puts in the context (tokens or bytes, per agent and per tool);
   * past it the result is cut and marked (`gemloopTruncated`), the full one kept in `artifacts`
   * for `read_tool_output`. Made by `toolOutput({ ... })` of `@gemloop/core/compaction`: sugar
   * for its plugin, added after the agent's own `plugins`; `false` for no cap at all.
   *
   * Without it (and for tools a `toolOutput` without an agent-wide limit leaves out) a result is
   * cut past 25,000 tokens, or a tenth of the model's window when that is less
   * (`DEFAULT_TOOL_OUTPUT_MAX_TOKENS`): nothing keeps the rest for the model, whose marker asks
   * for less; the app still gets the whole value (`result.steps[i].toolCalls[j].output`).
   * @defaultValue a cap of 25,000 tokens, nothing kept for the model
   */
  toolOutput?: PluginOption<'tool-output'> | false | undefined;
  /**
   * The inference tier of every model call: `'flex'` (cheaper, may queue or 503), `'standard'`,
   * `'priority'`. The tier that served each call is on `step.serviceTier`.
   */
  serviceTier?: ServiceTier | undefined;
  /**
   * What the model costs, for `step.cost`, `result.cost`, spans, recordings and cost budgets
   * (`costAbove`): a table merged over gemloop's (`knownPrices` in `@gemloop/core/models`, the
   * Gemini API's list prices with their sources), or a function `(model, tier) => price` (return
   * `undefined` to fall back to gemloop's table, `null` for unknown). Give it for a gateway that
   * bills differently (CometAPI, OpenRouter) or a model gemloop has no price for; a model with no
   * price gets an unknown cost (`null`), never a guessed one.
   *
   * Sugar for the `pricing` plugin every agent has by default (listed in `agent.plugins`). A
   * {@link Pricer} of your own (`{ name, price: (usage, model, tier) => cost }`, such as a
   * gateway's price list) replaces it; `false` turns pricing off (every cost is unknown, which a
   * cost budget counts as over).
   * @defaultValue gemloop's table
   */
  prices?: PricesOption | Pricer | false | undefined;
  /**
   * Vertex AI only: stream function-call arguments as the model writes them
   * (`functionCallingConfig.streamFunctionCallArguments`). Sent on `agent.stream()` steps only,
   * never on `run()`'s unary calls; the stream fold assembles the pieces into whole calls.
   * The Gemini API does not support it. @defaultValue false
   */
  streamFunctionCallArguments?: boolean | undefined;
  /** Location for Google Maps grounding (`toolConfig.retrievalConfig`). */
  retrievalConfig?: { latLng?: LatLng | undefined; languageCode?: string | undefined } | undefined;
  /** Per-call client options for every model call (timeout, retry, headers). */
  callOptions?: Omit<CallOptions, 'signal'> | undefined;
  /** The clock, for step timings. @defaultValue Date.now */
  now?: (() => number) | undefined;
  /** The agent's name, for telemetry (`invoke_agent {name}`) and the run recorder. */
  name?: string | undefined;
  /**
   * OpenTelemetry settings, or `false` for none. @defaultValue traces and metrics go to the
   * globally registered providers when there are any; otherwise nothing is done
   */
  telemetry?: TelemetryOptions | false | undefined;
  /**
   * Writes every run to disk for `npx gemloop view`: `recorder: createRunRecorder()`. Any
   * {@link RunObserver} fits here.
   */
  recorder?: RunObserver | undefined;
};

/** Options of one run. */
export type RunOptions = {
  /** Aborts the run: model calls, streams and tools (through their context signal). */
  signal?: AbortSignal | undefined;
  /**
   * The conversation so far, continued by `input` (e.g. a stored chat and the new message). Not
   * counted in `result.newContents`, which then holds the new message and every turn after it.
   *
   * Contents are taken as this agent's model's. Turns (`{ contents, model }`, a
   * {@link HistoryTurn}) say which model wrote each: the thought signatures of turns another model
   * wrote are removed before sending (copies; the given contents are never changed), since
   * signatures are bound to the model that issued them (another model answers `400 Invalid thought
   * signature`); the documented dummy goes where Gemini 3 requires one, and one warning names the
   * models. Chat sessions pass their stored turns this way.
   */
  history?: readonly Content[] | readonly HistoryTurn[] | undefined;
  /**
   * This run's guardrails, run after the agent's (lists joined, this run's settings win). See
   * {@link GuardrailOptions}.
   */
  guardrails?: GuardrailsValue | undefined;
  /**
   * Stop conditions of this run only, checked after the agent's own `stopWhen` (a chat session's
   * cost budget, a parent's budget for a subagent): `stopWhen: costAbove(0.5)`.
   */
  stopWhen?: StopCondition | readonly StopCondition[] | undefined;
  /**
   * Talks to the run while it works: a controller from `createSteering()`
   * (`@gemloop/core/steering`) whose `steer()` messages join the history at the next step
   * boundary and whose `queue()` messages follow the answer. `agent.stream()` makes one of its
   * own when this is left out (its handle's `steer()`/`queue()`).
   * @defaultValue none
   */
  steering?: Steering | undefined;
  /**
   * A budget for the run and every subagent run below it (`subagent()` of
   * `@gemloop/core/composition`), besides each agent's own `maxSteps`: past it, the run about to
   * call the model fails with a `TreeBudgetError`, which ends the whole tree. `maxSteps` is held
   * exactly, subagents started at once included (a step holds its unit of it from its check until
   * it ends); `maxTokens` and `maxCostUsd` are known only as calls are priced, so the tree may end
   * a call past them (one a run stepping at the same time).
   */
  budget?: TreeBudgetOptions | undefined;
  /**
   * This run's compaction, in place of the agent's `compaction` option (`false`: none). A chat
   * session passes its own `compaction` here. Made by `compaction({ ... })` of
   * `@gemloop/core/compaction`.
   */
  compaction?: PluginOption<'compaction'> | false | undefined;
  /**
   * This run's plugins, after the agent's (a chat session passes its own here). See the
   * agent's `plugins` option.
   */
  // biome-ignore lint/suspicious/noExplicitAny: a list of plugins, each with its own state type
  plugins?: readonly AgentPlugin<any>[] | undefined;
  /**
   * This run's generation settings, over the agent's `generationConfig` for this run's requests
   * only (its tool steps and its final-output call): each field given replaces the agent's (one
   * level deep: a `thinkingConfig` given replaces the agent's whole). Checked as the agent's
   * option is, with the same refusals (`candidateCount` above 1, `thinkingConfig` beside the
   * agent's `thinking`, a response schema or MIME type beside its `output`). A subagent or an
   * agent the run hands off to uses its own agent's settings (a run's settings are for its own
   * agent's model), and the agent's option is unchanged for its next run.
   * @example `agent.run('Summarise this.', { generationConfig: { temperature: 0.2, maxOutputTokens: 512 } })`
   * @defaultValue none: the agent's `generationConfig`
   */
  generationConfig?: GenerationConfig | undefined;
};

/** The `budget` run option: totals over a run's tree. */
export type TreeBudgetOptions = {
  /**
   * Model steps of every agent of the tree together, held exactly: a step under way counts from
   * its check, so a parent whose step starts subagents at once and those subagents make at most
   * this many model calls in all. @defaultValue Infinity
   */
  maxSteps?: number | undefined;
  /**
   * `totalTokenCount` of every model call of the tree together; a call whose server reported no
   * usable total (none, negative) counts an estimate (`step.usageEstimated`). @defaultValue Infinity
   */
  maxTokens?: number | undefined;
  /**
   * US dollars (a number or a decimal string, `0.5`, `'2.00'`) every model call of the tree may
   * cost together, each priced as `step.cost` is (the agent's `prices`). Once the tree's cost is
   * over it, the next run about to call the model fails with a `TreeBudgetError` (`limit: 'cost'`).
   * `0` (or `'0.00'`) allows no model call: the tree fails so before its first (over, not at, let
   * one paid call through a budget of nothing).
   * A call without a price makes the tree's cost unknown, and an unknown cost counts as over: the
   * budget cannot be proven, so the tree stops before its next model call rather than spend
   * unbounded (give the agents `prices` for their models and tiers).
   * @defaultValue none
   */
  maxCostUsd?: number | string | undefined;
};

/** The agent's `cache` option: cache the stable prefix of its requests. */
export type AgentCacheOptions = {
  /**
   * How long the cache lives without use, in seconds, 1 to 315,576,000,000 (a protobuf Duration's
   * 10,000 years); refreshed while the agent uses it. @defaultValue 3600
   */
  ttlSeconds?: number | undefined;
  /**
   * Cache only when the prefix counts at least this many tokens (the model's minimum; a smaller
   * cache is refused by the API). @defaultValue `getMinCacheTokens(model)`
   */
  minTokens?: number | undefined;
  /**
   * A long document (or any contents) every run starts with, cached with the instructions and
   * tools. Sent before each run's input (and not part of `result.contents`); when the prefix is
   * too small to cache it is sent inline instead.
   */
  contents?: string | readonly Content[] | undefined;
  /** The cache's `displayName`. @defaultValue `gemloop agent <model>` */
  displayName?: string | undefined;
};
