import type { AgentInput } from '../../run/agent-input.ts';
import type { AgentResult, AgentStep } from '../../run/agent-result.ts';
import type { RunObservation } from '../../telemetry/run-observer.ts';
import { anyObserverActive, startObservation } from '../../telemetry/start-observation.ts';
import { createArgumentRedactor } from '../../tools/define/argument-redactor.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { RunOptions } from '../config/agent-options.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import { InvalidHistoryError } from '../errors/invalid-history-error.ts';
import { pluginEngineOf } from '../plugins/plugin-engine-of.ts';
import type {
  HandOffDecision,
  LatePlugins,
  PluginHookRecorder,
  PluginRunFacts,
  PluginStop,
  ResolvedPlugins,
  RunPlugins,
} from '../plugins/run-plugins.ts';
import type { TurnsOf } from '../plugins/run-view/plugin-run-view.ts';
import { type EmitEvent, observedEmit } from '../run-state/emit-event.ts';
import { isRunEnding } from '../run-state/is-run-ending.ts';
import type { RunContext, RunSettings } from '../run-state/run-context.ts';
import {
  type ChildRunParent,
  type ChildRunStarter,
  childRunLink,
  emitAt,
  type RunLink,
  recordersOf,
  runObservers,
  topRunLink,
  treeBudgetOf,
} from '../run-state/run-link.ts';
import { RunTracker } from '../run-state/run-tracker.ts';
import type { StopCondition } from '../stop-conditions.ts';
import type { ToolCallsResult } from '../tool-calls/execute-tool-calls.ts';
import { runTools } from '../tool-calls/run-tools.ts';
import { addInput } from './add-input.ts';
import type { AgentRuntime } from './agent-runtime.ts';
import { agentScope } from './agent-scope.ts';
import { appendToHistory } from './append-to-history.ts';
import { modelCallOptions } from './call-model.ts';
import { callModelStep } from './call-model-step.ts';
import { createResumeStep } from './create-step.ts';
import { endStep } from './end-step.ts';
import { finishRun } from './finish-run.ts';
import type { Finish, ModelStepKind, NextStep } from './next-step.ts';
import { normalizeInput, resumeInteraction } from './normalize-input.ts';
import { pendingCallTurn } from './pending-call-turn.ts';
import { resolveAnsweredCalls } from './resolve-answered-calls.ts';
import { resolveOutcome } from './resolve-outcome.ts';
import type { RunArgumentRedactor } from './run-argument-redactor.ts';
import { joinRunPlugins } from './scope-plugin.ts';
import type { LoopParts } from './take-over.ts';

// Made with the loop (see AgentRuntime): create-agent.ts reaches it through this module's load.
export { createAgentRuntime } from './agent-runtime.ts';

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
  /** The run's id when it is observed (set by `runLoop`; a child names it as its parent). */
  runId?: string | undefined;
  /** The tree budget of a top run (`RunOptions.budget`); a child uses its parent's. */
  budget?: RunOptions['budget'];
  /** The run's `compaction`, in place of the agent's; `undefined` keeps the agent's. */
  compaction?: RunOptions['compaction'];
  /** How the run's children start when not in-process (a durable runner's child workflows). */
  startChild?: ChildRunStarter | undefined;
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

/** A run its observers follow: the observation, and the run's tracker once it is made. */
type ObservedRun = { observation: RunObservation | undefined; run?: RunTracker };

/**
 * The agent loop: build the request, call the model, run the calls it makes (all of a turn at
 * once), append its content verbatim and the responses in one user content, and go on until the
 * model answers, a limit or condition ends the run, or it fails with a typed error that carries a
 * consistent history.
 *
 * Each step goes through the same phases, each in its own file: {@link callModelStep} (which
 * prepares the request with `prepareRequest`), {@link resolveOutcome} (what the response
 * means: a {@link NextStep} value), {@link appendToHistory}, {@link runTools} when the turn made
 * calls, {@link endStep} (`onStepEnd`), then, after calls, {@link resolveAnsweredCalls} (abort,
 * tool failures, stop conditions, the step limit). The step is over before the loop acts on what
 * follows: run again, {@link finishRun}, or throw.
 * @internal
 */
export function runLoop<Output>(
  config: AgentConfig<Output>,
  runtime: AgentRuntime,
  input: AgentInput,
  options: RunLoopOptions,
): Promise<AgentResult<Output>> {
  // Without observers (telemetry: false, no recorder) or with none following this run (no
  // OpenTelemetry provider registered), the loop runs as it is: no hooks, no promise more.
  // A child whose agent has no recorder records into the recorders of the runs above it.
  const observed = options.observed;
  if (observed === undefined) {
    const observers = runObservers(config.observers, options.parent?.recorders);
    if (observers.length !== 0 && anyObserverActive(observers))
      return startObserved(config, runtime, input, options, observers);
  }
  let started: StartedRun<Output>;
  try {
    started = startRun(config, runtime, input, options, observed?.observation);
  } catch (error) {
    return Promise.reject(error);
  }
  if (observed !== undefined) observed.run = started.context.run;
  // The steps called from here when no plugin goes around them: runLoop, then the steps, then
  // the model step (issue 53 item 8, agent/request-path-depth.test.ts).
  return started.context.plugins === undefined
    ? endingJoined(started, runModelSteps(started))
    : aroundRun(started);
}

/** A run its observers follow: the observation started, then the run (see {@link observeRun}). */
function startObserved<Output>(
  config: AgentConfig<Output>,
  runtime: AgentRuntime,
  input: AgentInput,
  given: RunLoopOptions,
  observers: ReturnType<typeof runObservers>,
): Promise<AgentResult<Output>> {
  const runId = crypto.randomUUID();
  // A run with plugins may be handed to another agent, whose secret arguments the observers
  // must not see either: its take-over widens this redactor (issue 52). The seam's engine,
  // which the plugins carry, makes it.
  const observedRedactor = engineOf(runtime.plugins, given)?.observedRedactor(
    config.tools.functions.values() as Iterable<never>,
    config.argumentRedactor as never,
    createArgumentRedactor as never,
  ) as RunArgumentRedactor | undefined;
  const options = { ...given, runId, observedRedactor };
  const observation = startObservation(
    observers,
    {
      runId,
      path: options.parent?.path ?? [],
      parentRunId: options.parent?.parentRunId,
      parentCall: options.parent?.parentCall,
      agentName: config.name,
      model: config.model,
      baseUrl: config.gemini.baseUrl,
      streaming: options.streaming,
      conversationId: options.conversationId,
      input,
      startedAt: config.now(),
    },
    observedRedactor ?? config.argumentRedactor,
  );
  if (observation instanceof Promise) {
    return observation.then((started) => observeRun(config, runtime, input, options, started));
  }
  return observeRun(config, runtime, input, options, observation);
}

/** The run through {@link runLoop} again, its end (result or error) told to the observation. */
function observeRun<Output>(
  config: AgentConfig<Output>,
  runtime: AgentRuntime,
  input: AgentInput,
  options: RunLoopOptions,
  observation: RunObservation | undefined,
): Promise<AgentResult<Output>> {
  const observed: ObservedRun = { observation };
  const steps = runLoop(config, runtime, input, { ...options, observed });
  if (observation === undefined) return steps;
  return steps.then(
    (result) => {
      observation.end({ result: result as AgentResult<unknown> }, config.now());
      return result;
    },
    (error: unknown) => {
      // What this run spent, from its own tracker: an error from below (a SubagentError, a
      // TreeBudgetError) carries another run's state, or none.
      const run = observed.run;
      observation.end(
        run === undefined ? { error } : { error, usage: { ...run.usage }, cost: run.cost.total },
        config.now(),
      );
      throw error;
    },
  );
}

/** A run, set up: what its steps start from (see {@link startRun}). */
type StartedRun<Output> = {
  context: RunContext<Output>;
  contents: readonly Content[];
  stopWhen: readonly StopCondition[];
  joining: Joining | undefined;
  holding: { context?: RunContext<unknown> };
};

/**
 * The run's steps inside its plugins' `aroundRun`. A plugin waiting to join when they fail joins
 * first, so the plugins' `endRun` ends it too; one waiting when a `startRun` failed is ended on
 * its own (`endingJoined`).
 */
function aroundRun<Output>(started: StartedRun<Output>): Promise<AgentResult<Output>> {
  const { plugins, config } = started.context;
  const { joining } = started;
  return endingJoined(
    started,
    (plugins as RunPlugins).aroundRun(
      () => runModelSteps(started),
      config.logger,
      joining && (() => joinLate(joining, plugins)),
    ),
  );
}

/**
 * The `steps` of a run without plugins of its own, ended with the plugins that joined it (a
 * stream's steering) when it fails. Not a wrapper that awaits them: a stream's request path is
 * two calls shorter.
 */
function endingJoined<Output>(
  { joining, context }: StartedRun<Output>,
  steps: Promise<AgentResult<Output>>,
): Promise<AgentResult<Output>> {
  if (joining === undefined) return steps;
  return steps.then(undefined, (error: unknown) =>
    endJoinedLate(joining, error, context.config.logger),
  );
}

/**
 * Sets a run up, synchronously: its input checked into contents, its tracker, where its events
 * go, its plugins started. What it throws rejects the run (see {@link runLoop}).
 */
function startRun<Output>(
  config: AgentConfig<Output>,
  { historyChecks, plugins: agentPlugins, leadingContents, turnsOf }: AgentRuntime,
  input: AgentInput,
  options: RunLoopOptions,
  observation: RunObservation | undefined,
): StartedRun<Output> {
  const { signal, streaming, history, parent, compaction, plugins: runPlugins } = options;
  // A durable runner's recorder of plugin hooks reaches every run of its tree (in-process
  // subagents, child workflows) as the starter of children does.
  const record = options.recordHook ?? parent?.recordHook;
  const settings: RunSettings = { compaction, recordHook: record };
  const { contents, inputLength } = normalizeInput(input, {
    history,
    requiresThoughtSignatures: config.capabilities.requiresThoughtSignatures,
    logger: config.logger,
    model: config.model,
    historyChecks,
  });
  resumeInteraction(config.modelCall, history, contents);
  const run = new RunTracker(contents, inputLength, parent?.spend);
  const outlets = runOutlets(config, options, observation);
  const { emit } = outlets;
  const scope = agentScope(config, settings);
  // The seam's implementation comes with the plugins (definePlugin); none: nothing is loaded.
  // The runs above hand theirs down first (a policy over the tree: the tool guardrails' levels).
  const resolved = joinRunPlugins(agentPlugins, scope.compaction, parent?.plugins, runPlugins);
  const link: RunLink =
    // A runner's services come with its recorder (a durable runner gives both).
    resolved?.inherited === undefined && record === undefined
      ? outlets.link
      : {
          ...outlets.link,
          plugins: resolved?.inherited,
          recordHook: record,
          services: options.services ?? parent?.services,
        };
  // The context holding the run now (a handoff's receiving agent holds it from then on), and the
  // redactor of what its observers see.
  const holding: Holding = { redactor: options.observedRedactor };
  const facts = pluginRunFacts(config, options, { link, run, emit, record, holding, turnsOf });
  const plugins = resolved === undefined ? undefined : resolved.engine.start(resolved, facts);
  // The run's events and its subagents' through the plugins' `wrapEvents`, when one has it.
  const events = plugins?.events;
  const context: RunContext<Output> = {
    config,
    run,
    signal,
    streaming,
    emit: events === undefined ? emit : events.emit,
    observation,
    leadingContents,
    link: events === undefined ? link : { ...link, sink: events.sink },
    callOptions: modelCallOptions(config.callOptions, signal),
    settings,
    ...scope,
    plugins,
  };
  holding.context = context as RunContext<unknown>;
  const joining = joiningOf(options.late, holding, facts, run);
  return { context, contents, stopWhen: options.stopWhen ?? [], joining, holding };
}

/** The seam's implementation comes with the plugins (definePlugin); none: nothing is loaded. */
function engineOf(
  agent: AgentRuntime['plugins'],
  { plugins, parent }: RunLoopOptions,
): RunPlugins['engine'] | undefined {
  return (
    agent?.engine ??
    pluginEngineOf(plugins, 'options.plugins') ??
    pluginEngineOf(parent?.plugins, 'plugins')
  );
}

/**
 * Where a run's events go and the link its children start from: the top stream (a child's
 * events under its path), read by the observers. A plugin's `wrapEvents` wraps both once its
 * plugins start (`RunPlugins.events`).
 */
function runOutlets<Output>(
  config: AgentConfig<Output>,
  { parent, streaming, emit: topEmit, budget, runId, startChild }: RunLoopOptions,
  observation: RunObservation | undefined,
): { emit: EmitEvent; link: RunLink } {
  const recorders = recordersOf(runObservers(config.observers, parent?.recorders));
  const sinkEmit = parent === undefined ? topEmit : emitAt(parent.sink, parent.path);
  // Observers read the run's events (a unary run's too); none that reads them: `sinkEmit` itself.
  const emit = observedEmit(sinkEmit, observation, parent?.path, config.now);
  const link: RunLink =
    parent === undefined
      ? topRunLink(
          topEmit,
          streaming,
          config.beforeToolCall,
          treeBudgetOf(budget),
          runId,
          recorders,
          startChild,
        )
      : childRunLink(parent, config.beforeToolCall, runId, recorders);
  return { emit, link };
}

/** What the run's plugins know of it (see {@link PluginRunFacts}). */
function pluginRunFacts<Output>(
  config: AgentConfig<Output>,
  { streaming, conversationId, signal }: RunLoopOptions,
  {
    link,
    run,
    emit,
    record,
    holding,
    turnsOf,
  }: {
    link: RunLink;
    run: RunTracker;
    emit: EmitEvent;
    record: PluginHookRecorder | undefined;
    holding: Holding;
    turnsOf: TurnsOf;
  },
): PluginRunFacts {
  // The agent holding the run (another once a hand-off gave it the run): `PluginRun.agentName`
  // and `model` read it through `holder`, as the redactor does. The facts stay plain data (no
  // getters): as a literal with getters, copied with its property descriptors, they cost the
  // default agent +18 µs a streamed step in the ABBA (bisected, fifteenth session).
  const holder = (): AgentConfig<unknown> => holding.context?.config ?? config;
  return {
    holder,
    path: link.path,
    streaming,
    conversationId,
    signal,
    tracker: run,
    emit,
    sink: link.sink,
    // The holding agent's redactor (its client's key): what its plugins report after a hand-off
    // is redacted as that agent's own.
    redact: (value) => holder().redact(value),
    record,
    services: link.services,
    now: config.now,
    addInput: (added, stepNumber) =>
      addInput(holding.context as RunContext<unknown>, added, stepNumber),
    isRunEnding: (error) => AgentAbortedError.isInstance(error) || isRunEnding(holder(), error),
    turnsOf,
    context: () => holding.context as RunContext<unknown>,
    treeBudget: link.budget,
  };
}

/**
 * What a run needs to let plugins join while it runs (a stream's steering), when they may:
 * `late.steps` then reads the run's steps.
 */
function joiningOf(
  late: LatePlugins | undefined,
  holding: Holding,
  facts: PluginRunFacts,
  run: RunTracker,
): Joining | undefined {
  if (late === undefined) return undefined;
  late.steps = run.steps;
  return {
    late,
    holding,
    start: (joined) => joined.engine.start(joined, facts),
    started: undefined,
  };
}

/** What a run needs to let plugins join while it runs (see {@link LatePlugins}). */
type Joining = {
  readonly late: LatePlugins;
  readonly holding: Holding;
  /** The run's plugins made from the first that join, when it had none. */
  readonly start: (resolved: ResolvedPlugins) => RunPlugins;
  /** Those plugins, once made: their `endRun` runs however the run ends. */
  started: RunPlugins | undefined;
};

/**
 * The end of a failed run without plugins of its own that plugins may join: the ones that joined
 * end with it (`endRun` with its error), and none joins after it. Rethrows the run's error.
 */
async function endJoinedLate(
  joining: Joining,
  error: unknown,
  logger: { warn(fields: object, message: string): void },
): Promise<never> {
  joining.late.closed = true;
  try {
    // Joined now, to end: what they held is reported with the run's error.
    const plugins = await joinLate(joining, undefined);
    const failed = await plugins?.endRun(error);
    if (failed !== undefined)
      logger.warn({ err: failed }, 'a plugin failed in endRun after the run failed');
  } catch (failed) {
    logger.warn({ err: failed }, 'a plugin failed to join a run that failed');
  }
  throw error;
}

/**
 * The plugins waiting to join (`late.joining`) joined to the run's: to its plugins, or as its
 * plugins when it had none. Returns the run's plugins after it (`current` when none joined).
 */
async function joinLate(
  joining: Joining,
  current: RunPlugins | undefined,
): Promise<RunPlugins | undefined> {
  const waiting = joining.late.joining;
  // Nothing waits: the plugins that joined before (a failed run ends them).
  if (waiting === undefined) return current ?? joining.started;
  joining.late.joining = undefined;
  const added = await waiting;
  const plugins = current ?? joining.started;
  if (plugins !== undefined) {
    await plugins.join(added);
    return plugins;
  }
  const engine = (added[0] as { gemloopPluginEngine?: RunPlugins['engine'] } | undefined)
    ?.gemloopPluginEngine;
  const resolved = engine?.resolve(added);
  if (resolved === undefined) return current;
  // Plugins of the run's own, not its agent's: a hand-off keeps them.
  const started = joining.start({ ...resolved, agentPlugins: [] });
  joining.started = started;
  await started.startRun();
  started.wrapArriving(added);
  return started;
}

/** The context with the plugins that joined, when some did. */
async function withJoined<Output>(
  context: RunContext<Output>,
  joining: Joining | undefined,
): Promise<RunContext<Output>> {
  if (joining?.late.joining === undefined) return context;
  const plugins = await joinLate(joining, context.plugins);
  // The run's events through the plugins' `wrapEvents` once one that joined wraps them.
  const events = plugins?.events;
  const rerouted = events !== undefined && events.emit !== context.emit;
  if (plugins === context.plugins && !rerouted) return context;
  const joined = rerouted
    ? { ...context, plugins, emit: events.emit, link: { ...context.link, sink: events.sink } }
    : { ...context, plugins };
  joining.holding.context = joined as RunContext<unknown>;
  return joined;
}

/** What the loop carries from one model step to the next (one object a run, passed along). */
type LoopState<Output> = {
  /** The context holding the run: a handoff gives it to another agent (its config) from then on. */
  context: RunContext<Output>;
  kind: ModelStepKind;
  reasks: number;
  /** The tool steps of the agent now holding the run (its `maxSteps` counts them). */
  modelSteps: number;
  /** Where the agent now holding the run took it (a handoff's default filter drops its tool turns). */
  heldFrom: number;
};

async function runModelSteps<Output>({
  context: initial,
  contents,
  stopWhen,
  joining,
  holding,
}: StartedRun<Output>): Promise<AgentResult<Output>> {
  const { run, signal } = initial;
  // A history that ends with calls (stopped for approval, or stored mid-turn): answer them first.
  const pending = pendingCallTurn(contents);
  if (pending !== undefined) await answerPendingCalls(initial, pending, stopWhen);
  const state = loopState(initial);
  for (;;) {
    if (signal.aborted) throw abortedBetweenSteps(initial);
    const stepNumber = run.steps.length + 1;
    if (joining?.late.joining !== undefined)
      state.context = await withJoined(state.context, joining);
    const { context, kind } = state;
    const { config, plugins } = context;
    // A plugin ended the run before this step (in startRun, or a hook with no step after it).
    if (plugins?.stop !== undefined) return finish(state, joining, stoppedBy(plugins.stop));
    // The plugins' `checkInput` hooks check the run's new input once, at its first model step
    // (with what a plugin added before it: the model sees that too); a handoff does not check it
    // again. What a plugin adds later meets them on its own (`run.addInput`).
    const made =
      plugins === undefined
        ? await callModelStep(context, { stepNumber, kind })
        : await modelStep(context, stepNumber, kind);
    // A plugin ended the run before the call: the history is as the last step left it.
    if (!('stepNumber' in made)) return finish(state, joining, stoppedBy(made));
    const step = made;
    run.inputChecked = true;
    if (kind === 'tools') state.modelSteps++;
    const stepsLeft: boolean = kind === 'final-output' || state.modelSteps < config.maxSteps;
    let next: NextStep<Output> = await resolveOutcome(config, step, {
      kind,
      reasks: state.reasks,
      stepsLeft,
    });
    // The answer the run would end with, before it joins the history (the output guardrails').
    if (next.type === 'finish' && plugins?.hooks.checkAnswer !== undefined)
      next = await plugins.checkedAnswer(step, next, stepsLeft);
    appendToHistory(run, step, next);
    const calls: ToolCallsResult | undefined =
      next.type === 'run-again' && next.calls !== undefined
        ? await runTools(context, step, next.calls)
        : undefined;
    // Awaited only when onStepEnd gave a promise: `await undefined` on every step left 0.25 KB
    // more garbage per step in the bench's overhead scenario (the resume step above may pay it).
    const ending = endStep(context, step);
    if (ending !== undefined) await ending;
    if (calls !== undefined) next = answered(context, calls, stopWhen, kind, stepsLeft, false);
    if (next.type === 'fail') throw next.error(run.state());
    // A plugin that joined during the answer (a stream's first steer) hears of it.
    if (next.type === 'finish' && joining?.late.joining !== undefined)
      state.context = await withJoined(state.context, joining);
    const decided =
      state.context.plugins === undefined
        ? undefined
        : await afterStep(state.context.plugins, step, next, stepsLeft, context);
    if (decided === 'run-again') {
      if (state.context.plugins?.handOff !== undefined) await handOff(state, step, holding);
      state.kind = 'tools';
      state.reasks = 0;
      continue;
    }
    if (decided !== undefined) next = decided;
    if (next.type === 'finish') return finish(state, joining, next);
    // A plugin's `afterToolCall` handed the run off (composition's handoff tools do).
    if (state.context.plugins?.handOff !== undefined) await handOff(state, step, holding);
    state.kind = next.kind;
    state.reasks = next.reasks;
  }
}

/** The state of a run's first model step. */
function loopState<Output>(context: RunContext<Output>): LoopState<Output> {
  return {
    context,
    kind: 'tools',
    reasks: 0,
    modelSteps: 0,
    heldFrom: context.run.inputLength,
  };
}

/** The error of a run whose signal ended it between two steps (its history consistent). */
function abortedBetweenSteps<Output>({ run, signal }: RunContext<Output>): AgentAbortedError {
  return new AgentAbortedError({ phase: 'between-steps', run: run.state(), cause: signal.reason });
}

/**
 * What a step's answered calls decide (see {@link resolveAnsweredCalls}): abort, tool failures,
 * stop conditions (the agent's, then the run's `stopWhen`), the step limit.
 */
function answered<Output>(
  { config, run, signal }: RunContext<Output>,
  calls: ToolCallsResult,
  stopWhen: readonly StopCondition[],
  kind: ModelStepKind,
  stepsLeft: boolean,
  resumed: boolean,
): NextStep<Output> {
  return resolveAnsweredCalls(config, calls, {
    signal,
    steps: run.steps,
    cost: run.cost,
    runStopWhen: stopWhen,
    kind,
    stepsLeft,
    resumed,
  });
}

/**
 * The run's end: the plugins waiting to join joined (none joins after it), their `endRun` first
 * (so what they report comes before `run-end`), then {@link finishRun}.
 */
async function finish<Output>(
  state: LoopState<Output>,
  joining: Joining | undefined,
  next: Finish<Output>,
): Promise<AgentResult<Output>> {
  if (joining !== undefined) {
    joining.late.closed = true;
    state.context = await withJoined(state.context, joining);
  }
  if (state.context.plugins !== undefined) await state.context.plugins.finishing();
  return finishRun(state.context, next);
}

/**
 * The resume step of a history that ends with calls: they run, the step ends, and a failure among
 * them (abort, a tool's failure the run does not go on after) ends the run.
 */
async function answerPendingCalls<Output>(
  context: RunContext<Output>,
  pending: Content,
  stopWhen: readonly StopCondition[],
): Promise<void> {
  const { config, run, emit } = context;
  const step = createResumeStep(pending, config.now());
  run.startedStep = step.stepNumber;
  emit?.({ type: 'step-start', stepNumber: step.stepNumber, kind: 'resume' });
  const calls = await runTools(context, step, pending);
  await endStep(context, step);
  const next = answered(context, calls, stopWhen, 'tools', true, true);
  if (next.type === 'fail') throw next.error(run.state());
}

/**
 * The model call of a step with plugins: through the plugins' model hooks when one has them,
 * else the call itself. A run without plugins calls {@link callModelStep} itself (a frame fewer).
 */
function modelStep<Output>(
  context: RunContext<Output>,
  stepNumber: number,
  kind: ModelStepKind,
): Promise<AgentStep | PluginStop> {
  const plugins = context.plugins as RunPlugins;
  if (plugins.aroundModelCalls) return pluginModelStep(context, plugins, stepNumber, kind);
  plugins.stepNumber = stepNumber;
  return callModelStep(context, { stepNumber, kind });
}

/**
 * What the plugins' `afterStep` made of the step: run again (with what they appended), the run's
 * end, or `undefined` (the step's own outcome stands). Only a finished answer (`stop`) is theirs.
 * Nothing to wait for when no plugin ended the run and none has `afterAnswer`: three of the four
 * promises a step of any run with plugins made (bench/src/plugins/plugin-tool-path-counts.ts).
 */
function afterStep<Output>(
  plugins: RunPlugins,
  step: AgentStep,
  next: NextStep<Output>,
  stepsLeft: boolean,
  { run, config }: RunContext<Output>,
): Promise<'run-again' | Finish<Output> | undefined> | undefined {
  if (plugins.stop === undefined && plugins.hooks.afterAnswer === undefined) return undefined;
  return plugins
    .afterStep(
      step,
      next.type === 'finish' && next.finishReason === 'stop' ? next : undefined,
      stepsLeft,
      (content) => run.append(content),
      config.logger,
    )
    .then((decided) =>
      decided === 'run-again' || decided === undefined ? decided : stoppedBy(decided),
    );
}

/**
 * The run given to the agent a plugin's hand-off names (a step outcome: after an answer, or after
 * a call, as composition's `handoff()` tool does): its context from the next step on, its step
 * count from zero. The take-over (`take-over.ts`) comes with the seam's engine, which the run's
 * plugins carry (only a plugin hands off): an app without plugins bundles none of it.
 */
async function handOff<Output>(
  state: LoopState<Output>,
  step: AgentStep,
  holding: Holding,
): Promise<void> {
  const plugins = state.context.plugins as RunPlugins;
  const { engine, handOff } = plugins;
  plugins.handOff = undefined;
  state.context = (await engine.takeOver(
    state.context as never,
    handOff as HandOffDecision,
    step as never,
    state.heldFrom,
    holding as never,
    LOOP_PARTS as never,
  )) as RunContext<Output>;
  holding.context = state.context as RunContext<unknown>;
  state.heldFrom = state.context.run.contents.length;
  state.modelSteps = 0;
}

/** What the take-over uses of the loop (see `LoopParts` in take-over.ts). */
const LOOP_PARTS: LoopParts = {
  agentScope,
  modelCallOptions,
  AgentRunError,
  InvalidHistoryError,
};

/** The context holding the run now, and the redactor of what its observers see. */
type Holding = {
  context?: RunContext<unknown>;
  readonly redactor?: RunArgumentRedactor | undefined;
};

/**
 * The model step of a run with plugins: `beforeModelCall`, `wrapModelCall` and `afterModelCall`
 * around the call the loop would make without them (see `RunPlugins.modelStep`), from the history
 * as it is now (its compaction is the first `beforeModelCall`'s, when the run has one).
 */
function pluginModelStep<Output>(
  context: RunContext<Output>,
  plugins: RunPlugins,
  stepNumber: number,
  kind: ModelStepKind,
): Promise<AgentStep | PluginStop> {
  return plugins.modelStep(
    { stepNumber, kind, contents: context.run.sendContents() },
    // A signal of its own for a call a plugin may abort (the first, beside an input check).
    (contents, model, cachedContent, signal) =>
      callModelStep(signal === undefined ? context : withSignal(context, signal), {
        stepNumber,
        kind,
        contents,
        model,
        cachedContent,
      }),
    () => context.run.sendContents(),
  );
}

/** The context of a call with a signal of its own (one a plugin may abort: a check beside it). */
function withSignal<Output>(context: RunContext<Output>, signal: AbortSignal): RunContext<Output> {
  return { ...context, signal, callOptions: modelCallOptions(context.config.callOptions, signal) };
}

/** The end of a run a plugin asked for. */
function stoppedBy<Output>(stop: PluginStop): Finish<Output> {
  return { type: 'finish', finishReason: 'plugin', stoppedBy: stop };
}
