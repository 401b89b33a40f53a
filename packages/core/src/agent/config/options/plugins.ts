import { checkedWhereUsed } from '../../../options/option-checks.ts';
import { resolvePlugins } from '../../plugins/resolve-plugins.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/**
 * `plugins`: the seam every feature plugs into (`@gemloop/core/plugins`). Checked where it is
 * resolved (resolvePlugins names the plugin at fault). @internal
 */
export const pluginsOption: AgentOptionGroup<'plugins'> = defineAgentOptions({
  plugins: { check: checkedWhereUsed },
});

/** The part of `AgentConfig` this option makes. @internal */
export type PluginsConfig = Pick<AgentConfig<unknown>, 'plugins'>;

/** Resolves the plugins into hook lists, once per agent. @internal */
export function resolvePluginsOption(options: AgentOptions<unknown>): PluginsConfig {
  return { plugins: resolvePlugins(options.plugins as readonly unknown[] | undefined) };
}
