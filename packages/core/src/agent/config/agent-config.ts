import type { CallOptions, Gemini } from '../../http/gemini.ts';
import type { ModelCallEntry } from '../../http/model-call-entry.ts';
import type { Logger } from '../../logging/logger.ts';
import type { ModelCapabilities } from '../../models/model-capabilities.ts';
import type { PriceModelCall } from '../../models/pricer.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { ContinuationSettings } from '../../run/continuation-options.ts';
import type { ModelCallWrapper } from '../../run/model-call-wrapper.ts';
import type { Redactor } from '../../shared/client-redactor.ts';
import type { RunObserver } from '../../telemetry/run-observer.ts';
import type { ArgumentRedactor } from '../../tools/define/argument-redactor.ts';
import type { ToolOutputLimit } from '../../tools/responses/cut-function-response.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import type { ResolvedPlugins } from '../plugins/run-plugins.ts';
import type { StopCondition } from '../stop-conditions.ts';
import type { PreparedOutput } from '../structured-output.ts';
import type { PreparedTools } from '../tool-calls/prepare-tools.ts';
import type { BeforeToolCallHook, StepEndContext } from './agent-options.ts';

/** The request of every step but `contents`, built once per agent. @internal */
export type BaseRequest = Omit<GenerateContentRequest, 'contents'>;

/**
 * How the structured answer is asked for: not at all; with the schema on every request (no tools,
 * or a model that combines a response schema with tools); or, on models that cannot, with one more
 * call without tools once the tool loop is done.
 * @internal
 */
export type OutputMode = 'none' | 'inline' | 'final-call';

/**
 * Everything a run needs, checked and precomputed by `createAgent`, and never written after it
 * returns (what the agent keeps between runs is its `AgentRuntime`). @internal
 */
export type AgentConfig<Output> = {
  gemini: Gemini;
  /** The client's internal entry (see `modelCallEntryOf`): every model call of a run goes through it. */
  modelCall: ModelCallEntry;
  model: string;
  capabilities: ModelCapabilities;
  logger: Logger;
  tools: PreparedTools;
  /** The request of a tool-loop step, without `contents`. */
  request: BaseRequest;
  /**
   * The request of the final structured-output call (`final-call` mode), without `contents`. Made
   * for every agent with `output`: a plugin may send a `final-call` run's last call to this model.
   */
  finalOutputRequest: BaseRequest | undefined;
  /**
   * The request of a streamed tool-loop step when it differs from `request`: with
   * `functionCallingConfig.streamFunctionCallArguments` (Vertex), which unary calls never send.
   */
  streamRequest?: BaseRequest | undefined;
  outputMode: OutputMode;
  output: PreparedOutput<Output> | undefined;
  maxSteps: number;
  stopWhen: readonly StopCondition[];
  toolConcurrency: number;
  toolCallOrder: 'as-ready' | 'replayable';
  toolTimeoutMs: number | undefined;
  toolErrors: 'report' | 'throw';
  maxReasks: number;
  /** The most hand-offs a run may have had when this agent hands it on (`maxHandOffs`). */
  maxHandOffs: number;
  /** The most model calls a step may make through the plugins' `wrapModelCall` hooks. */
  maxModelCallsPerStep: number;
  /** Automatic continuation of long-decode answers (the `continuation` option, defaults applied). */
  continuation: ContinuationSettings;
  /**
   * The plugins the agent has without being given them (the continuation plugin, made from
   * `continuation` unless it is off; the pricing plugin, made from `prices` unless it is
   * `false`), listed by `agent.plugins` after the agent's own.
   */
  defaultPlugins: readonly AgentPlugin[];
  /**
   * The plugin that wraps each model call's requests (continuation, among `defaultPlugins`), found
   * once per agent; `undefined`: each call is one request to the entry.
   */
  modelCalls: ModelCallWrapper | undefined;
  onStepEnd: ((step: AgentStep, context: StepEndContext) => void | Promise<void>) | undefined;
  beforeToolCall: BeforeToolCallHook | undefined;
  /** See `AgentOptions.isRunEndingError`; asked through `isRunEnding`. */
  isRunEndingError: ((error: unknown) => boolean) | undefined;
  /**
   * The plugins whose `wrapModelRequest` made `modelCall` (the `plugins` option's, then the `api`
   * option's), listed by `agent.plugins`; those that only wrap requests are not in `plugins`.
   */
  requestPlugins: readonly AgentPlugin[];
  /** The `plugins` option resolved into hook lists; `undefined` without plugins. */
  plugins: ResolvedPlugins | undefined;
  callOptions: Omit<CallOptions, 'signal'> | undefined;
  /** Scrubs the client's API key from what tools and hooks fail with (`ModelCallEntry.redact`). */
  redact: Redactor;
  /**
   * Redacts the tools' `secretArguments` from what observers see and tool errors carry;
   * `undefined` when no tool declares any.
   */
  argumentRedactor: ArgumentRedactor | undefined;
  now: () => number;
  /** The agent's name (telemetry, recorder). */
  name: string | undefined;
  /**
   * The plugin of the `compaction` option made for the agent's model (defaults applied);
   * `undefined` when off. Not among `plugins`: a run holds it while the agent holds the run,
   * unless the run has its own `compaction` (see `agentScope`).
   */
  compaction: AgentPlugin | undefined;
  /**
   * The loop's own cap on a tool result (a cheap check): the default one; with a `toolOutput`
   * (whose plugin, in `plugins`, cuts), the widest of its limits as a net; `undefined` for
   * `toolOutput: false`.
   */
  toolOutputDefault: ToolOutputLimit | undefined;
  /** Telemetry and the recorder; empty when `telemetry: false` and no recorder. */
  observers: readonly RunObserver[];
  /**
   * What a model call cost: the pricer among `defaultPlugins` (gemloop's `pricing` plugin, made
   * from the `prices` option, or the option's own pricer), found once per agent. Without one
   * (`prices: false`, or a config resolved without the facade's makers) every cost is unknown.
   */
  price: PriceModelCall;
  /**
   * Whether `price` may run when a cost is first read rather than as each call ends: gemloop's
   * own pricing over its table or a table of the `prices` option (a pure function of the call),
   * or no pricer. `false` or absent (a pricer or a lookup function of the user's, a config built
   * by hand): each call is priced as it ends, so user code never runs at an unexpected moment.
   */
  priceOnRead?: boolean | undefined;
  /**
   * The `cost` descriptor this config's model steps share when priced on read, made on first use
   * (`stepCostProperty` in `run-state/step-cost.ts`, whose type it is).
   * @internal
   */
  stepCost?: (PropertyDescriptor & { readonly owner: object }) | undefined;
  /**
   * The same options resolved for another model, for a call a plugin sends there
   * (`ModelCallDraft.model`): its request (thinking fields, tools as that model takes them),
   * capabilities and pricer. Resolved on first use, once per model; `undefined` in a config built
   * by hand (tests), where such a call only changes the request's model.
   */
  forModel?: ((model: string) => AgentConfig<Output>) | undefined;
};
