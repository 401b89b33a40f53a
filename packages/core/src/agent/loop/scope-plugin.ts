import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import { pluginEngineOf } from '../plugins/plugin-engine-of.ts';
import type { ResolvedPlugins } from '../plugins/run-plugins.ts';

/**
 * The plugins of one run (see `joinPlugins`): the plugin of the scope's `compaction` (the run's,
 * else the holding agent's; see `agentScope`) first, so the draft every other `beforeModelCall`
 * sees is the compacted history; then those the runs above hand down (the scope's plugin is not
 * handed down: a subagent has its own scope), the agent's, the run's own. A hand-off swaps the
 * scope's plugin (`take-over.ts`, `RunPlugins.handOver`). The seam's implementation comes with
 * the plugins (`definePlugin`); `undefined` for none, and nothing is loaded. @internal
 */
export function joinRunPlugins(
  agent: ResolvedPlugins | undefined,
  scoped: AgentPlugin | undefined,
  inherited: readonly AgentPlugin[] | undefined,
  own: readonly AgentPlugin[] | undefined,
): ResolvedPlugins | undefined {
  const first = scoped === undefined ? inherited : [scoped, ...(inherited ?? [])];
  const engine =
    agent?.engine ?? pluginEngineOf(own, 'options.plugins') ?? pluginEngineOf(first, 'plugins');
  return engine?.join(agent, first, own);
}
