import { checkedWhereUsed } from '../../../options/option-checks.ts';
import type { AgentPlugin } from '../../plugins/agent-plugin.ts';
import { pluginEngineOf } from '../../plugins/plugin-engine-of.ts';
import type { PluginEngine } from '../../plugins/run-plugins.ts';
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
  if (added === undefined)
    return { plugins: engine?.resolve(options.plugins as readonly unknown[]) };
  // Checked first as the user wrote it (its errors name `plugins[i]`), then joined.
  engine?.resolve(options.plugins as readonly unknown[]);
  const all = [...((options.plugins as readonly unknown[] | undefined) ?? []), added];
  return {
    plugins: (engine ?? (pluginEngineOf([added], 'toolOutput') as PluginEngine)).resolve(all),
  };
}
