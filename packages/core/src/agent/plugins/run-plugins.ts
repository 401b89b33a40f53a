import type { ModelCallEntry } from '../../http/model-call-entry.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { AgentOptions } from '../config/agent-options.ts';
import type { AgentPlugin, PluginHookName, PluginRun } from './agent-plugin.ts';
import { ModelHooks } from './hook-chains/model-hooks.ts';
import type { HandOffDecision } from './hook-chains/plugin-hook-calls.ts';
import type { ModelRequestAgent } from './model-requests/model-requests.ts';
import { type PluginRunFacts, PluginRunView } from './run-view/plugin-run-view.ts';

export type { HandOffDecision, PluginStop } from './hook-chains/plugin-hook-calls.ts';
export type { MaybePromise, PluginToolDecision, ToolCheck } from './hook-chains/tool-hooks.ts';
export type { PluginHookRecorder, PluginRunFacts } from './run-view/plugin-run-view.ts';

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
  /**
   * What holds the run (set by the loop when the run starts, `Holding`): its steps, where it is
   * when a message comes, and its own signal. That signal aborts however the run is stopped (the
   * caller's signal, `agent.close()`, a reader leaving); from then on the run takes no more steps,
   * so a message taken would be lost (chat68, core2). One field for both, not a `signal` beside
   * `steps`: the agent app's bundle had 11 B left.
   */
  holding?:
    | {
        readonly context?:
          | { readonly run: { readonly steps: readonly AgentStep[] }; readonly signal: AbortSignal }
          | undefined;
      }
    | undefined;
  /**
   * The history store of the chat session sending the run: with the conversation id, what names
   * the conversation (the same id in two stores is two conversations, as the chat's own queue
   * has it). Rides here, on the one object a chat send hands every run it starts, rather than as
   * another parameter of `AgentTurns`; read by the plugins as `PluginRunFacts.conversation`.
   */
  conversation?: object | undefined;
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
  /** Where each plugin was given (see `PluginPlace`): a run's refusals name the agent's so. */
  readonly places?: ReadonlyMap<AgentPlugin, PluginPlace> | undefined;
  /**
   * Whether these plugins add nothing to a run: no hook, no `rewriteToolError` (plugins that only
   * carry settings, receivers or a name). A run whose joined plugins are idle starts none of them
   * and takes the path of a run without plugins (`loop/run/start-run.ts`); those it hands down
   * (`inherited`) still reach its subagents, and a plugin that joins late joins them all.
   */
  readonly idle?: boolean | undefined;
};

/**
 * Where a plugin of a list was given, as its refusals name it: the path the user wrote
 * (`options.plugins[0]`), or what brought it into a joined list, said whole (`{ by: 'the plugin the
 * toolOutput option adds' }`): a joined list's index is one the user never wrote. @internal
 */
export type PluginPlace = string | { readonly by: string };

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
    options?: Pick<AgentOptions<unknown>, 'plugins' | 'guardrails'>,
    added?: unknown,
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
    limit: number,
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

/**
 * The plugins of one run and their states: the loop calls a method only where the run's plugins
 * have that hook (`hooks.<name> !== undefined`), so an agent without plugins never makes one.
 * Each method runs the hook's chain in the seam's order (see `AgentPlugin`). Its hook families
 * live in `hook-chains/`, one class each, each extending the one it calls (the calls of one hook
 * and the events, then the tool, answer, input and model hooks): one state, no import cycle.
 * Here: the run's start, end and membership (a late join, a hand-off). @internal
 */
export class RunPlugins extends ModelHooks {
  /** The seam's implementation (the tool path reaches it here). */
  readonly engine: PluginEngine;

  constructor(resolved: ResolvedPlugins, facts: PluginRunFacts) {
    super();
    this.plugins = resolved.plugins;
    this.agentPlugins = resolved.agentPlugins ?? resolved.plugins;
    this.hooks = resolved.hooks;
    this.inherited = resolved.inherited;
    this.engine = resolved.engine;
    this.facts = facts;
    this.views = resolved.plugins.map((plugin) => new PluginRunView(plugin.name, this, facts));
    // A run with a recorder routes its events too (its recorded tool hooks' reports wait for
    // their calls' results there: see `routeEvents`).
    if (resolved.hooks.wrapEvents !== undefined || facts.record !== undefined) this.routeEvents();
    this.around();
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
        await this.settled(
          (plugin.endRun as NonNullable<AgentPlugin['endRun']>)(
            this.views[index] as PluginRun,
            HANDED_OFF,
          ),
          'endRun',
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
      view.state = (
        await this.call(index, 'startRun', this.stepNumber, () =>
          (plugin.startRun as NonNullable<AgentPlugin['startRun']>)(view as PluginRun<undefined>),
        )
      ).value;
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
        view.state = (
          await this.call(index, 'startRun', 0, () =>
            (plugin.startRun as NonNullable<AgentPlugin['startRun']>)(view as PluginRun<undefined>),
          )
        ).value;
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
        await this.settled(
          ((this.plugins[index] as AgentPlugin).endRun as NonNullable<AgentPlugin['endRun']>)(
            this.views[index] as PluginRun,
            { error },
          ),
          'endRun',
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
        await this.settled(
          ((this.plugins[index] as AgentPlugin).endRun as NonNullable<AgentPlugin['endRun']>)(
            this.views[index] as PluginRun,
            error === undefined ? {} : { error },
          ),
          'endRun',
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
    try {
      return await this.runThrough(body, logger, joinWaiting);
    } finally {
      // Its plugins' `endRun` ran: a view kept past the run may not spend in its name.
      this.closed = true;
    }
  }

  private async runThrough<Result>(
    body: () => Promise<Result>,
    logger: { warn(fields: object, message: string): void },
    joinWaiting?: () => Promise<unknown>,
  ): Promise<Result> {
    if (this.hooks.startRun !== undefined) await this.startRun(0, logger);
    let result: Result;
    try {
      if (this.events !== undefined) this.wrapEvents();
      result = await body();
      // A wrapper that threw at the run's last event (`run-end`).
      this.throwIfEventsFailed();
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
    this.throwIfEventsFailed();
    if (this.hooks.endRun === undefined || this.ended) return;
    const failed = await this.endRun(undefined);
    if (failed !== undefined) throw failed;
  }
}

/** Hook lists of no plugin. */
function emptyHooks(hooks: ResolvedPlugins['hooks']): ResolvedPlugins['hooks'] {
  const empty = { ...hooks } as { [Hook in PluginHookName]: readonly number[] | undefined };
  for (const hook of Object.keys(empty) as PluginHookName[]) empty[hook] = undefined;
  return empty;
}
