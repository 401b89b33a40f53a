import type { ModelCallEntry } from '../../http/model-call-entry.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { GuardrailCheckRecord } from '../../run/guardrail-check-record.ts';
import { cutText } from '../../shared/cut-text.ts';
import { onAbort } from '../../shared/on-abort.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentEvent, UntaggedAgentEvent } from '../agent-event.ts';
import { type AbortPhase, AgentAbortedError } from '../errors/agent-aborted-error.ts';
import { GuardrailTrippedError } from '../errors/guardrail-tripped-error.ts';
import { followSignal } from '../follow-signal.ts';
import type {
  AgentPlugin,
  AnswerDraft,
  EmitRunEvent,
  HandOffOutcome,
  InputDraft,
  InputRewrite,
  ModelCallDraft,
  PluginHookName,
  PluginRun,
  PluginTrip,
  StepOutcome,
  ToolCallDecision,
  ToolCallDraft,
  ToolExecution,
  ToolExecutionDraft,
  ToolResultDraft,
} from './agent-plugin.ts';
import { boundedToolErrorRewrite } from './bounded-tool-error.ts';
import type { ModelRequestAgent } from './model-requests.ts';
import { PluginError } from './plugin-error.ts';
import {
  checkHandOff,
  finishReason,
  isContentList,
  isExecution,
  isFinish,
  isSendableContents,
  isStep,
  recordName,
} from './plugin-results.ts';
import { type PluginRunFacts, PluginRunView, tripError } from './plugin-run-view.ts';
import { fromStoredHandOff, toStoredHandOff } from './recorded-hand-off.ts';
import { reportedCheck } from './reported-check.ts';
import type { RunInbox } from './run-messages.ts';

export type { PluginHookRecorder, PluginRunFacts } from './plugin-run-view.ts';

/** What a plugin that leaves at a hand-off gets as its `endRun`'s end (the run goes on). */
const HANDED_OFF = Object.freeze({ handedOff: true as const });

/**
 * Plugins that join a run while it runs: a stream's own steering, loaded on its first
 * `steer()`, so a stream nobody steers loads and runs nothing of it. The loop takes `joining` at
 * its next boundary (before a model call, after an answer) and sets `closed` when the run ends
 * (later messages are refused). @internal
 */
export type LatePlugins = {
  joining: Promise<readonly AgentPlugin[]> | undefined;
  closed: boolean;
  /** The run's steps (set by the loop when the run starts): where it is when a message comes. */
  steps?: readonly AgentStep[] | undefined;
};

/**
 * An agent's (or a run's) plugins with, per hook, the positions of the plugins that have it:
 * `undefined` where none has, so the loop's check of a hook nobody registered is one property
 * read per step. Made once per agent by `createAgent`. @internal
 */
export type ResolvedPlugins = {
  /** The seam's implementation, carried by the plugins (`definePlugin`): see {@link PluginEngine}. */
  readonly engine: PluginEngine;
  readonly plugins: readonly AgentPlugin[];
  readonly hooks: { readonly [Hook in PluginHookName]: readonly number[] | undefined };
  /** The plugins a subagent started by these runs inherits (`inherit: true`); `undefined`: none. */
  readonly inherited: readonly AgentPlugin[] | undefined;
  /**
   * Which of `plugins` are the agent's (its `plugins` option and the plugins its options and
   * tools bring): a hand-off replaces them with the receiving agent's. `undefined`: all of them.
   */
  readonly agentPlugins?: readonly AgentPlugin[] | undefined;
};

/**
 * The seam's implementation, carried by every plugin `definePlugin` made (as `guardrails()` carries
 * its checks): an agent without plugins never loads nor bundles it; the loop reaches it through
 * the plugins it was given. @internal
 */
export type PluginEngine = {
  /** Checks a `plugins` list and resolves it into hook lists (see `resolvePlugins`). */
  readonly resolve: (
    plugins: readonly unknown[] | undefined,
    argument?: string,
  ) => ResolvedPlugins | undefined;
  /** The plugins of one run (see `joinPlugins`). */
  readonly join: (
    agent: ResolvedPlugins | undefined,
    inherited: readonly AgentPlugin[] | undefined,
    own: readonly AgentPlugin[] | undefined,
  ) => ResolvedPlugins | undefined;
  /** The run's plugins and their states. */
  readonly start: (resolved: ResolvedPlugins, facts: PluginRunFacts) => RunPlugins;
  /**
   * The tool path of a run with plugins (`tool-calls/plugin-tool-call.ts`, `wrap-execution.ts`),
   * typed where it is called.
   */
  readonly decide: (options: never, plugins: RunPlugins) => unknown;
  readonly runCall: (options: never, plugins: RunPlugins) => unknown;
  /**
   * Folds an agent's request wrappers into its entry (`resolveModelRequests`), carried here (and
   * by `interactionsApi()`) so the default agent bundles none of it.
   */
  readonly requests: (
    base: ModelCallEntry,
    plugins: unknown,
    api: AgentPlugin | undefined,
    agent: ModelRequestAgent,
  ) => { modelCall: ModelCallEntry; requestPlugins: readonly AgentPlugin[] };
  readonly afterCall: (options: never, plugins: RunPlugins, outcome: never) => unknown;
  readonly wrapExecution: (
    options: never,
    plugins: RunPlugins,
    args: unknown,
    execute: () => unknown,
  ) => Promise<unknown>;
  /**
   * A hand-off's take-over (`loop/take-over.ts`): only a plugin hands a run off, so the code
   * comes with the plugins, and an app without any bundles none of it. Typed where it is called.
   */
  /**
   * The redactor of what a run's observers see, widened by a hand-off (`loop/run-argument-
   * redactor.ts`): made for a run with plugins, which alone may hand it off.
   */
  readonly observedRedactor: (tools: Iterable<never>, inner: never, create: never) => unknown;
  readonly takeOver: (
    context: never,
    handOff: HandOffDecision,
    step: never,
    from: number,
    holding: never,
    loop: never,
  ) => Promise<unknown>;
};

/** A `beforeToolCall` chain's decision, its `ask` resolved (who asked, the arguments to parse). @internal */
export type PluginToolDecision =
  | Exclude<ToolCallDecision, { readonly type: 'ask' }>
  | {
      readonly type: 'ask';
      readonly askedBy: string;
      readonly args?: Record<string, unknown> | undefined;
    };

/** Why a plugin ended the run. @internal */
export type PluginStop = { readonly plugin: string; readonly reason: string };

/** A hand-off a plugin returned, checked (see `HandOffOutcome`), with the plugin's name. @internal */
export type HandOffDecision = {
  readonly plugin: string;
  readonly hook: 'afterAnswer' | 'afterToolCall';
  readonly outcome: HandOffOutcome;
};

/**
 * The plugins of one run and their states: the loop calls a method only where the run's plugins
 * have that hook (`hooks.<name> !== undefined`), so an agent without plugins never makes one.
 * Each method runs the hook's chain in the seam's order (see `AgentPlugin`). @internal
 */
export class RunPlugins {
  hooks: ResolvedPlugins['hooks'];
  inherited: ResolvedPlugins['inherited'];
  /** The seam's implementation (the tool path reaches it here). */
  readonly engine: PluginEngine;
  /** Whether any plugin has a model-call hook (else the step is made as without plugins). */
  aroundModelCalls = false;
  /** Whether any plugin has a tool-call hook (else calls run as without plugins). */
  aroundToolCalls = false;
  /** Set by `run.finish(reason)`: the loop ends the run once the step is over. */
  stop: PluginStop | undefined;
  /**
   * A hand-off a hook returned (the turn's first, or an answer's): the loop gives the run over
   * once the step is over (`loop/take-over.ts`) and clears it.
   */
  handOff: HandOffDecision | undefined;
  /** The step being made, for the events plugins emit. */
  stepNumber = 0;
  /**
   * The run's inbox in process (a stream's or a steering controller's messages), bound by the
   * steering plugin that carries it (`bindInbox`); `undefined`: nobody can send to the run.
   */
  inbox: (() => RunInbox | undefined) | undefined;
  /** Hooks at a step boundary under way, not recorded: where `run.receive` may read. */
  atBoundary = 0;
  /** The run's receives, one after another: a durable run's reads are numbered operations. */
  receiving: Promise<unknown> = Promise.resolve();
  /** Set once `endRun` ran: a run that finished ran it before its result was built. */
  private ended = false;
  private plugins: readonly AgentPlugin[];
  /** The agent's plugins among `plugins` (see `ResolvedPlugins.agentPlugins`). */
  private agentPlugins: readonly AgentPlugin[];
  private views: PluginRunView[];
  /** The run's facts; `emit` goes through the plugins' `wrapEvents` once one wraps events. */
  facts: PluginRunFacts;
  /**
   * The run's emitter and its subagents' sink through the plugins' `wrapEvents` (the loop emits
   * through these); `undefined` while no plugin wraps events or when nothing listens. Made when
   * the run starts, or when the first plugin that wraps events joins it (late, or at a hand-off:
   * the loop then emits through these from its next step on).
   */
  events:
    | { readonly emit: NonNullable<PluginRunFacts['emit']>; readonly sink: PluginRunFacts['sink'] }
    | undefined;

  constructor(resolved: ResolvedPlugins, facts: PluginRunFacts) {
    this.plugins = resolved.plugins;
    this.agentPlugins = resolved.agentPlugins ?? resolved.plugins;
    this.hooks = resolved.hooks;
    this.inherited = resolved.inherited;
    this.engine = resolved.engine;
    this.facts = facts;
    this.views = resolved.plugins.map((plugin) => new PluginRunView(plugin.name, this, facts));
    if (resolved.hooks.wrapEvents !== undefined) this.routeEvents();
    this.around();
  }

  /** Where the run's events go now: straight on until `wrapEvents` ran (see {@link events}). */
  private through: EmitRunEvent | undefined;
  /** Where the innermost wrapper passes events on to: a later plugin's wrappers go there. */
  private innermost: { next: EmitRunEvent } | undefined;
  /** Each wrapping plugin's switch: off once it left the run (a hand-off), its wrapper skipped. */
  private wrappers: Map<AgentPlugin, { on: boolean }> | undefined;

  /** The run's events through {@link events}, made once (when nothing listens: never). */
  private routeEvents(): void {
    const { emit, sink } = this.facts;
    if (this.events !== undefined || emit === undefined) return;
    this.events = this.eventsOf(emit, sink);
    // A copy that keeps the facts' getters (a spread would read them once: the holding agent's
    // name and model follow a hand-off), with the wrapped emitter.
    const facts = Object.defineProperties(
      {},
      Object.getOwnPropertyDescriptors(this.facts),
    ) as PluginRunFacts;
    (facts as { emit: PluginRunFacts['emit'] }).emit = this.events.emit;
    this.facts = facts;
  }

  /**
   * The run's events (`emit`) and its subagents' (`sink`, stamped with their longer path): they
   * pass on as they are until the plugins' `startRun` ran, then through every `wrapEvents`
   * ({@link wrapEvents}). The run's own events are stamped with its path here, so every hook
   * sees where one came from.
   */
  private eventsOf(
    emit: NonNullable<PluginRunFacts['emit']>,
    sink: PluginRunFacts['sink'],
  ): { emit: NonNullable<PluginRunFacts['emit']>; sink: PluginRunFacts['sink'] } {
    const own = this.facts.path;
    const route: EmitRunEvent = (event) =>
      event.path.length > own.length ? sink?.(event) : emit(event);
    this.through = route;
    return {
      emit: (event: UntaggedAgentEvent<unknown>) => {
        const tagged = event as { path?: AgentEvent<unknown>['path'] };
        tagged.path ??= own;
        return (this.through as EmitRunEvent)(event as AgentEvent<unknown>);
      },
      sink:
        sink === undefined
          ? undefined
          : (event) => (this.through as EmitRunEvent)(event as AgentEvent<unknown>),
    };
  }

  /**
   * Every `wrapEvents` around where the run's events go, the first registered outermost, once,
   * after the plugins' `startRun` (a hook gets its state); each sees the run's events and its
   * subagents', and the innermost passes each on where it was going.
   */
  private wrapEvents(arriving?: readonly AgentPlugin[]): void {
    const route = this.through;
    if (route === undefined) return;
    this.wrappers ??= new Map();
    const wrappers = this.wrappers;
    const indexes = (this.hooks.wrapEvents ?? []).filter((index) => {
      const plugin = this.plugins[index] as AgentPlugin;
      return !wrappers.has(plugin) && (arriving === undefined || arriving.includes(plugin));
    });
    if (indexes.length === 0) return;
    // The plugins that wrap now come after those that wrapped before (they joined later): their
    // wrappers go inside, between the innermost wrapper so far and where the events go.
    const end = this.innermost?.next ?? route;
    const slot = { next: end };
    let through: EmitRunEvent = (event) => slot.next(event);
    for (let at = indexes.length - 1; at >= 0; at--) {
      const index = indexes[at] as number;
      const plugin = this.plugins[index] as AgentPlugin;
      let wrapped: unknown;
      try {
        wrapped = (plugin.wrapEvents as NonNullable<AgentPlugin['wrapEvents']>)(
          through,
          this.views[index] as PluginRun,
        );
      } catch (cause) {
        throw this.error(index, 'wrapEvents', cause);
      }
      if (typeof wrapped !== 'function')
        throw this.invalid(index, 'wrapEvents', 'it returned something that is not a function');
      const inner = through;
      const outer = wrapped as EmitRunEvent;
      const layer = { on: true };
      wrappers.set(plugin, layer);
      through = (event) => (layer.on ? outer : inner)(event);
    }
    if (this.innermost === undefined) this.through = through;
    else this.innermost.next = through;
    this.innermost = slot;
  }

  /**
   * The plugins that joined (late, or at a hand-off) and wrap events: their wrappers join the
   * run's, made now that their `startRun` ran (the first that wraps makes {@link events}).
   */
  wrapArriving(arriving: readonly AgentPlugin[]): void {
    if (this.hooks.wrapEvents === undefined) return;
    this.routeEvents();
    this.wrapEvents(arriving);
  }

  private around(): void {
    const { hooks } = this;
    this.aroundModelCalls =
      hooks.checkInput !== undefined ||
      hooks.beforeModelCall !== undefined ||
      hooks.wrapModelCall !== undefined ||
      hooks.afterModelCall !== undefined;
    this.aroundToolCalls =
      hooks.beforeToolCall !== undefined ||
      hooks.checkToolCall !== undefined ||
      hooks.wrapToolCall !== undefined ||
      hooks.afterToolCall !== undefined;
  }

  /** Whether `plugin` is one of the run's plugins now. */
  holds(plugin: AgentPlugin): boolean {
    return this.plugins.includes(plugin);
  }

  /** The run's plugins now (`PluginRun.plugins`). */
  get list(): readonly AgentPlugin[] {
    return this.plugins;
  }

  /**
   * The rewrite of a thrown tool error the model gets (`AgentPlugin.rewriteToolError` of the last
   * plugin that has one), read by the turn; `undefined`: the safe default.
   */
  get toolErrorRewrite(): AgentPlugin['rewriteToolError'] {
    for (let at = this.plugins.length - 1; at >= 0; at--) {
      const rewrite = (this.plugins[at] as AgentPlugin).rewriteToolError;
      if (rewrite !== undefined) return boundedToolErrorRewrite(rewrite, this.facts.redact);
    }
    return undefined;
  }

  /**
   * Plugins joining the run while it runs (see {@link LatePlugins}): checked as a `plugins` list
   * with the run's, started at once; their hooks run from the next boundary on.
   */
  async join(plugins: readonly AgentPlugin[]): Promise<void> {
    const before = this.plugins;
    const resolved = this.engine.resolve([...before, ...plugins]) as ResolvedPlugins;
    // The companions stay last (`AgentPlugin.companions`): a view follows its plugin's place.
    const views = resolved.plugins.map((plugin) => {
      const at = before.indexOf(plugin);
      return at === -1
        ? new PluginRunView(plugin.name, this, this.facts)
        : (this.views[at] as PluginRunView);
    });
    this.plugins = resolved.plugins;
    this.views = views;
    this.hooks = resolved.hooks;
    this.around();
    await this.startRun(0, undefined, before);
    // The arriving plugins (and the companions they brought) wrap events from now on.
    this.wrapArriving(this.plugins.filter((plugin) => !before.includes(plugin)));
  }

  /**
   * A hand-off: the agent's plugins that the receiving agent does not have end (`endRun`, in
   * reverse order), the receiving agent's (`agent`) take their place and start (`startRun`); the
   * run's other plugins (a parent's, the run's own, those that joined) keep their place and state.
   * The plugin the scope of the agent holding the run puts first (its `compaction`'s, see
   * `agentScope`) is `scope.before`: when the receiving agent's scope holds another
   * (`scope.after`: its own, or the run's own made for its model), `before` leaves with the
   * agent's and `after` comes first: the draft every other `beforeModelCall` sees stays compacted.
   * @throws the first `endRun` or `startRun` failure, or an `InvalidArgumentError` when a
   *   receiving plugin's name is taken by a plugin that stays.
   */
  async handOver(
    agent: readonly AgentPlugin[],
    scope: { readonly before?: AgentPlugin | undefined; readonly after?: AgentPlugin | undefined },
  ): Promise<void> {
    const swapped = scope.before !== scope.after ? scope.before : undefined;
    const first = scope.before !== scope.after && scope.after !== undefined ? [scope.after] : [];
    const leaving = this.agentPlugins.filter((plugin) => !agent.includes(plugin));
    if (swapped !== undefined) leaving.push(swapped);
    const ends = this.hooks.endRun ?? [];
    for (let at = ends.length - 1; at >= 0; at--) {
      const index = ends[at] as number;
      const plugin = this.plugins[index] as AgentPlugin;
      if (!leaving.includes(plugin)) continue;
      // A boundary as the run's own end is: `run.receive` reads what waits (the run goes on, so
      // what the leaving plugin does not take stays for the plugins that do).
      this.atBoundary++;
      try {
        await (plugin.endRun as NonNullable<AgentPlugin['endRun']>)(
          this.views[index] as PluginRun,
          HANDED_OFF,
        );
      } catch (cause) {
        throw this.error(index, 'endRun', cause);
      } finally {
        this.atBoundary--;
      }
    }
    const stays = (plugin: AgentPlugin): boolean =>
      !this.agentPlugins.includes(plugin) && plugin !== swapped;
    // The receiving agent's plugins where the agent's were: after what a parent hands down.
    let at = this.plugins.findIndex((plugin) => this.agentPlugins.includes(plugin));
    if (at === -1)
      at = this.plugins.findIndex((plugin) => plugin.inherit !== true && plugin !== scope.before);
    if (at === -1) at = this.plugins.length;
    const before = this.plugins.slice(0, at).filter(stays);
    const after = this.plugins.slice(at).filter(stays);
    const kept = [...first, ...before, ...after];
    let next = [...first, ...before, ...agent.filter((plugin) => !kept.includes(plugin)), ...after];
    const resolved = this.engine.resolve(next) as ResolvedPlugins | undefined;
    // The companions the run's plugins bring now, last (`AgentPlugin.companions`).
    if (resolved !== undefined) next = resolved.plugins as AgentPlugin[];
    const views = next.map((plugin) => {
      const index = this.plugins.indexOf(plugin);
      return index === -1 || leaving.includes(plugin)
        ? new PluginRunView(plugin.name, this, this.facts)
        : (this.views[index] as PluginRunView);
    });
    const arriving = next.filter((plugin) => !this.plugins.includes(plugin));
    // A plugin that left wraps the run's events no more (what it held stays unsent); one that
    // comes back (a hand-off back to its agent) wraps them again, from its new start.
    for (const plugin of leaving) {
      const layer = this.wrappers?.get(plugin);
      if (layer !== undefined) layer.on = false;
    }
    for (const plugin of arriving)
      if (this.wrappers?.get(plugin)?.on === false) this.wrappers.delete(plugin);
    this.plugins = next;
    this.views = views;
    this.agentPlugins = agent;
    this.hooks = resolved?.hooks ?? emptyHooks(this.hooks);
    this.inherited = resolved?.inherited;
    this.around();
    for (const index of this.hooks.startRun ?? []) {
      const plugin = next[index] as AgentPlugin;
      if (!arriving.includes(plugin)) continue;
      const view = views[index] as PluginRunView;
      view.state = await this.call(index, 'startRun', this.stepNumber, () =>
        (plugin.startRun as NonNullable<AgentPlugin['startRun']>)(view as PluginRun<undefined>),
      );
    }
    this.wrapArriving(arriving);
  }

  /** `startRun` of each plugin that has one (from the `from`-th), in order; their states kept. */
  async startRun(
    from = 0,
    logger?: { warn(fields: object, message: string): void },
    started?: readonly AgentPlugin[],
  ): Promise<void> {
    for (const index of this.hooks.startRun ?? []) {
      if (index < from) continue;
      // Those that joined late start; the run's own started with it.
      if (started?.includes(this.plugins[index] as AgentPlugin) === true) continue;
      const plugin = this.plugins[index] as AgentPlugin;
      const view = this.views[index] as PluginRunView;
      try {
        view.state = await this.call(index, 'startRun', 0, () =>
          (plugin.startRun as NonNullable<AgentPlugin['startRun']>)(view as PluginRun<undefined>),
        );
      } catch (error) {
        // The run never starts: the plugins already started (a connection opened, a budget
        // reserved) end with its error, as they would had the run failed later.
        const failed =
          from === 0 && started === undefined ? await this.endStarted(index, error) : undefined;
        if (failed !== undefined)
          logger?.warn({ err: failed }, 'a plugin failed in endRun after a startRun failed');
        throw error;
      }
    }
  }

  /**
   * `endRun` (reverse order) of the plugins before `failed`, whose `startRun` ran; not again
   * later. Returns the first `endRun` failure (the run fails with the `startRun`'s).
   */
  private async endStarted(failed: number, error: unknown): Promise<unknown> {
    this.ended = true;
    let endFailed: unknown;
    const indexes = this.hooks.endRun ?? [];
    for (let at = indexes.length - 1; at >= 0; at--) {
      const index = indexes[at] as number;
      if (index >= failed) continue;
      try {
        await ((this.plugins[index] as AgentPlugin).endRun as NonNullable<AgentPlugin['endRun']>)(
          this.views[index] as PluginRun,
          { error },
        );
      } catch (cause) {
        endFailed ??= this.error(index, 'endRun', cause);
      }
    }
    return endFailed;
  }

  /** `endRun` of each plugin, in reverse order; a failing one is logged by the caller, not thrown. */
  async endRun(error: unknown): Promise<unknown> {
    if (this.ended) return undefined;
    this.ended = true;
    let failed: unknown;
    const indexes = this.hooks.endRun ?? [];
    for (let at = indexes.length - 1; at >= 0; at--) {
      const index = indexes[at] as number;
      this.atBoundary++;
      try {
        await ((this.plugins[index] as AgentPlugin).endRun as NonNullable<AgentPlugin['endRun']>)(
          this.views[index] as PluginRun,
          error === undefined ? {} : { error },
        );
      } catch (cause) {
        failed ??= this.error(index, 'endRun', cause);
      } finally {
        this.atBoundary--;
      }
    }
    return failed;
  }

  /**
   * A run through the plugins: their `startRun` before `body`, their `endRun` however it ended (a
   * failing `endRun` fails a run that succeeded; a run that failed keeps its own error, and the
   * plugin's is logged). `joinWaiting` joins the plugins still waiting to join (a stream's
   * steering) when `body` failed, so they end with the others.
   */
  async aroundRun<Result>(
    body: () => Promise<Result>,
    logger: { warn(fields: object, message: string): void },
    joinWaiting?: () => Promise<unknown>,
  ): Promise<Result> {
    if (this.hooks.startRun !== undefined) await this.startRun(0, logger);
    let result: Result;
    try {
      if (this.events !== undefined) this.wrapEvents();
      result = await body();
    } catch (error) {
      if (joinWaiting !== undefined)
        await joinWaiting().catch((failed: unknown) =>
          logger.warn({ err: failed }, 'a plugin failed to join a run that failed'),
        );
      if (this.hooks.endRun !== undefined) {
        const failed = await this.endRun(error);
        if (failed !== undefined)
          logger.warn({ err: failed }, 'a plugin failed in endRun after the run failed');
      }
      throw error;
    }
    await this.finishing();
    return result;
  }

  /**
   * The end of a run that finished, before its result is built (so what the plugins report at
   * the end, a steer dropped, comes before `run-end`): `endRun` of each, once.
   * @throws the first `endRun`'s error (a failing `endRun` fails a run that succeeded).
   */
  async finishing(): Promise<void> {
    if (this.hooks.endRun === undefined || this.ended) return;
    const failed = await this.endRun(undefined);
    if (failed !== undefined) throw failed;
  }

  /**
   * What follows a step: the end a plugin asked for (`run.finish`), once the step's calls are
   * answered; or, after an answer the model ended normally (`answer`), what `afterAnswer`
   * decides: its contents appended (`append`) and the model called again (`'run-again'`), or the
   * end. `undefined`: the step goes on as the loop resolved it.
   */
  async afterStep(
    step: AgentStep,
    answer: { readonly text?: string | undefined; readonly blocked?: unknown } | undefined,
    stepsLeft: boolean,
    append: (content: Content) => void,
    logger: { warn(fields: object, message: string): void },
  ): Promise<PluginStop | 'run-again' | undefined> {
    if (this.stop !== undefined) return answer === undefined ? this.stop : undefined;
    if (answer === undefined || this.hooks.afterAnswer === undefined) return undefined;
    const decided = await this.afterAnswer({
      step,
      text: answer.text ?? step.text,
      stepsLeft,
      blocked: answer.blocked !== undefined,
    });
    if (decided === undefined) return undefined;
    const { outcome, plugin } = decided;
    if (outcome.type === 'finish') return { plugin, reason: outcome.reason };
    // The receiving agent's steps count from zero: a hand-off needs no step left. Its contents
    // are appended after the history is filtered for it.
    if (outcome.type === 'hand-off') {
      this.handOff = { plugin, hook: 'afterAnswer', outcome };
      return 'run-again';
    }
    if (!stepsLeft) {
      // No step left to answer it: the run ends with its answer, and says why it did not go on.
      logger.warn(
        { plugin },
        'a plugin asked to run again after the answer, but no step is left (maxSteps)',
      );
      return undefined;
    }
    for (const content of outcome.contents) append(content as Content);
    // No contents: the hook added them itself (`run.addInput`) and reported them its own way.
    if (outcome.contents.length > 0)
      this.emit(plugin, 'run-again', { contents: outcome.contents.length });
    return 'run-again';
  }

  /**
   * One model step through the plugins: `beforeModelCall` (other contents, or the end of the
   * run), `wrapModelCall` around `call`, then `afterModelCall`. `call` gets the contents to send
   * instead of the history, `undefined` when no hook changed them (so the step compacts and sends
   * the history as it would without plugins), and the model a wrapper sent the call to
   * (`undefined`: the agent's) and the cached content it sent the call with (`undefined`: none).
   * `contentsNow` gives what the step would send now: a hook that
   * added input to the history (`run.addInput`, a steer) rather than returning contents makes the
   * draft the wrappers see that history (a fallback's second call sends the steer too).
   */
  async modelStep(
    draft: ModelCallDraft,
    call: (
      contents: readonly Content[] | undefined,
      model: string | undefined,
      cachedContent: string | undefined,
      signal?: AbortSignal,
    ) => Promise<AgentStep>,
    contentsNow?: () => readonly Content[],
  ): Promise<AgentStep | PluginStop> {
    this.stepNumber = draft.stepNumber;
    let current = draft;
    let history = draft.contents;
    let follows = true;
    if (this.hooks.beforeModelCall !== undefined) {
      const changed = await this.beforeModelCall(draft, contentsNow);
      if (!('contents' in changed)) return changed.stop;
      current = changed.draft;
      follows = changed.followsHistory;
      if (follows) history = current.contents;
    }
    // The run's input meets the `checkInput` hooks once, at its first step, after its
    // `beforeModelCall` hooks (so a steer they added is checked with it) and before its wrappers;
    // what a plugin adds later meets them on its own. A rewrite is what the step sends.
    let beside: BesideVerdict[] | undefined;
    if (this.hooks.checkInput !== undefined && !this.facts.tracker.inputChecked) {
      const checked = await this.checkRunInput(draft.stepNumber);
      beside = checked.beside;
      const now = checked.rewritten && follows ? contentsNow?.() : undefined;
      if (now !== undefined) {
        current = { ...current, contents: now };
        history = now;
      }
    }
    const send = (sent: ModelCallDraft) => {
      const contents = sent.contents === history ? undefined : sent.contents;
      const model = typeof sent.model === 'string' && sent.model !== '' ? sent.model : undefined;
      const cachedContent =
        typeof sent.cachedContent === 'string' && sent.cachedContent !== ''
          ? sent.cachedContent
          : undefined;
      // The step's first call runs beside the input verdicts still to come; a call sent again
      // (a fallback's) after they settled is an ordinary one.
      const verdicts = beside;
      beside = undefined;
      return verdicts === undefined
        ? call(contents, model, cachedContent)
        : this.callBeside(
            verdicts,
            (signal) => call(contents, model, cachedContent, signal),
            () => call(undefined, model, cachedContent),
            sent.stepNumber,
          );
    };
    let step: AgentStep;
    try {
      step =
        this.hooks.wrapModelCall === undefined
          ? await send(current)
          : await this.wrapModelCall(current, send);
    } catch (error) {
      // The step failed before any call ran beside the verdicts: they are not waited for.
      for (const { verdict } of beside ?? []) verdict.catch(() => {});
      throw error;
    }
    // A wrapper answered without calling the model (a cache): the verdicts still stand.
    if (beside !== undefined) await this.settledBeside(beside, draft.stepNumber);
    if (this.hooks.afterModelCall !== undefined) await this.afterModelCall(step);
    return step;
  }

  /** Verdicts no call ran beside: a trip ends the run, a rewrite goes in the history. */
  private async settledBeside(
    verdicts: readonly BesideVerdict[],
    stepNumber: number,
  ): Promise<void> {
    const rewrites = await Promise.all(
      verdicts.map(({ index, verdict }) => this.besideVerdict(index, verdict, stepNumber)),
    );
    const rewrite = rewrites.filter((it) => it !== undefined).at(-1);
    if (rewrite !== undefined) this.facts.tracker.replaceInput(rewrite);
  }

  /**
   * The run's new input through the `checkInput` hooks (`source: 'input'`), its rewrite put in
   * the history: the verdicts still to come (`beside`), `undefined` when none is.
   */
  private async checkRunInput(
    stepNumber: number,
  ): Promise<{ beside: BesideVerdict[] | undefined; rewritten: boolean }> {
    const { tracker } = this.facts;
    const checked = await this.checkInput({
      stepNumber,
      source: 'input',
      contents: tracker.newInput(),
    });
    if (checked.rewritten) {
      tracker.replaceInput(checked.contents);
      // A compaction this step made of the old input is not sent (a run starts uncompacted).
      tracker.restoreCompaction(UNCOMPACTED as never);
    }
    // Contents a plugin adds from here on (a steer in a wrapper, a tool's) meet the checks alone.
    tracker.inputChecked = true;
    return {
      beside: checked.beside.length === 0 ? undefined : checked.beside,
      rewritten: checked.rewritten,
    };
  }

  /**
   * Contents a plugin adds (`run.addInput`) through the `checkInput` hooks (`source: 'added'`),
   * every verdict awaited (no call to run beside): what joins the history, or `undefined` when
   * the run was aborted during a check (nothing joins).
   * @throws the `GuardrailTrippedError` of a check that tripped (nothing joins).
   */
  async checkedInput(
    added: readonly Content[],
    stepNumber: number,
  ): Promise<readonly Content[] | undefined> {
    try {
      const checked = await this.checkInput({ stepNumber, source: 'added', contents: added });
      const rewrites = await Promise.all(
        checked.beside.map(({ index, verdict }) => this.besideVerdict(index, verdict, stepNumber)),
      );
      return rewrites.filter((rewrite) => rewrite !== undefined).at(-1) ?? checked.contents;
    } catch (error) {
      if (AgentAbortedError.isInstance(error) && this.facts.signal.aborted) return undefined;
      throw error;
    }
  }

  /**
   * Every `checkInput` in order, each on what the one before left: the contents, whether one
   * rewrote them, and the verdicts still to come (`beside`). A `recorded` check's verdict is
   * awaited inside its recorded step (its result is data), so it does not run beside the call.
   */
  private async checkInput(
    draft: InputDraft,
  ): Promise<{ contents: readonly Content[]; rewritten: boolean; beside: BesideVerdict[] }> {
    let current = draft;
    let rewritten = false;
    const beside: BesideVerdict[] = [];
    try {
      for (const index of this.hooks.checkInput ?? []) {
        const plugin = this.plugins[index] as AgentPlugin;
        const recorded = this.facts.record !== undefined && plugin.recorded?.includes('checkInput');
        const checked = await this.call(index, 'checkInput', draft.stepNumber, async () => {
          const result = await (plugin.checkInput as NonNullable<AgentPlugin['checkInput']>)(
            current,
            this.views[index] as PluginRun,
          );
          if (recorded !== true || !isBeside(result)) return result;
          return (await result.beside) ?? undefined;
        });
        if (checked === undefined || checked === null) continue;
        if (isBeside(checked)) {
          beside.push({ index, verdict: checked.beside });
          // What the check rewrote before it left the rest to come beside the call.
          if ((checked as { contents?: unknown }).contents === undefined) continue;
        }
        const contents = this.rewriteOf(index, checked);
        current = { ...current, contents };
        rewritten = true;
      }
    } catch (error) {
      // The run ends here: the verdicts already running are not waited for.
      for (const { verdict } of beside) verdict.catch(() => {});
      throw error;
    }
    return { contents: current.contents, rewritten, beside };
  }

  /** The contents of a `checkInput` rewrite, checked: a non-empty list of user contents. */
  private rewriteOf(index: number, checked: unknown): readonly Content[] {
    const contents = (checked as { contents?: unknown }).contents;
    if (!isContentList(contents) || typeof checked !== 'object')
      throw this.invalid(
        index,
        'checkInput',
        'it returned something that is neither { contents } (a non-empty list of user contents) nor { beside: Promise }',
      );
    return contents;
  }

  /** A verdict that came `beside` the call: the rewrite it made (checked), or `undefined`. */
  private async besideVerdict(
    index: number,
    verdict: Promise<void | InputRewrite | undefined>,
    stepNumber: number,
  ): Promise<readonly Content[] | undefined> {
    const settled = await this.call(index, 'checkInput', stepNumber, () => verdict);
    return settled === undefined || settled === null ? undefined : this.rewriteOf(index, settled);
  }

  /**
   * The step's first call beside the input verdicts still to come: its signal follows the run's
   * and aborts the moment one trips; the step is returned only once they all passed (so no tool
   * of it starts before). A trip ends the run (a stream's shown text retracted); a rewrite puts
   * the new input in the history and sends the call again (`resend`) from it, without the
   * compaction the first call's step made of the old input (a run starts uncompacted). The
   * dropped call's usage stays counted (the run's, and the tree's tokens here).
   */
  private async callBeside(
    verdicts: readonly BesideVerdict[],
    send: (signal: AbortSignal) => Promise<AgentStep>,
    resend: () => Promise<AgentStep>,
    stepNumber: number,
  ): Promise<AgentStep> {
    const { tracker, treeBudget } = this.facts;
    const controller = new AbortController();
    const unfollow = followSignal(this.facts.signal, controller);
    const checking = Promise.all(
      verdicts.map(({ index, verdict }) =>
        this.besideVerdict(index, verdict, stepNumber).catch((error: unknown) => {
          controller.abort(new Error('an input check beside the call stopped the run'));
          throw error;
        }),
      ),
    ).then(
      (rewrites) => ({
        ok: true as const,
        rewrite: rewrites.filter((it) => it !== undefined).at(-1),
      }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const calling = send(controller.signal).then(
      (step) => ({ ok: true as const, step }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    try {
      const checked = await checking;
      const called = await calling;
      const dropped = !checked.ok || checked.rewrite !== undefined;
      if (dropped && called.ok && treeBudget !== undefined)
        treeBudget.tokens += called.step.usage.totalTokenCount;
      if (!checked.ok) {
        // A trip wins over what the aborted call failed with; the text it showed is withdrawn.
        if (GuardrailTrippedError.isInstance(checked.error) && this.facts.streaming)
          this.retract(stepNumber, checked.error.guardrailName, '');
        throw checked.error;
      }
      if (checked.rewrite !== undefined) {
        tracker.replaceInput(checked.rewrite);
        tracker.restoreCompaction(UNCOMPACTED as never);
        return await resend();
      }
      if (!called.ok) throw called.error;
      return called.step;
    } finally {
      unfollow();
    }
  }

  /**
   * The contents to send (`draft`'s, or a plugin's), or the end of the run. Until a hook returns
   * contents of its own, each hook's draft is the history as it is now (`contentsNow`): a hook
   * before it may have changed what the run sends (compaction) or added to it (a steer), and
   * `followsHistory` says the draft is still the history.
   */
  async beforeModelCall(
    draft: ModelCallDraft,
    contentsNow?: () => readonly Content[],
  ): Promise<
    | { readonly contents: true; readonly draft: ModelCallDraft; readonly followsHistory: boolean }
    | { readonly stop: PluginStop }
  > {
    let current = draft;
    let followsHistory = true;
    const follow = (): void => {
      const now = followsHistory ? contentsNow?.() : undefined;
      if (now !== undefined && now !== current.contents) current = { ...current, contents: now };
    };
    for (const index of this.hooks.beforeModelCall ?? []) {
      follow();
      const plugin = this.plugins[index] as AgentPlugin;
      const change = await this.call(index, 'beforeModelCall', draft.stepNumber, () =>
        (plugin.beforeModelCall as NonNullable<AgentPlugin['beforeModelCall']>)(
          current,
          this.views[index] as PluginRun,
        ),
      );
      if (change === undefined || change === null) continue;
      if (isFinish(change)) return { stop: { plugin: plugin.name, reason: finishReason(change) } };
      const contents = (change as { contents?: unknown }).contents;
      if (!Array.isArray(contents))
        throw this.invalid(
          index,
          'beforeModelCall',
          'it returned something that is neither { contents } nor { type: "finish", reason }',
        );
      if (!isSendableContents(contents))
        throw this.invalid(
          index,
          'beforeModelCall',
          'its { contents } must be a non-empty list of contents, each { role, parts: [...] }',
        );
      current = { ...current, contents: contents as Content[] };
      followsHistory = false;
    }
    follow();
    return { contents: true, draft: current, followsHistory };
  }

  /**
   * The model call through every `wrapModelCall`, the first registered outermost. A stream shows
   * each model call's text as it comes, so when the wrappers called the model more than once (a
   * retry, a fallback after a partial answer) a UI showed every attempt's text: the step's text is
   * then retracted to the kept answer's (`guardrail-retraction`, named after the plugin whose
   * `next` ran again), the event a UI already handles for an answer rewritten after the fact.
   */
  async wrapModelCall(
    draft: ModelCallDraft,
    call: (draft: ModelCallDraft) => Promise<AgentStep>,
  ): Promise<AgentStep> {
    const indexes = this.hooks.wrapModelCall ?? [];
    let calls = 0;
    let again: string | undefined;
    const through = (at: number, current: ModelCallDraft): Promise<AgentStep> => {
      if (at === indexes.length) {
        calls += 1;
        return call(current);
      }
      const index = indexes[at] as number;
      const plugin = this.plugins[index] as AgentPlugin;
      let nexts = 0;
      return this.wrapped(
        index,
        'wrapModelCall',
        draft.stepNumber,
        (next) =>
          (plugin.wrapModelCall as NonNullable<AgentPlugin['wrapModelCall']>)(
            current,
            next,
            this.views[index] as PluginRun,
          ),
        (next: ModelCallDraft): Promise<AgentStep> => {
          if (++nexts === 2) again ??= plugin.name;
          return through(at + 1, next);
        },
      ).then((step) => {
        if (isStep(step)) return step;
        throw this.invalid(
          index,
          'wrapModelCall',
          'it returned something that is not a step (return what next() gave, or a step like it)',
        );
      });
    };
    const step = await through(0, draft);
    if (calls > 1 && this.facts.streaming) this.retract(draft.stepNumber, again ?? '', step.text);
    return step;
  }

  /** `afterModelCall` of each plugin that has it, in reverse order. */
  async afterModelCall(step: AgentStep): Promise<void> {
    const indexes = this.hooks.afterModelCall ?? [];
    for (let at = indexes.length - 1; at >= 0; at--) {
      const index = indexes[at] as number;
      await this.call(index, 'afterModelCall', step.stepNumber, () =>
        (
          (this.plugins[index] as AgentPlugin).afterModelCall as NonNullable<
            AgentPlugin['afterModelCall']
          >
        )(step, this.views[index] as PluginRun),
      );
    }
  }

  /**
   * The answer through every `checkAnswer` (in order, each on the text the one before left):
   * what the caller gets and the last plugin that rewrote it; `undefined` when none did.
   */
  async checkAnswer(
    answer: AnswerDraft,
  ): Promise<{ plugin: string; text: string; output: unknown } | undefined> {
    let current = answer;
    let by: string | undefined;
    for (const index of this.hooks.checkAnswer ?? []) {
      const plugin = this.plugins[index] as AgentPlugin;
      const change = await this.call(index, 'checkAnswer', answer.step.stepNumber, () =>
        (plugin.checkAnswer as NonNullable<AgentPlugin['checkAnswer']>)(
          current,
          this.views[index] as PluginRun,
        ),
      );
      if (change === undefined || change === null) continue;
      const text = (change as { text?: unknown }).text;
      if (typeof text !== 'string')
        throw this.invalid(
          index,
          'checkAnswer',
          'it returned something that is not { text, output? } (to stop the run, run.trip)',
        );
      const named = (change as { by?: unknown }).by;
      if (named !== undefined && (typeof named !== 'string' || named === '' || named.length > 100))
        throw this.invalid(
          index,
          'checkAnswer',
          "its rewrite's by must be a non-empty string of at most 100 characters",
        );
      current = { ...current, text, output: 'output' in change ? change.output : current.output };
      by = named ?? plugin.name;
    }
    return by === undefined
      ? undefined
      : { plugin: by, text: current.text, output: current.output };
  }

  /**
   * The run's end (`finish`, the answer's step) through the plugins' `checkAnswer`: with the text
   * and output they left. A stream that showed other text hears a `guardrail-retraction` (named
   * after the plugin that rewrote it; `''` when one tripped).
   */
  async checkedAnswer<
    Finish extends { text?: string | undefined; output?: unknown; blocked?: unknown },
  >(step: AgentStep, finish: Finish, stepsLeft: boolean): Promise<Finish> {
    const text = finish.text ?? step.text;
    let checked: Awaited<ReturnType<RunPlugins['checkAnswer']>>;
    try {
      checked = await this.checkAnswer({
        step,
        text,
        stepsLeft,
        blocked: finish.blocked !== undefined,
        output: finish.output,
      });
    } catch (error) {
      if (GuardrailTrippedError.isInstance(error) && text !== '')
        this.retract(step.stepNumber, error.guardrailName, '');
      throw error;
    }
    if (checked === undefined) return finish;
    if (checked.text !== text) this.retract(step.stepNumber, checked.plugin, checked.text);
    return { ...finish, text: checked.text, output: checked.output };
  }

  private retract(stepNumber: number, name: string, text: string): void {
    void this.facts.emit?.({ type: 'guardrail-retraction', stepNumber, name, text });
  }

  /** What the first `afterAnswer` that decides says (reverse order); `undefined`: finish. */
  async afterAnswer(
    answer: AnswerDraft,
  ): Promise<{ plugin: string; outcome: StepOutcome } | undefined> {
    const indexes = this.hooks.afterAnswer ?? [];
    // What the history held before the hooks: a run-again without contents must have added some.
    const before = this.facts.tracker.contents.length;
    for (let at = indexes.length - 1; at >= 0; at--) {
      const index = indexes[at] as number;
      const plugin = this.plugins[index] as AgentPlugin;
      const outcome = await this.call(index, 'afterAnswer', answer.step.stepNumber, () =>
        (plugin.afterAnswer as NonNullable<AgentPlugin['afterAnswer']>)(
          answer,
          this.views[index] as PluginRun,
        ),
      );
      if (outcome === undefined || outcome === null) continue;
      if (isFinish(outcome))
        return { plugin: plugin.name, outcome: { type: 'finish', reason: finishReason(outcome) } };
      const handOff = checkHandOff(outcome, true);
      if (typeof handOff === 'string') throw this.invalid(index, 'afterAnswer', handOff);
      if (handOff) return { plugin: plugin.name, outcome: outcome as HandOffOutcome };
      const contents = (outcome as { type?: unknown; contents?: unknown }).contents;
      if ((outcome as { type?: unknown }).type !== 'run-again' || !isContentList(contents, true))
        throw this.invalid(
          index,
          'afterAnswer',
          'it returned something that is neither { type: "finish", reason }, { type: "run-again", contents } with user contents only, nor { type: "hand-off", to }',
        );
      // Nothing returned and nothing added (`run.addInput`): the model would answer the same
      // history again, step after step until maxSteps. (An abort during `addInput` adds nothing
      // either: the run ends at its next boundary.)
      if (
        contents.length === 0 &&
        this.facts.tracker.contents.length === before &&
        !this.facts.signal.aborted
      )
        throw this.invalid(
          index,
          'afterAnswer',
          'it returned { type: "run-again", contents: [] } but added nothing to the history, so the model would answer the same history again until maxSteps; return the user turn to answer in contents (or add it with run.addInput first), or return undefined to end the run with this answer',
        );
      return { plugin: plugin.name, outcome: { type: 'run-again', contents } };
    }
    return undefined;
  }

  /**
   * The first decision of a `beforeToolCall` (in order); `args` decisions chain, and an `ask`
   * carries the arguments the hooks before it gave (`args`) and who asked. A promise only when a
   * hook returned one (see {@link toolHook}).
   */
  beforeToolCall(draft: ToolCallDraft): MaybePromise<PluginToolDecision | undefined> {
    return this.beforeFrom(this.hooks.beforeToolCall ?? [], 0, draft, draft);
  }

  /** The `beforeToolCall` chain from its `at`-th hook on, `current` the draft the hooks before left. */
  private beforeFrom(
    indexes: readonly number[],
    at: number,
    draft: ToolCallDraft,
    current: ToolCallDraft,
  ): MaybePromise<PluginToolDecision | undefined> {
    if (at === indexes.length)
      return current === draft ? undefined : { type: 'args', args: current.args };
    const index = indexes[at] as number;
    return this.toolHook(index, 'beforeToolCall', current, undefined, (decision) => {
      if (decision === undefined || decision === null)
        return this.beforeFrom(indexes, at + 1, draft, current);
      const type = (decision as { type?: unknown }).type;
      if (type === 'args') {
        const args = (decision as { args?: unknown }).args;
        if (typeof args !== 'object' || args === null || Array.isArray(args))
          throw this.invalid(index, 'beforeToolCall', '{ type: "args" } needs args as an object');
        return this.beforeFrom(indexes, at + 1, draft, {
          ...current,
          args: args as Record<string, unknown>,
        });
      }
      if (type === 'result') return decision as PluginToolDecision;
      const message = (decision as { message?: unknown }).message;
      if (type === 'deny' && typeof message === 'string')
        return { type, message: this.denial(message) };
      if (type === 'ask') {
        const askedBy =
          (decision as { askedBy?: unknown }).askedBy ?? (this.plugins[index] as AgentPlugin).name;
        if (typeof askedBy !== 'string' || askedBy === '' || askedBy.length > 100)
          throw this.invalid(
            index,
            'beforeToolCall',
            "{ type: 'ask' }'s askedBy must be a non-empty string of at most 100 characters",
          );
        // The arguments a hook before this one gave go with the ask (parsed and approved).
        return current === draft
          ? { type: 'ask', askedBy }
          : { type: 'ask', askedBy, args: current.args };
      }
      throw this.invalid(
        index,
        'beforeToolCall',
        'it returned something that is not { type: "args", args }, { type: "result", result }, { type: "deny", message } or { type: "ask" }',
      );
    });
  }

  /**
   * The decision of the `checkToolCall` chain (in order) on a call whose arguments parsed: the
   * first denial (it ends the chain), else the first ask (who asked resolved: the checks after an
   * ask still run, so a later denial or trip wins over it, as the tool guardrails' `ask` always
   * did); `undefined`: every check let it go on. A promise only when a hook returned one. The
   * caller's next step (`next`) and its answer to a failure (`failed`, else the promise rejects)
   * run inside the chain's own promise: one `.then` less a call (see {@link toolHook}).
   */
  checkToolCall<R>(
    draft: ToolExecutionDraft,
    next: (checked: ToolCheck | undefined) => MaybePromise<R>,
    failed: (error: unknown) => MaybePromise<R>,
  ): MaybePromise<R>;
  // Last: what `ReturnType` reads.
  checkToolCall(draft: ToolExecutionDraft): MaybePromise<ToolCheck | undefined>;
  checkToolCall<R>(
    draft: ToolExecutionDraft,
    next?: (checked: ToolCheck | undefined) => MaybePromise<R>,
    failed?: (error: unknown) => MaybePromise<R>,
  ): MaybePromise<R> {
    const chain = { next: next ?? same<R>, failed };
    return this.checkFrom(this.hooks.checkToolCall ?? [], 0, draft, undefined, chain);
  }

  /** The `checkToolCall` chain from its `at`-th hook on, `asked` the first ask before it. */
  private checkFrom<R>(
    indexes: readonly number[],
    at: number,
    draft: ToolExecutionDraft,
    asked: ToolCheck | undefined,
    chain: ToolChain<ToolCheck | undefined, R>,
  ): MaybePromise<R> {
    if (at === indexes.length) return chain.next(asked);
    const index = indexes[at] as number;
    return this.toolHook(index, 'checkToolCall', draft, chain.failed, (decision) => {
      if (decision === undefined || decision === null)
        return this.checkFrom(indexes, at + 1, draft, asked, chain);
      const type = (decision as { type?: unknown }).type;
      const message = (decision as { message?: unknown }).message;
      if (type === 'deny' && typeof message === 'string')
        return chain.next({ type, message: this.denial(message) });
      const askedBy =
        (decision as { askedBy?: unknown }).askedBy ?? (this.plugins[index] as AgentPlugin).name;
      if (type === 'ask' && typeof askedBy === 'string' && askedBy !== '' && askedBy.length <= 100)
        return this.checkFrom(indexes, at + 1, draft, asked ?? { type, askedBy }, chain);
      throw this.invalid(
        index,
        'checkToolCall',
        'it returned something that is neither { type: "deny", message } nor { type: "ask", askedBy? } (askedBy a non-empty string of at most 100 characters)',
      );
    });
  }

  /** The tool's `execute` through every `wrapToolCall`, the first registered outermost. */
  wrapToolCall(
    draft: ToolExecutionDraft,
    execute: () => Promise<ToolExecution>,
  ): Promise<ToolExecution> {
    const indexes = this.hooks.wrapToolCall ?? [];
    const through = (at: number): Promise<ToolExecution> => {
      if (at === indexes.length) return execute();
      const index = indexes[at] as number;
      const plugin = this.plugins[index] as AgentPlugin;
      return this.wrapped(
        index,
        'wrapToolCall',
        draft.stepNumber,
        (next) =>
          (plugin.wrapToolCall as NonNullable<AgentPlugin['wrapToolCall']>)(
            draft,
            () => next(undefined),
            this.views[index] as PluginRun,
          ),
        (_: undefined): Promise<ToolExecution> => through(at + 1),
        draft.toolCallId,
      ).then((execution) => {
        if (isExecution(execution)) return execution;
        throw this.invalid(
          index,
          'wrapToolCall',
          `for ${draft.toolName} it returned something that is not { type: 'value', value }, { type: 'error', error }, { type: 'timeout', timeoutMs } or { type: 'aborted' }`,
        );
      });
    };
    return through(0);
  }

  /**
   * The result the model gets after every `afterToolCall` (reverse order). A hook that hands the
   * run off ends the chain and is told to `handOff`; without `handOff` (a Live session's call),
   * a hand-off is refused with a `PluginError`. A promise only when a hook returned one; `next`
   * and `failed` as in {@link checkToolCall}.
   */
  afterToolCall<R>(
    draft: ToolResultDraft,
    handOff: (decision: HandOffDecision) => void,
    next: (result: unknown) => MaybePromise<R>,
    failed: (error: unknown) => MaybePromise<R>,
  ): MaybePromise<R>;
  afterToolCall(
    draft: ToolResultDraft,
    handOff?: (decision: HandOffDecision) => void,
  ): MaybePromise<unknown>;
  afterToolCall<R>(
    draft: ToolResultDraft,
    handOff?: (decision: HandOffDecision) => void,
    next?: (result: unknown) => MaybePromise<R>,
    failed?: (error: unknown) => MaybePromise<R>,
  ): MaybePromise<R> {
    const indexes = this.hooks.afterToolCall ?? [];
    const chain = { next: next ?? same<R>, failed };
    return this.afterFrom(indexes, indexes.length - 1, draft, undefined, handOff, chain);
  }

  /** The `afterToolCall` chain from its `at`-th hook down, `current` what the hooks after left. */
  private afterFrom<R>(
    indexes: readonly number[],
    at: number,
    current: ToolResultDraft,
    handedOff: HandOffDecision | undefined,
    handOff: ((decision: HandOffDecision) => void) | undefined,
    chain: ToolChain<unknown, R>,
  ): MaybePromise<R> {
    if (at < 0) {
      if (handedOff !== undefined) handOff?.(handedOff);
      return chain.next(current.result);
    }
    const index = indexes[at] as number;
    return this.toolHook(index, 'afterToolCall', current, chain.failed, (changed) => {
      if (changed === undefined || changed === null)
        return this.afterFrom(indexes, at - 1, current, handedOff, handOff, chain);
      const handOver = checkHandOff(changed, false);
      if (handOver === true && handOff !== undefined) {
        // The chain's first hand-off, told once the chain is over: a later hook may still change
        // the result, and every call of a turn passes the same hooks before it tells, so the
        // calls of a turn tell in call order (the turn's first is taken).
        const decision = handedOff ?? {
          plugin: (this.plugins[index] as AgentPlugin).name,
          hook: 'afterToolCall' as const,
          outcome: changed as HandOffOutcome,
        };
        return this.afterFrom(indexes, at - 1, current, decision, handOff, chain);
      }
      if (handOver !== false)
        throw this.invalid(
          index,
          'afterToolCall',
          handOver === true ? 'a hand-off is not taken here (a Live session)' : handOver,
        );
      if (typeof changed !== 'object' || !('result' in changed))
        throw this.invalid(
          index,
          'afterToolCall',
          'it returned something that is neither { result } nor { type: "hand-off", to }',
        );
      const result = (changed as { result: unknown }).result;
      return this.afterFrom(indexes, at - 1, { ...current, result }, handedOff, handOff, chain);
    });
  }

  /**
   * One tool hook's call (`draft` and the plugin's run), `then` given its result: at once when
   * the hook returned no promise, so a chain of synchronous hooks makes no promise and no
   * microtask; else once it settles, raced with the run's abort (a hook that ignores
   * `run.signal` must not keep an aborted run waiting for ever; it goes on in the background).
   * The hook's throw becomes the plugin's failure (see `error`); `then`'s own throw (an invalid
   * decision, the next hook's failure) goes on as it is: thrown, or, once waited for, given to
   * `failed` when there is one (else the promise rejects). A recorded hook goes through `call`.
   */
  private toolHook<R>(
    index: number,
    hook: 'beforeToolCall' | 'checkToolCall' | 'afterToolCall',
    draft: ToolCallDraft,
    failed: ((error: unknown) => MaybePromise<R>) | undefined,
    then: (value: unknown) => MaybePromise<R>,
  ): MaybePromise<R> {
    const plugin = this.plugins[index] as AgentPlugin;
    const body = plugin[hook] as unknown as (draft: ToolCallDraft, run: PluginRun) => unknown;
    const view = this.views[index] as PluginRun;
    if (this.facts.record !== undefined && plugin.recorded?.includes(hook) === true) {
      const recorded = this.call(
        index,
        hook,
        draft.stepNumber,
        () => body(draft, view),
        draft.toolCallId,
      ).then(then);
      return failed === undefined ? recorded : recorded.then(undefined, failed);
    }
    let value: unknown;
    try {
      value = body(draft, view);
    } catch (cause) {
      throw this.error(index, hook, cause);
    }
    if (!isThenable(value)) return then(value);
    const pending = Promise.resolve(value);
    const signal = this.facts.signal;
    if (signal.aborted) {
      pending.catch(() => {});
      const error = this.error(index, hook, signal.reason);
      return failed === undefined ? Promise.reject(error) : failed(error);
    }
    // One promise for the race, the chain's next step and the caller's (`then` runs in it): with
    // the synchronous path above, two trivial tool hooks went from +26.15 promises a step over no
    // plugin to +2.30, and one tool guardrail from +43.45 to +22.45 (plugin-tool-path-counts.ts).
    return new Promise<R>((resolve, reject) => {
      const fail = (error: unknown): void => {
        if (failed === undefined) {
          reject(error);
          return;
        }
        try {
          resolve(failed(error));
        } catch (thrown) {
          // The caller's own throw (its `next` failed, then `failed` passed it on).
          reject(thrown);
        }
      };
      const stopWaiting = onAbort(signal, () => {
        pending.catch(() => {});
        fail(this.error(index, hook, signal.reason));
      });
      pending.then(
        (settled) => {
          stopWaiting();
          try {
            resolve(then(settled));
          } catch (error) {
            fail(error);
          }
        },
        (cause: unknown) => {
          stopWaiting();
          fail(this.error(index, hook, cause));
        },
      );
    });
  }

  /** Reports a plugin's event (see `PluginRun.emit`): on the stream, the spans and the recording. */
  emit(plugin: string, kind: string, data: unknown): void {
    const { emit } = this.facts;
    const stepNumber = this.stepNumber;
    if (emit === undefined) return;
    void emit(
      data === undefined
        ? { type: 'plugin', plugin, kind, stepNumber }
        : { type: 'plugin', plugin, kind, stepNumber, data },
    );
  }

  /**
   * A plugin's check as a `guardrail` event (see `PluginRun.reportCheck`), its reason redacted
   * here, where the event is made; nothing is built when nobody receives the run's events.
   */
  reportCheck(check: GuardrailCheckRecord): void {
    const { emit } = this.facts;
    const checked = reportedCheck(check, this.facts.redact);
    if (emit === undefined) return;
    void emit({ type: 'guardrail', ...checked });
  }

  /**
   * One hook call: through the recorder when the plugin lists the hook in `recorded` (its result
   * and a `finish` it asked for are what is stored), its throw made a {@link PluginError}.
   */
  private async call<T>(
    index: number,
    hook: PluginHookName,
    stepNumber: number,
    body: () => T | Promise<T>,
    callId?: string,
  ): Promise<T> {
    const plugin = this.plugins[index] as AgentPlugin;
    const record = this.facts.record;
    try {
      const recorded = plugin.recorded?.includes(hook) === true;
      if (record === undefined || !recorded) {
        // A recorded hook may not receive in process either: it could not in a durable run.
        if (recorded || !BOUNDARY_HOOKS.has(hook)) return await this.untilAborted(body(), hook);
        this.atBoundary++;
        try {
          return await this.untilAborted(body(), hook);
        } finally {
          this.atBoundary--;
        }
      }
      const view = this.views[index] as PluginRunView;
      const agents = this.facts.services?.handOffAgents;
      // Raced against the run's abort twice: the run goes on at once (a recorder's step may not
      // end with it), and the step's own body ends too, so what the recorder keeps of an abandoned
      // call is the abort (a durable recorder keeps nothing of a cancelled run's step).
      let ran = false;
      const recording = record(recordName(plugin.name, hook, stepNumber, callId), async () => {
        ran = true;
        const before = this.stop;
        let value: unknown;
        let trip: PluginTrip | undefined;
        // What the hook adds to the history (`run.addInput`) is part of its outcome: a replay
        // does not call it, so the record carries the contents that joined (a tool hook's
        // calls run at once, so there `addInput` is refused instead: see PluginRunView).
        const outer = view.adding;
        const added: Content[] = [];
        if (callId === undefined) view.adding = added;
        else view.recordedToolHooks++;
        try {
          // A hand-off is stored by its agent's key (see recorded-hand-off.ts).
          value = toStoredHandOff(await this.untilAborted(body(), hook), agents);
        } catch (error) {
          // A trip is the hook's verdict: stored as data (a recorder keeps a throw as name and
          // message only), thrown again below, typed, on the first run and on every replay.
          if (!GuardrailTrippedError.isInstance(error)) throw error;
          trip = { guardrailName: error.guardrailName, phase: error.phase, reason: error.reason };
        } finally {
          if (callId === undefined) view.adding = outer;
          else view.recordedToolHooks--;
        }
        const finished = this.stop !== before ? this.stop : undefined;
        return {
          value,
          ...(trip !== undefined && { trip }),
          ...(finished !== undefined && { finish: finished.reason }),
          ...(added.length > 0 && { added }),
          // `recordedState`: the state this call left, restored on a replay (below).
          ...(plugin.recordedState === true && { state: view.state }),
        };
      });
      const stored = (await this.untilAborted(recording, hook)) as {
        value: T;
        trip?: PluginTrip;
        finish?: string;
        added?: unknown;
        state?: unknown;
      };
      // A replay: what the hook added on the first run joins the history again, where it did
      // (the contents that joined then, after the input checks; they are not checked again).
      if (!ran && stored.added !== undefined) this.addStored(index, hook, stored.added);
      if (stored.finish !== undefined) this.stop ??= { plugin: plugin.name, reason: stored.finish };
      if (plugin.recordedState === true && 'state' in stored) view.state = stored.state;
      if (stored.trip !== undefined) throw tripError(stored.trip, this.facts);
      return fromStoredHandOff(stored.value, agents) as T;
    } catch (cause) {
      throw this.error(index, hook, cause);
    }
  }

  /**
   * The contents a recorded hook added on the first run (`run.addInput`), appended again on a
   * replay. A record is read back from a database: what is not a list of user contents fails
   * as the hook's invalid result rather than joining the history.
   */
  private addStored(index: number, hook: PluginHookName, added: unknown): void {
    if (!isContentList(added))
      throw this.invalid(
        index,
        hook,
        'its record holds contents it added that are not a list of user contents (the record was changed)',
      );
    for (const content of added) this.facts.tracker.append(content);
  }

  /** A wrapper's call: what `next` threw goes on as it is; the wrapper's own throw is the plugin's. */
  private async wrapped<Arg>(
    index: number,
    hook: 'wrapModelCall' | 'wrapToolCall',
    stepNumber: number,
    body: (next: (value: Arg) => Promise<never>) => Promise<unknown>,
    inner: (value: Arg) => Promise<unknown>,
    callId?: string,
  ): Promise<unknown> {
    let fromNext: { error: unknown } | undefined;
    const next = (value: Arg): Promise<never> =>
      inner(value).catch((error: unknown) => {
        fromNext = { error };
        throw error;
      }) as Promise<never>;
    try {
      return await this.call(index, hook, stepNumber, () => body(next), callId);
    } catch (error) {
      if (PluginError.isInstance(error) && fromNext !== undefined && error.cause === fromNext.error)
        throw fromNext.error;
      throw error;
    }
  }

  /**
   * A hook's pending result, or the run's abort: a hook that ignores `run.signal` must not keep an
   * aborted run waiting for ever (a tool's `execute` is raced the same way). `endRun` is not
   * raced: it runs after an abort, to clean up. The hook goes on in the background.
   */
  private untilAborted<T>(value: T | Promise<T>, hook: PluginHookName): T | Promise<T> {
    const signal = this.facts.signal;
    if (hook === 'endRun' || !(value instanceof Promise)) return value;
    if (signal.aborted) {
      value.catch(() => {});
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const stopWaiting = onAbort(signal, () => {
        value.catch(() => {});
        reject(signal.reason);
      });
      value.then(
        (settled) => {
          stopWaiting();
          resolve(settled);
        },
        (error: unknown) => {
          stopWaiting();
          reject(error);
        },
      );
    });
  }

  private error(index: number, hook: PluginHookName, cause: unknown): unknown {
    // Already a plugin's failure (a hook that called into another run), or the run's own end
    // travelling through a wrapper: passed on as it is.
    if (PluginError.isInstance(cause) || this.facts.isRunEnding(cause)) return cause;
    // A trip (`run.trip`) ends the run typed, as a guardrail's does.
    if (GuardrailTrippedError.isInstance(cause)) return cause;
    // The run was aborted while the hook ran (it stopped on `run.signal`, or was raced): the
    // caller's abort, not the plugin's failure. A tool hook's is the tool path's to report, with
    // the turn's calls answered.
    const phase = ABORT_PHASES[hook];
    if (phase !== undefined && this.facts.signal.aborted)
      return new AgentAbortedError({
        phase,
        run: this.facts.tracker.state(),
        cause: this.facts.signal.reason,
      });
    const plugin = this.plugins[index] as AgentPlugin;
    // The plugin's own typed error (`ownErrors`) ends the run as it is, redacted as a
    // PluginError's cause would be (a copy keeps its prototype). A predicate that throws or
    // answers anything but `true` does not claim it.
    if (owns(plugin, cause)) return this.facts.redact(cause);
    return new PluginError({
      plugin: plugin.name,
      hook,
      run: this.facts.tracker.state(),
      message: cause instanceof Error ? this.facts.redact(cause.message) : undefined,
      cause: this.facts.redact(cause),
    });
  }

  /**
   * A plugin's deny message as the model (the call's answer in the history) and the events get
   * it: the client's secrets redacted, as a hook's error message is, then cut between characters
   * at {@link MAX_DENY_MESSAGE}, as a tool's error message and a page's denial are (a hook that
   * denies with a whole document would otherwise put it in every later request).
   */
  private denial(message: string): string {
    const redacted = this.facts.redact(message);
    return redacted.length > MAX_DENY_MESSAGE
      ? `${cutText(redacted, MAX_DENY_MESSAGE)}… [${redacted.length - MAX_DENY_MESSAGE} characters omitted]`
      : redacted;
  }

  private invalid(index: number, hook: PluginHookName, message: string): PluginError {
    return new PluginError({
      plugin: (this.plugins[index] as AgentPlugin).name,
      hook,
      message,
      run: this.facts.tracker.state(),
    });
  }
}

/** Whether `plugin.ownErrors` claims `error` (only `true` does; a throw does not). */
function owns(plugin: AgentPlugin, error: unknown): boolean {
  if (plugin.ownErrors === undefined) return false;
  try {
    return plugin.ownErrors(error) === true;
  } catch {
    return false;
  }
}

/** The longest deny message of a plugin the model gets, as a tool's error message (1,000). */
const MAX_DENY_MESSAGE = 1_000;

/**
 * The hooks at a step boundary, where `run.receive` may read (not recorded): one at a time, in
 * the same order on a replay. Not the tool hooks (a turn's calls run at once) nor the wrappers.
 */
const BOUNDARY_HOOKS: ReadonlySet<PluginHookName> = new Set<PluginHookName>([
  'startRun',
  'beforeModelCall',
  'afterModelCall',
  'checkAnswer',
  'afterAnswer',
]);

/** Where in the run an abort during each hook outside the tool path falls. */
const ABORT_PHASES: { readonly [Hook in PluginHookName]?: AbortPhase } = {
  startRun: 'between-steps',
  checkInput: 'model-call',
  checkAnswer: 'between-steps',
  beforeModelCall: 'model-call',
  wrapModelCall: 'model-call',
  afterModelCall: 'model-call',
  afterAnswer: 'between-steps',
};

/** Where compaction stands when a run starts (`RunTracker.compactionMark`): none. */
const UNCOMPACTED = { compacted: undefined, through: 0, count: 0 };

/** An input verdict still to come (`checkInput`'s `{ beside }`), with its plugin's place. */
type BesideVerdict = {
  readonly index: number;
  readonly verdict: Promise<void | InputRewrite | undefined>;
};

/** Whether `checkInput` returned a verdict still to come. */
function isBeside(value: unknown): value is { beside: Promise<void | InputRewrite | undefined> } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { beside?: unknown }).beside instanceof Promise
  );
}

/** Hook lists of no plugin. */
function emptyHooks(hooks: ResolvedPlugins['hooks']): ResolvedPlugins['hooks'] {
  const empty = { ...hooks } as { [Hook in PluginHookName]: readonly number[] | undefined };
  for (const hook of Object.keys(empty) as PluginHookName[]) empty[hook] = undefined;
  return empty;
}

/** A value, or a promise of it: what a chain of hooks that may all be synchronous gives. @internal */
export type MaybePromise<T> = T | Promise<T>;

/** A `checkToolCall` chain's decision. @internal */
export type ToolCheck =
  | { readonly type: 'deny'; readonly message: string }
  | { readonly type: 'ask'; readonly askedBy: string };

/** Whether a hook's result is to be waited for (a promise, or any thenable `await` would take). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value instanceof Promise) return true;
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The caller's next step after a tool hook chain, and its answer to a failure (see `toolHook`). */
type ToolChain<T, R> = {
  readonly next: (value: T) => MaybePromise<R>;
  readonly failed: ((error: unknown) => MaybePromise<R>) | undefined;
};

/** A chain's result as it is (its `next` when the caller gives none). */
function same<R>(value: unknown): R {
  return value as R;
}
