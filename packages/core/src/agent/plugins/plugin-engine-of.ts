import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { AgentPlugin } from './agent-plugin.ts';
import type { PluginEngine } from './run-plugins.ts';

/** Where `definePlugin` puts the seam's implementation on a plugin. @internal */
export const ENGINE_KEY = 'gemloopPluginEngine' as const;

/**
 * Where a plugin made without `definePlugin` that supplies an agent's requests (`interactionsApi()`,
 * the `api` option's) carries the code that folds the request wrappers into the agent's entry
 * (`resolveModelRequests`); `definePlugin`'s plugins carry it in the seam's engine. @internal
 */
export const REQUESTS_KEY = 'gemloopModelRequests' as const;

/**
 * Where an option's value carries the plugin that implements it (a steering controller carries
 * the steering plugin): the run adds that plugin, so the loop never names the feature. @internal
 */
export const PLUGIN_KEY = 'gemloopPlugin';

/** The plugin an option's value carries (see {@link PLUGIN_KEY}); `undefined` for none. @internal */
export function pluginCarriedBy(value: unknown): AgentPlugin | undefined {
  return typeof value === 'object' && value !== null
    ? ((value as Record<string, unknown>)[PLUGIN_KEY] as AgentPlugin | undefined)
    : undefined;
}

/**
 * The seam's implementation, from the plugins of an option (`plugins`, `options.plugins`): each
 * must be made by `definePlugin`, which puts it there. `undefined` for no plugins.
 * @throws {@link InvalidArgumentError} naming the option or the plugin that `definePlugin` did
 *   not make.
 * @internal
 */
export function pluginEngineOf(plugins: unknown, argument: string): PluginEngine | undefined {
  if (plugins === undefined) return undefined;
  if (!Array.isArray(plugins))
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be an array of plugins made by definePlugin() (@gemloop/core/plugins).`,
    });
  let engine: PluginEngine | undefined;
  plugins.forEach((plugin, index) => {
    const at = `${argument}[${index}]`;
    let message = `${at} must be a plugin made by definePlugin() (@gemloop/core/plugins).`;
    try {
      const carried =
        typeof plugin === 'object' && plugin !== null
          ? (plugin as Record<string, unknown>)[ENGINE_KEY]
          : undefined;
      if (carried !== undefined) {
        engine ??= carried as PluginEngine;
        return;
      }
      const option = defaultPluginOption(plugin);
      if (option !== undefined)
        message = `${at} is a plugin every agent has by default; set it with the createAgent option "${option}", not in ${argument}.`;
      else if ((plugin as Record<string, unknown> | null)?.[REQUESTS_KEY] !== undefined)
        message = `${at} goes in the createAgent option api.`;
    } catch {
      // Not a plugin that can be read (a proxy whose traps throw, a getter): what it threw could
      // carry anything, so the words are ours.
    }
    throw new InvalidArgumentError({ argument: at, message });
  });
  return engine;
}

/**
 * The option that sets `plugin` when it is one an agent has by default, as `agent.plugins` shows
 * it (a wrapper around the model call's requests: continuation; a pricer: pricing), taken from one
 * agent's list and handed to another; `undefined` for any other value.
 */
function defaultPluginOption(plugin: unknown): string | undefined {
  const value = plugin as { generate?: unknown; stream?: unknown; price?: unknown } | null;
  if (typeof value?.generate === 'function' && typeof value.stream === 'function')
    return 'continuation';
  return typeof value?.price === 'function' ? 'prices' : undefined;
}
