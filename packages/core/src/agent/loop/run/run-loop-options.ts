import type { AgentInput } from '../../../run/agent-input.ts';
import type { AgentResult } from '../../../run/agent-result.ts';
import type { RunObservation } from '../../../telemetry/run-observer.ts';
import type { AgentConfig } from '../../config/agent-config.ts';
import type { RunOptions } from '../../config/agent-options.ts';
import type { LatePlugins, PluginHookRecorder } from '../../plugins/run-plugins.ts';
import type { EmitEvent } from '../../run-state/emit-event.ts';
import type { ChildRunParent, ChildRunStarter, RunLink } from '../../run-state/run-link.ts';
import type { RunTracker } from '../../run-state/run-tracker.ts';
import type { StopCondition } from '../../stop-conditions.ts';
import type { AgentRuntime } from '../agent-runtime.ts';
import type { RunArgumentRedactor } from '../run-argument-redactor.ts';

/** How a run is driven. @internal */
export type RunLoopOptions = {
  /** Checked by the callers (`run`, `stream`): always an AbortSignal here. */
  signal: AbortSignal;
  /** Model calls use `streamGenerateContent` (and emit deltas). */
  streaming: boolean;
  /** The chat session's id when the run is a chat turn. */
  conversationId?: string | undefined;
  emit: EmitEvent;
  history: RunOptions['history'];
  /** The run's own stop conditions (`RunOptions.stopWhen`), checked after the agent's. */
  stopWhen?: readonly StopCondition[] | undefined;
  /** Plugins that may join the run while it runs (a stream's own steering, on its first steer). */
  late?: LatePlugins | undefined;
  /**
   * Set when the run is a subagent's, started by a tool of another run: its events go to the top
   * stream under its path, and it inherits the approval hook and the tree's budget.
   */
  parent?: ChildRunParent | undefined;
  /**
   * How many runs a top run runs inside (`RunLink.depth`): set by `agent.run()`/`agent.stream()`
   * called from another run's hook or tool; absent: 0. A child's comes from `parent`.
   */
  depth?: number | undefined;
  /** The run's id when it is observed (set by `runLoop`; a child names it as its parent). */
  runId?: string | undefined;
  /** The tree budget of a top run (`RunOptions.budget`); a child uses its parent's. */
  budget?: RunOptions['budget'];
  /** The run's `compaction`, in place of the agent's; `undefined` keeps the agent's. */
  compaction?: RunOptions['compaction'];
  /** How the run's children start when not in-process (a durable runner's child workflows). */
  startChild?: ChildRunStarter | undefined;
  /**
   * The run's `generationConfig` (`RunOptions.generationConfig`, checked), merged over the
   * agent's requests once, by `startRun`.
   */
  generationConfig?: RunOptions['generationConfig'];
  /** The run's own plugins (`RunOptions.plugins`), after the agent's. */
  plugins?: RunOptions['plugins'];
  /** Records the plugin hooks that say their results are not deterministic (a durable runner). */
  recordHook?: PluginHookRecorder | undefined;
  /**
   * What a runner serves the run's tree (a durable runner's hand-off agents), given with
   * `recordHook`; a child uses its parent's.
   */
  services?: RunLink['services'];
  /** Set by `runLoop` itself for a run its observers follow (see {@link ObservedRun}). */
  observed?: ObservedRun | undefined;
  /** What the run's observers redact, when a plugin may hand the run off (set by `runLoop`). */
  observedRedactor?: RunArgumentRedactor | undefined;
};

/** A run its observers follow: the observation, and the run's tracker once it is made. @internal */
export type ObservedRun = { observation: RunObservation | undefined; run?: RunTracker };

/** The loop's entry, `runLoop`, as the observation of a run calls it again. @internal */
export type RunLoop = <Output>(
  config: AgentConfig<Output>,
  runtime: AgentRuntime,
  input: AgentInput,
  options: RunLoopOptions,
) => Promise<AgentResult<Output>>;
