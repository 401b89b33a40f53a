import { checkedWhereUsed } from '../../../options/option-checks.ts';
import type { AgentPlugin } from '../../plugins/agent-plugin.ts';
import { pluginEngineOf } from '../../plugins/plugin-engine-of.ts';
import type { PluginEngine } from '../../plugins/run-plugins.ts';
import { isRequestOnly } from '../../plugins/wrap-model-requests.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/**
 * `plugins`: the seam every feature plugs into (`@gemloop/core/plugins`). Checked where it is
 * resolved (resolvePlugins names the plugin at fault). @internal
 */
export const pluginsOption: AgentOptionGroup<'plugins'> = defineAgentOptions({
  checks: {
    plugins: checkedWhereUsed,
  },
});

/** The part of `AgentConfig` this option makes. @internal */
export type PluginsConfig = Pick<AgentConfig<unknown>, 'plugins'>;

/**
 * Resolves the plugins into hook lists, once per agent: the `plugins` option's, then `added`, the
 * plugin an option that is sugar for one made (`toolOutput`). @internal
 */
export function resolvePluginsOption(
  options: AgentOptions<unknown>,
  added?: AgentPlugin | undefined,
): PluginsConfig {
  // Each plugin carries the seam's implementation (definePlugin): an agent without plugins never
  // reaches it, nor bundles it.
  const engine = pluginEngineOf(options.plugins, 'plugins');
  // A plugin that only wraps the requests is the agent's entry (resolveAgentConfig), not a run's
  // hooks: a run with no other plugin starts no engine.
  const given = (options.plugins as readonly unknown[] | undefined)?.filter(
    (plugin) => !isRequestOnly(plugin),
  );
  if (added === undefined) return { plugins: engine?.resolve(given) };
  // Checked first as the user wrote it (its errors name `plugins[i]`), then joined.
  engine?.resolve(given);
  const all = [...(given ?? []), added];
  return {
    plugins: (engine ?? (pluginEngineOf([added], 'toolOutput') as PluginEngine)).resolve(all),
  };
}
