import { checkedWhereUsed } from '../../../options/define-options.ts';
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
 * Resolves the plugins into hook lists, once per agent: the plugins the `guardrails` option's
 * value puts first, the `plugins` option's, then `added`, the plugins that options which are
 * sugar for one made (`toolOutput`) and those the agent's tools carry (a handoff tool's), then
 * the plugins the `guardrails` value puts last. @internal
 */
export function resolvePluginsOption(
  options: AgentOptions<unknown>,
  added?: AgentPlugin | undefined,
  tools: Iterable<{ readonly plugin?: unknown }> = [],
): PluginsConfig {
  // Each plugin carries the seam's implementation (definePlugin): an agent without plugins never
  // reaches it, nor bundles it.
  const engine = pluginEngineOf(options.plugins, 'plugins');
  const more = added === undefined ? [] : [added];
  // The sugar of an option whose value carries plugins (`guardrails`: a check that sees the input
  // and the answer before any other plugin's first, the levels' settings last).
  const { leading = [], trailing = [] } = options.guardrails ?? {};
  // A tool's plugin (`FunctionTool.plugin`: a handoff tool's) once, however many tools carry it.
  for (const { plugin } of tools)
    if (plugin !== undefined && !more.includes(plugin as AgentPlugin))
      more.push(plugin as AgentPlugin);
  more.push(...trailing);
  if (more.length === 0 && leading.length === 0)
    return { plugins: engine?.resolve(options.plugins as readonly unknown[]) };
  // Checked first as the user wrote it (its errors name `plugins[i]`), then joined.
  engine?.resolve(options.plugins as readonly unknown[]);
  const all = [...leading, ...((options.plugins as readonly unknown[] | undefined) ?? []), ...more];
  const carrier = engine ?? (pluginEngineOf([...leading, ...more], 'tools') as PluginEngine);
  // Where each came from, for a refusal to name as the user wrote it (see `agentPlaces`).
  return { plugins: carrier.resolve(all, 'plugins', options, added) };
}
