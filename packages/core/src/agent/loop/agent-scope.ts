import type { AgentConfig } from '../config/agent-config.ts';
import { compactionPluginFor } from '../config/options/compaction.ts';
import { pluginEngineOf } from '../plugins/plugin-engine-of.ts';
import type { RunContext, RunSettings } from '../run-state/run-context.ts';
import type { ChildRunParent } from '../run-state/run-link.ts';

/** The parts of a run's context that follow the agent holding the run. @internal */
export type AgentScope<Output> = Pick<RunContext<Output>, 'compaction'>;

/**
 * The compaction of a run while `config`'s agent holds it: the run's `compaction` option resolved
 * for the agent's model, else the agent's. Made when the run starts and again at each handoff, so
 * the receiving agent's compaction keeps its model's window. What else follows the holding agent
 * (its guardrails among them) is its plugins, which a hand-off swaps (`RunPlugins.handOver`).
 * @internal
 */
export function agentScope<Output>(
  config: AgentConfig<Output>,
  settings: RunSettings,
): AgentScope<Output> {
  return {
    // The plugin the value makes (compaction()'s): the loop imports none of the compaction and
    // never calls it; the run's plugins hold it (see `runSteps`, `handOff`).
    compaction:
      settings.compaction === undefined
        ? config.compaction
        : compactionPluginFor(settings.compaction, {
            model: config.model,
            inputTokenLimit: config.capabilities.inputTokenLimit,
            tools: config.tools.functions,
            logger: config.logger,
          }),
  };
}

/** What the runs below a run inherit of the runs above (`inherit` plugins). @internal */
export type ChildInheritance = Pick<ChildRunParent, 'plugins'>;

/**
 * What the children of a run of `config`'s agent inherit, when that run inherited `above` (a top
 * run: `undefined`): the plugins above with the agent's `inherit: true` ones (a policy over the
 * tree, such as the tool guardrails' levels), as `runSteps` hands them down
 * (`ResolvedPlugins.inherited`). A runner that starts each child elsewhere (a durable child
 * workflow, which may run after a crash in another process) walks its tree with it, agent by
 * agent, instead of carrying the live values. Only the agent's own options count: run options
 * (`RunOptions.guardrails`, `plugins`) are the top run's caller's.
 * @internal
 */
export function childInheritance(
  config: AgentConfig<unknown>,
  above: ChildInheritance | undefined,
): ChildInheritance {
  const engine = config.plugins?.engine ?? pluginEngineOf(above?.plugins, 'plugins');
  return { plugins: engine?.join(config.plugins, above?.plugins, undefined)?.inherited };
}
