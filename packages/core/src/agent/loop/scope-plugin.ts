import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import { pluginEngineOf } from '../plugins/plugin-engine-of.ts';
import type { PluginRunFacts, ResolvedPlugins } from '../plugins/run-plugins.ts';
import type { RunContext } from '../run-state/run-context.ts';

/**
 * The plugins of one run (see `joinPlugins`): the scope's compaction plugin and those the runs
 * above hand down ({@link scopeFirst}), the agent's, the run's own. The seam's implementation
 * comes with them (`definePlugin`); `undefined` for none, and nothing is loaded. @internal
 */
export function joinRunPlugins(
  agent: ResolvedPlugins | undefined,
  scoped: AgentPlugin | undefined,
  inherited: readonly AgentPlugin[] | undefined,
  own: readonly AgentPlugin[] | undefined,
): ResolvedPlugins | undefined {
  const first = scopeFirst(scoped, inherited);
  const engine =
    agent?.engine ?? pluginEngineOf(own, 'options.plugins') ?? pluginEngineOf(first, 'plugins');
  return engine?.join(agent, first, own);
}

/**
 * The plugins a run starts with before the agent's: the plugin of the scope's `compaction` (the
 * run's, else the holding agent's; see `agentScope`) first, so the draft every other
 * `beforeModelCall` sees is the compacted history, then those the runs above hand down. The plugin
 * is not handed down itself (a subagent has its own scope). @internal
 */
export function scopeFirst(
  scoped: AgentPlugin | undefined,
  inherited: readonly AgentPlugin[] | undefined,
): readonly AgentPlugin[] | undefined {
  if (scoped === undefined) return inherited;
  return inherited === undefined ? [scoped] : [scoped, ...inherited];
}

/**
 * A handoff gave the run another agent, whose scope holds another plugin (`after`: the receiving
 * agent's compaction, or the run's own made for its model) in place of `before`'s: the run's
 * plugins swap them, or start with it when the run had none. `context` as it is when nothing
 * changed. @internal
 */
export function swapScopePlugin<Output>(
  context: RunContext<Output>,
  before: AgentPlugin | undefined,
  facts: PluginRunFacts,
): RunContext<Output> {
  const after = context.compaction;
  if (after === before) return context;
  if (context.plugins !== undefined) {
    context.plugins.swapFirst(before, after);
    return context;
  }
  if (after === undefined) return context;
  const engine = pluginEngineOf([after], 'compaction');
  const resolved = engine?.resolve([after]) as ResolvedPlugins;
  return { ...context, plugins: engine?.start(resolved, facts) };
}
