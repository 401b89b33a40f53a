import type { CallOptions } from '../../http/gemini.ts';
import type { RunObservation } from '../../telemetry/run-observer.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { RunOptions } from '../config/agent-options.ts';
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
   * What the run brings besides its agent (its own compaction option, the durable runner's
   * recorder): a handoff joins them to the receiving agent's.
   */
  readonly settings: RunSettings;
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
 * What a run brings besides its agent: its own `compaction` option. A handoff keeps it and joins
 * it to the receiving agent's (see `agentScope`). @internal
 */
export type RunSettings = {
  readonly compaction: RunOptions['compaction'];
  /**
   * The durable runner's recorder of the run's tree (the one of the plugin seam): hooks and what
   * plugins record themselves go through it (results that are not deterministic). `undefined`: none.
   */
  readonly recordHook?: PluginHookRecorder | undefined;
};
