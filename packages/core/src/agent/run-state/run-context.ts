import type { CallOptions } from '../../http/gemini.ts';
import type { GuardrailCheckRecord, GuardrailPhase } from '../../run/guardrail-check-record.ts';
import type { RunObservation } from '../../telemetry/run-observer.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { RunOptions } from '../config/agent-options.ts';
import type { GuardrailsValue } from '../config/guardrails-value.ts';
import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import type { PluginHookRecorder, RunPlugins } from '../plugins/run-plugins.ts';
import type { EmitEvent } from './emit-event.ts';
import type { RunLink } from './run-link.ts';
import type { RunTracker } from './run-tracker.ts';

/**
 * What every phase of one run reads: the agent's settings, the run's growing state, and how the
 * run is driven. Made once per run by `runLoop`, so each phase takes one argument for all of it.
 * @internal
 */
export type RunContext<Output> = {
  readonly config: AgentConfig<Output>;
  /** The history, steps, usage and grounding so far. */
  readonly run: RunTracker;
  /** The run's own signal (always an AbortSignal: `run` and `stream` check what they are given). */
  readonly signal: AbortSignal;
  /** Model calls use `streamGenerateContent` (and emit deltas). */
  readonly streaming: boolean;
  /**
   * The `stream()` consumer's queue, and the observers' events (`observedEmit`); `undefined` for
   * a `run()` nobody observes, so no event is built.
   */
  readonly emit: EmitEvent;
  /** Telemetry and the recorder following this run's model and tool calls, when any does. */
  readonly observation: RunObservation | undefined;
  /**
   * What the plugins of the agent holding the run send before the history of every request (its
   * prompt cache's `cache.contents`, see `AgentRuntime.leadingContents`): compaction counts them.
   */
  readonly leadingContents: readonly Content[] | undefined;
  /** The run's place in its tree: its path, the top stream, the inherited approval hook. */
  readonly link: RunLink;
  /** The options of every model call of the run (see `modelCallOptions`), built once per run. */
  readonly callOptions: CallOptions;
  /**
   * What the run brings besides its agent (inherited tool guardrails, its own guardrails and
   * compaction option): a handoff joins them to the receiving agent's.
   */
  readonly settings: RunSettings;
  /**
   * The guardrails of the agent holding the run joined with the run's (see `agentScope`);
   * `undefined` without any.
   */
  readonly guardrails: EngineGuardrails | undefined;
  /**
   * The plugin of the run's compaction (the run's option, else that of the agent holding the
   * run), made for the holding agent's model; the run's plugins hold it first (see
   * `agentScope`). `undefined`: off. The loop never calls it itself.
   */
  readonly compaction: AgentPlugin | undefined;
  /**
   * The run's plugins and their states (`plugins` of the agent, the run and the runs above);
   * `undefined` without any, so a step checks one field and does nothing more.
   */
  readonly plugins?: RunPlugins | undefined;
};

/**
 * What a run brings besides its agent: the tool guardrails of the runs above it (a subagent's),
 * its own guardrails (a chat session's joined in) and its own `compaction` option. A handoff keeps
 * them and joins them to the receiving agent's (see `agentScope`). @internal
 */
export type RunSettings = {
  readonly inheritedGuardrails: GuardrailsValue | undefined;
  readonly guardrails: GuardrailsValue | undefined;
  readonly compaction: RunOptions['compaction'];
  /**
   * The durable runner's recorder of the run's tree (the one of the plugin seam): the guardrails'
   * checks are recorded through it (their verdicts are not deterministic). `undefined`: none.
   */
  readonly recordHook?: PluginHookRecorder | undefined;
};

/** A guardrail stopped the run: which one, where, and why. @internal */
export type GuardrailTrip = {
  type: 'trip';
  name: string;
  phase: GuardrailPhase;
  reason: string;
};

/** What the input guardrails decided (the run's input, or a steer). @internal */
export type InputCheckResult =
  | { type: 'pass' }
  | { type: 'rewrite'; contents: Content[] }
  | GuardrailTrip
  | { type: 'aborted' };

/** What the tool guardrails decided before a call. @internal */
export type ToolInputCheckResult =
  | { type: 'allow' }
  | { type: 'ask' /** The guardrail that asked (the first, when several did). */; name: string }
  | { type: 'deny'; message: string }
  | GuardrailTrip
  | { type: 'aborted' };

/** What the tool guardrails decided after a call. @internal */
export type ToolOutputCheckResult =
  | { type: 'pass' }
  | { type: 'replace'; result: unknown }
  | GuardrailTrip
  | { type: 'aborted' };

/** What the checks of one moment of a run share. @internal */
export type GuardrailRunOptions = {
  agentName: string | undefined;
  contents: readonly Content[];
  signal: AbortSignal;
  now: () => number;
  stepNumber: number;
  timeoutMs: number;
  failOpen: boolean;
  /** Told about every check as it ends (events, spans, the recorder). */
  record: (record: GuardrailCheckRecord) => void;
};

/** A function call as a tool guardrail sees it. @internal */
export type GuardedToolCall = {
  toolName: string;
  toolCallId: string;
  args: unknown;
  stepNumber: number;
};

/**
 * What the loop calls to run guardrails. It comes with the `guardrails` option's value (made by
 * `guardrails()` of `@gemloop/core/guardrails`, implemented in `guardrails/`), so an agent without
 * guardrails never loads (nor bundles) the checks, and no loop folder imports `guardrails/` (the
 * architecture test refuses it). Declared here, beside the context its phases take, because the
 * two refer to each other (a type cycle across files is refused); the guardrails' own lists are
 * opaque to the loop (methods, so the implementation's element types fit). @internal
 */
export type GuardrailEngine = {
  /** The guardrails of a run: the layers joined, outermost first, each check recorded by `record`. */
  compose(
    layers: readonly (GuardrailsValue | undefined)[],
    record: PluginHookRecorder | undefined,
  ): EngineGuardrails | undefined;
  /** What a run's children inherit: the tool checks and their time limit (`undefined`: none). */
  inheritable(guardrails: EngineGuardrails): GuardrailsValue | undefined;
  /**
   * The plugin that runs a value's input and output guardrails (and `holdBack`) on the seam's
   * hooks (`guardrails/io-guardrails-plugin.ts`), added to the agent's plugins for its option and
   * to a run's for its own; `undefined` when the value has neither.
   */
  plugin(value: GuardrailsValue): AgentPlugin | undefined;
  /**
   * A user message through the input guardrails outside a run (a live session's text): the
   * sequential ones, then the `runInParallel` ones, with the check options given.
   */
  checkInput(
    input: readonly unknown[],
    content: Content,
    options: GuardrailRunOptions,
  ): Promise<InputCheckResult>;
  /**
   * The tool checks as a plugin of the seam (`guardrails/tool-guardrails-plugin.ts`: their
   * `before` in `checkToolCall`, their `after` in `afterToolCall`): a run whose guardrails have
   * tool checks holds it last among its plugins (see `agentScope`); the loop calls none of them.
   */
  readonly toolPlugin: AgentPlugin;
  /** Whether any tool guardrail checks `toolName` at `moment` (a live session's calls). */
  appliesTo(tools: readonly unknown[], toolName: string, moment: 'before' | 'after'): boolean;
  /** A live session's call through the tool guardrails' `before` checks (a run's: `toolPlugin`). */
  checkToolInput(
    tools: readonly unknown[],
    call: GuardedToolCall,
    options: GuardrailRunOptions,
  ): Promise<ToolInputCheckResult>;
  /** A live session's result through the tool guardrails' `after` checks (a run's: `toolPlugin`). */
  checkToolOutput(
    tools: readonly unknown[],
    call: GuardedToolCall & { result: unknown },
    options: GuardrailRunOptions,
  ): Promise<ToolOutputCheckResult>;
};

/**
 * A run's joined guardrails with the implementation their values carried; the lists are the
 * implementation's (opaque here). @internal
 */
export type EngineGuardrails = {
  readonly input: readonly unknown[];
  readonly output: readonly unknown[];
  readonly tools: readonly unknown[];
  readonly timeoutMs: number;
  readonly failOpen: boolean;
  readonly holdBack: boolean;
  readonly onToolError:
    | ((
        error: unknown,
        context: { toolName: string; toolCallId: string; defaultMessage: string },
      ) => string)
    | undefined;
  readonly engine: GuardrailEngine;
};
