import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeKey, describeValue } from '../../options/define-options.ts';
import { editDistance } from '../../shared/edit-distance.ts';
import type { AgentOptions } from '../config/agent-options.ts';
import { addedBy } from './added-by.ts';
import type { AgentPlugin, PluginHookName } from './agent-plugin.ts';
import { isRequestOnly, refuseRequestWrapper } from './model-requests/wrap-model-requests.ts';
import { readingPlugin } from './reading-plugin.ts';
import type { PluginEngine, PluginPlace, ResolvedPlugins } from './run-plugins.ts';

/** Every hook name, in the order a run meets them. @internal */
export const PLUGIN_HOOKS: readonly PluginHookName[] = [
  'wrapEvents',
  'startRun',
  'checkInput',
  'beforeModelCall',
  'wrapModelCall',
  'afterModelCall',
  'checkAnswer',
  'afterAnswer',
  'beforeToolCall',
  'checkToolCall',
  'wrapToolCall',
  'afterToolCall',
  'endRun',
];

/** Hooks whose results are not recorded: `endRun` returns nothing, `wrapEvents` returns a function. */
const UNRECORDED: readonly unknown[] = ['endRun', 'wrapEvents'];

/**
 * Where each plugin of an agent's joined list came from (`resolvePluginsOption`): the `guardrails`
 * option's leading plugins, the `plugins` option as given, then `added` (the `toolOutput` option's
 * plugin), the tools' plugins (a handoff's), the `guardrails` option's trailing plugins. @internal
 */
export function agentPlaces(
  options: Pick<AgentOptions<unknown>, 'plugins' | 'guardrails'>,
  added: unknown,
): (index: number, plugin: AgentPlugin) => PluginPlace {
  const { leading = [], trailing = [] } = options.guardrails ?? {};
  const given = options.plugins ?? [];
  return (index, plugin) => {
    const at = index - leading.length;
    if (at >= 0 && at < given.length) return `plugins[${at}]`;
    if (leading.includes(plugin) || trailing.includes(plugin))
      return { by: 'the plugin the guardrails option adds' };
    if (plugin === added) return { by: 'the plugin the toolOutput option adds' };
    return { by: "the plugin a tool of the agent carries (a handoff tool's)" };
  };
}

/**
 * Checks a `plugins` option and resolves it into hook lists; `undefined` for no plugins. `placeOf`
 * names where each plugin of a joined list was given (default: `argument[index]`).
 * @throws {@link InvalidArgumentError} naming the plugin at fault (not an object, no name, a name
 *   used twice, a hook that is not a function, a `recorded` hook the plugin does not have).
 * @internal
 */
export function resolvePlugins(
  engine: PluginEngine,
  plugins: readonly unknown[] | undefined,
  argument = 'plugins',
  placeOf?: (index: number, plugin: AgentPlugin) => PluginPlace,
): ResolvedPlugins | undefined {
  if (plugins === undefined || plugins.length === 0) return undefined;
  if (!Array.isArray(plugins))
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be an array of plugins (e.g. [definePlugin({ name, ... })]); got ${describeValue(plugins)}.`,
    });
  const names = new Map<string, { place: PluginPlace; plugin: AgentPlugin }>();
  const places = new Map<AgentPlugin, PluginPlace>();
  plugins.forEach((plugin, index) => {
    const place = placeOf?.(index, plugin as AgentPlugin) ?? `${argument}[${index}]`;
    checkPlugin(plugin, typeof place === 'string' ? place : `${argument}: ${place.by}`);
    const first = names.get(plugin.name);
    if (first !== undefined) {
      const builtIn = addedBy(first.plugin) ?? addedBy(plugin);
      if (builtIn !== undefined) refuseBuiltInName(plugin.name, builtIn, argument);
      refuseTwice(plugin.name, first.place, place, argument);
    }
    names.set(plugin.name, { place, plugin });
    places.set(plugin, place);
  });
  // A plugin that only wraps the agent's requests is its entry (resolveModelRequests), no run hook:
  // a run whose plugins are all such starts none.
  const list = withCompanions(
    placeFirst((plugins as readonly AgentPlugin[]).filter((plugin) => !isRequestOnly(plugin))),
    argument,
  );
  if (list.length === 0) return undefined;
  const hooks = {} as { [Hook in PluginHookName]: number[] | undefined };
  for (const hook of PLUGIN_HOOKS) hooks[hook] = undefined;
  list.forEach((plugin, index) => {
    for (const hook of PLUGIN_HOOKS) {
      if (plugin[hook] === undefined) continue;
      const hooked = hooks[hook] ?? [];
      hooked.push(index);
      hooks[hook] = hooked;
    }
  });
  const inherited = list.filter((plugin) => plugin.inherit === true);
  return {
    engine,
    // Frozen: `run.plugins` gives it as it is (shared by an agent's runs, a cache key), and no
    // plugin can change it.
    plugins: Object.freeze(list),
    hooks,
    inherited: inherited.length === 0 ? undefined : inherited,
    places,
    idle: PLUGIN_HOOKS.every((hook) => hooks[hook] === undefined) && !list.some(rewritesErrors),
  };
}

/** Whether `plugin` rewrites the tool errors the model gets: the tool path reads it, no hook. */
function rewritesErrors(plugin: AgentPlugin): boolean {
  return plugin.rewriteToolError !== undefined;
}

/**
 * Refuses a second plugin named `name`, naming both places as the user gave them (a run's list
 * joins levels: handed down, the agent's and its options', the run's own), the user's path first.
 */
function refuseTwice(
  name: string,
  first: PluginPlace,
  later: PluginPlace,
  argument: string,
): never {
  const at = typeof later === 'string' ? later : typeof first === 'string' ? first : argument;
  const named = (place: PluginPlace): string => (typeof place === 'string' ? place : place.by);
  throw new InvalidArgumentError({
    argument: at === argument ? argument : `${at}.name`,
    message: `${at}: two plugins are named "${name}": ${named(first)} and ${named(later)}; each plugin of a run needs its own name (it names the plugin's events, errors and durable records).`,
  });
}

/**
 * Refuses a plugin of the caller's named as one gemloop adds to the run (`builtIn` says which):
 * the places of a list the run joined (a stream's steering joins it mid-run) are no places the
 * caller wrote, so the refusal names gemloop's plugin instead (run68: "plugins[1]" for an agent
 * given one plugin).
 */
function refuseBuiltInName(name: string, builtIn: string, argument: string): never {
  throw new InvalidArgumentError({
    argument,
    message: `${argument}: a plugin of this run is named "${name}", the name of ${builtIn}; rename yours (a plugin's name names its events, errors and durable records, so each plugin of a run needs its own).`,
  });
}

/**
 * `list` with the plugins that ask to come first (`order: 'first'`) moved before the others, each
 * group keeping its order (a stable partition, as Vite places `enforce: 'pre'` plugins): every
 * list resolved here is in the seam's level order (handed down, the agent's, the run's own), so
 * one rule places them at every level, after a hand-off and for a plugin that joins late. `list`
 * itself when none asks.
 */
function placeFirst(list: readonly AgentPlugin[]): readonly AgentPlugin[] {
  const first = list.filter((plugin) => plugin.order === 'first');
  if (first.length === 0 || first.length === list.length) return list;
  return [...first, ...list.filter((plugin) => plugin.order !== 'first')];
}

/**
 * `list` with the companions its plugins bring (`AgentPlugin.companions`) after all of them, once
 * each, in the order first brought (one already in `list` moves there): a companion's check runs
 * after every other plugin's, wherever the plugins that bring it sit (inherited, the agent's, the
 * run's own). `list` itself when none brings any.
 */
function withCompanions(list: readonly AgentPlugin[], argument: string): readonly AgentPlugin[] {
  let brought: AgentPlugin[] | undefined;
  for (const plugin of list) {
    const { companions } = plugin;
    if (companions === undefined) continue;
    companions.forEach((companion, index) => {
      const at = `${argument}: ${plugin.name}.companions[${index}]`;
      checkPlugin(companion, at);
      // Placed last by definition: a companion that asks to be first would silently not be.
      if (companion.order === 'first')
        throw new InvalidArgumentError({
          argument: `${at}.order`,
          message: `${at} (plugin "${companion.name}") has order: 'first', but a companion runs after all of the run's other plugins; give it as one of the plugins instead, or leave order out.`,
        });
      brought ??= [];
      if (!brought.includes(companion)) brought.push(companion);
    });
  }
  if (brought === undefined) return list;
  const last = brought;
  return [...list.filter((plugin) => !last.includes(plugin)), ...last];
}

/**
 * Refuses a run whose plugins share a name (a companion another plugin brings, named as one of
 * the run's own): checked when the run starts, where every level has joined (the agent's
 * `plugins`, a run's own and those handed down are each checked where they are given).
 * @throws {@link InvalidArgumentError} naming the name.
 * @internal
 */
export function refuseSharedNames(plugins: readonly AgentPlugin[]): void {
  const names = new Set<string>();
  for (const plugin of plugins) {
    if (names.has(plugin.name))
      throw new InvalidArgumentError({
        argument: 'plugins',
        message: `plugins: two plugins of this run are named "${plugin.name}" (one brought as a companion by another); each plugin of a run needs its own name (it names the plugin's events, errors and durable records).`,
      });
    names.add(plugin.name);
  }
}

/**
 * The plugins of one run: those a parent run hands down (`inherit: true`) first, then the agent's,
 * then the run's own (a chat session's); those that ask to come first (`order: 'first'`: the
 * guardrails' input and output checks, compaction, a third party's) are placed before the others
 * by `resolvePlugins`, in that same order. The agent's resolved lists serve as they are when the
 * run adds none. @internal
 */
export function joinPlugins(
  engine: PluginEngine,
  agent: ResolvedPlugins | undefined,
  inherited: readonly AgentPlugin[] | undefined,
  own: readonly AgentPlugin[] | undefined,
): ResolvedPlugins | undefined {
  if (
    (inherited === undefined || inherited.length === 0) &&
    (own === undefined || own.length === 0)
  )
    return agent;
  const joined: AgentPlugin[] = [...(inherited ?? [])];
  // A plugin the child has itself as well (the same object) runs once, where the agent put it.
  for (const plugin of agent?.plugins ?? []) {
    const at = joined.indexOf(plugin);
    if (at !== -1) joined.splice(at, 1);
    joined.push(plugin);
  }
  const levels = joined.length;
  const given: string[] = [];
  own?.forEach((plugin, index) => {
    if (joined.includes(plugin)) return;
    const at = `options.plugins[${index}]`;
    readingPlugin(at, () => refuseRequestWrapper(plugin));
    joined.push(plugin);
    given.push(at);
  });
  // Each refusal names the plugin where the user gave it: the run's own by their index in the
  // run's `plugins`, not in the joined list.
  const argument = own === undefined ? 'plugins' : 'options.plugins';
  const resolved = resolvePlugins(engine, joined, argument, (index) => {
    if (index >= levels) return given[index - levels] as string;
    const plugin = joined[index] as AgentPlugin;
    if (plugin.inherit === true) return { by: 'a plugin a parent run hands down (inherit: true)' };
    const place = agent?.places?.get(plugin);
    // Not the agent's: the plugin of the scope's compaction, put first (see `joinRunPlugins`).
    if (place === undefined) return { by: 'the plugin the compaction option adds' };
    return typeof place === 'string' ? { by: `createAgent's ${place}` } : place;
  });
  // A hand-off replaces the agent's plugins only (see `RunPlugins.handOver`); one the run brings
  // itself as well (the same object: a run's own guardrails' plugin) stays the run's.
  const agentPlugins = (agent?.plugins ?? []).filter((plugin) => own?.includes(plugin) !== true);
  return resolved === undefined ? undefined : { ...resolved, agentPlugins };
}

function checkPlugin(plugin: unknown, at: string): asserts plugin is AgentPlugin {
  readingPlugin(at, () => checkFields(plugin, at));
}

/** {@link checkPlugin}'s checks; may throw what a hostile plugin's getter or proxy trap throws. */
function checkFields(plugin: unknown, at: string): asserts plugin is AgentPlugin {
  if (typeof plugin !== 'object' || plugin === null)
    throw new InvalidArgumentError({
      argument: at,
      message: `${at} must be a plugin object such as definePlugin({ name: 'my-plugin', beforeToolCall() {} }); got ${describeValue(plugin)}.`,
    });
  const { name, recorded, order } = plugin as {
    name?: unknown;
    recorded?: unknown;
    order?: unknown;
  };
  if (typeof name !== 'string' || name.length === 0 || name.length > 100)
    throw new InvalidArgumentError({
      argument: `${at}.name`,
      message: `${at}.name must be a non-empty string of at most 100 characters (it names the plugin's events, errors and durable records); got ${describeValue(name)}.`,
    });
  for (const hook of PLUGIN_HOOKS) {
    const value = (plugin as Record<string, unknown>)[hook];
    if (value !== undefined && typeof value !== 'function')
      throw new InvalidArgumentError({
        argument: `${at}.${hook}`,
        message: `${at}.${hook} (plugin "${name}") must be a function; got ${describeValue(value)}.`,
      });
  }
  for (const key of ['wrapModelRequest', 'rewriteToolError', 'ownErrors'] as const) {
    const value = (plugin as Record<string, unknown>)[key];
    if (value !== undefined && typeof value !== 'function')
      throw new InvalidArgumentError({
        argument: `${at}.${key}`,
        message: `${at}.${key} (plugin "${name}") must be a function; got ${describeValue(value)}.`,
      });
  }
  if (order !== undefined && order !== 'first')
    throw new InvalidArgumentError({
      argument: `${at}.order`,
      message: `${at}.order (plugin "${name}") must be 'first' (before the run's other plugins) or left out (registration order); got ${describeValue(order)}.`,
    });
  const { companions } = plugin as { companions?: unknown };
  if (companions !== undefined && !Array.isArray(companions))
    throw new InvalidArgumentError({
      argument: `${at}.companions`,
      message: `${at}.companions (plugin "${name}") must be an array of plugins; got ${describeValue(companions)}.`,
    });
  const hooks = [...PLUGIN_HOOKS, 'wrapModelRequest', 'rewriteToolError', 'ownErrors'];
  const known = Object.keys(plugin).filter(
    (key) =>
      !['name', 'recorded', 'recordedState', 'inherit', 'companions', 'order', ...hooks].includes(
        key,
      ),
  );
  for (const key of known) {
    // A misspelt hook (`beforeToolcall`) would never run: say so instead. A function one or two
    // letters from a hook's name is one too (`beforeModelCal` ran never, without a word, and a
    // guard written so let everything through: attack60d); other fields are the plugin's own.
    const lower = key.toLowerCase();
    const near = hooks.find(
      (hook) =>
        hook.toLowerCase() === lower ||
        (typeof (plugin as Record<string, unknown>)[key] === 'function' &&
          editDistance(lower, hook.toLowerCase(), 2) <= 2),
    );
    if (near !== undefined) {
      const shown = describeKey(key);
      throw new InvalidArgumentError({
        argument: `${at}.${shown}`,
        message: `${at}.${shown} (plugin "${name}") is not a hook; did you mean ${near}?`,
      });
    }
  }
  const { recordedState } = plugin as { recordedState?: unknown };
  if (recordedState !== undefined && typeof recordedState !== 'boolean')
    throw new InvalidArgumentError({
      argument: `${at}.recordedState`,
      message: `${at}.recordedState (plugin "${name}") must be true or false; got ${describeValue(recordedState)}.`,
    });
  if (recorded === undefined) return;
  if (!Array.isArray(recorded))
    throw new InvalidArgumentError({
      argument: `${at}.recorded`,
      message: `${at}.recorded (plugin "${name}") must be an array of hook names, e.g. ['afterAnswer']; got ${describeValue(recorded)}.`,
    });
  for (const hook of recorded) {
    if (!PLUGIN_HOOKS.includes(hook as PluginHookName) || UNRECORDED.includes(hook))
      throw new InvalidArgumentError({
        argument: `${at}.recorded`,
        message: `${at}.recorded (plugin "${name}") names ${describeValue(hook)}, which is not a hook whose result can be recorded; use ${PLUGIN_HOOKS.filter((name) => !UNRECORDED.includes(name)).join(', ')}.`,
      });
    if ((plugin as Record<string, unknown>)[hook as string] === undefined)
      throw new InvalidArgumentError({
        argument: `${at}.recorded`,
        message: `${at}.recorded (plugin "${name}") names ${hook}, which the plugin does not have.`,
      });
  }
}
