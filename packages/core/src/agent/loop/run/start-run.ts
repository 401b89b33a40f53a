import { spellingFree } from '../../../options/define-options.ts';
import type { AgentInput } from '../../../run/agent-input.ts';
import type { RunObservation } from '../../../telemetry/run-observer.ts';
import type { Content } from '../../../wire/content.ts';
import type { AgentConfig, BaseRequest } from '../../config/agent-config.ts';
import { AgentAbortedError } from '../../errors/agent-aborted-error.ts';
import type { PluginHookRecorder, PluginRunFacts } from '../../plugins/run-plugins.ts';
import type { TurnsOf } from '../../plugins/run-view/plugin-run-view.ts';
import { type EmitEvent, observedEmit } from '../../run-state/emit-event.ts';
import { isRunEnding } from '../../run-state/is-run-ending.ts';
import type { RunContext, RunSettings } from '../../run-state/run-context.ts';
import {
  callAtDepth,
  childRunLink,
  emitAt,
  type RunLink,
  recordersOf,
  runObservers,
  TOP_PATH,
  treeBudgetOf,
} from '../../run-state/run-link.ts';
import { RunTracker } from '../../run-state/run-tracker.ts';
import type { StopCondition } from '../../stop-conditions.ts';
import { addInput } from '../add-input.ts';
import type { AgentRuntime } from '../agent-runtime.ts';
import { agentScope } from '../agent-scope.ts';
import { modelCallOptions } from '../call-model.ts';
import { normalizeInput, resumeInteraction } from '../normalize-input.ts';
import { joinRunPlugins } from '../scope-plugin.ts';
import type { Holding } from './hand-off.ts';
import { type Joining, joiningOf } from './join-late.ts';
import type { RunLoopOptions } from './run-loop-options.ts';

/** A run, set up: what its steps start from (see {@link startRun}). @internal */
export type StartedRun<Output> = {
  context: RunContext<Output>;
  contents: readonly Content[];
  stopWhen: readonly StopCondition[];
  joining: Joining | undefined;
  holding: { context?: RunContext<unknown> };
};

/**
 * Sets a run up, synchronously: its input checked into contents, its tracker, where its events
 * go, its plugins started. What it throws rejects the run (see `runLoop`).
 * @internal
 */
export function startRun<Output>(
  config: AgentConfig<Output>,
  { historyChecks, plugins: agentPlugins, leadingContents, turnsOf }: AgentRuntime,
  input: AgentInput,
  options: RunLoopOptions,
  observation: RunObservation | undefined,
): StartedRun<Output> {
  const { signal, streaming, history, parent, compaction, plugins: runPlugins } = options;
  // The run's own generation settings, merged into its requests here, once (none: the agent's).
  if (options.generationConfig !== undefined)
    config = withGenerationConfig(config, options.generationConfig);
  // A durable runner's recorder of plugin hooks reaches every run of its tree (in-process
  // subagents, child workflows) as the starter of children does.
  const record = options.recordHook ?? parent?.recordHook;
  const settings: RunSettings = { compaction, recordHook: record };
  const { contents, inputLength, resume } = normalizeInput(input, {
    history,
    requiresThoughtSignatures: config.capabilities.requiresThoughtSignatures,
    logger: config.logger,
    model: config.model,
    historyChecks,
  });
  resumeInteraction(config.modelCall, resume, contents);
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
  // Plugins that add nothing (no hook: a name, settings, receivers) start nothing: the run takes
  // the path of a run without plugins, step by step (issue 53: "empty" was +8 to +13 µs a step).
  const plugins =
    resolved === undefined || resolved.idle === true
      ? undefined
      : resolved.engine.start(resolved, facts);
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
  const joining = joiningOf(options.late, holding, facts, resolved);
  return { context, contents, stopWhen: options.stopWhen ?? [], joining, holding };
}

/**
 * Where a run's events go and the link its children start from: the top stream (a child's
 * events under its path), read by the observers. A plugin's `wrapEvents` wraps both once its
 * plugins start (`RunPlugins.events`).
 */
function runOutlets<Output>(
  config: AgentConfig<Output>,
  { parent, streaming, emit: topEmit, budget, runId, startChild, depth }: RunLoopOptions,
  observation: RunObservation | undefined,
): { emit: EmitEvent; link: RunLink } {
  const recorders = recordersOf(runObservers(config.observers, parent?.recorders));
  const sinkEmit = parent === undefined ? topEmit : emitAt(parent.sink, parent.path);
  // Observers read the run's events (a unary run's too); none that reads them: `sinkEmit` itself.
  const emit = observedEmit(sinkEmit, observation, parent?.path, config.now);
  // A top run's link written here, not made by a function of its own: one function fewer that V8
  // compiles late (a once-a-run function earns few profiler ticks: issue 53, helper tier-tail42).
  // childRunLink writes its keys in this order (one hidden class for every link).
  const link: RunLink =
    parent === undefined
      ? {
          runId,
          recorders,
          startChild,
          path: TOP_PATH,
          sink: topEmit,
          streaming,
          beforeToolCall: config.beforeToolCall,
          inheritedBeforeToolCall: undefined,
          budget: treeBudgetOf(budget),
          childNumbers: new Map(),
          childUsage: [],
          callSpend: new Map(),
          turn: { children: 1 },
          depth: depth ?? 0,
        }
      : childRunLink(parent, config.beforeToolCall, runId, recorders);
  return { emit, link };
}

/** What the run's plugins know of it (see {@link PluginRunFacts}). */
function pluginRunFacts<Output>(
  config: AgentConfig<Output>,
  { streaming, conversationId, signal, late }: RunLoopOptions,
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
    // At the run's depth: an agent.run() a hook makes nests one deeper (MAX_RUN_DEPTH).
    call: (body, argument) => callAtDepth(link.depth, body, argument),
    streaming,
    conversationId,
    conversation: late?.conversation,
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
 * The agent's config for one run with the run's `generationConfig` (`RunOptions`) over the
 * agent's in each request it sends (the tool steps', streamed or not, and the final-output
 * call's): made once, at the run's start, so a step sends a prepared request as without it. A call
 * the run sends to another model (`forModel`) gets the same fields over that model's config. The
 * agent's config is not changed.
 */
function withGenerationConfig<Output>(
  config: AgentConfig<Output>,
  given: NonNullable<RunLoopOptions['generationConfig']>,
): AgentConfig<Output> {
  const { forModel } = config;
  // A field the run names replaces the agent's in either spelling (proto3 JSON takes both):
  // `{ maxOutputTokens }` with a run's `{ max_output_tokens }` sent both, and which one the API
  // keeps is its parser's choice, not the documented precedence (ProtoJSON keeps the last key;
  // "some nonconformant implementations may reject duplicate keys", a gateway's among them).
  const named = new Set(Object.keys(given).map(spellingFree));
  const over = (agent: Record<string, unknown> | undefined) => {
    const kept: Record<string, unknown> = {};
    for (const key in agent) if (!named.has(spellingFree(key))) kept[key] = agent[key];
    return { ...kept, ...given };
  };
  const merged = <Request extends BaseRequest | undefined>(request: Request): Request =>
    request && { ...request, generationConfig: over(request.generationConfig) };
  return {
    ...config,
    request: merged(config.request),
    streamRequest: merged(config.streamRequest),
    finalOutputRequest: merged(config.finalOutputRequest),
    forModel: forModel && ((model) => withGenerationConfig(forModel(model), given)),
  };
}
