import type { AgentConfig } from '../config/agent-config.ts';
import type { GuardrailsValue } from '../config/guardrails-value.ts';
import { compactionPluginFor } from '../config/options/compaction.ts';
import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import { pluginEngineOf } from '../plugins/plugin-engine-of.ts';
import type {
  EngineGuardrails,
  GuardrailEngine,
  RunContext,
  RunSettings,
} from '../run-state/run-context.ts';
import type { ChildRunParent } from '../run-state/run-link.ts';

/** The parts of a run's context that follow the agent holding the run. @internal */
export type AgentScope<Output> = Pick<RunContext<Output>, 'guardrails' | 'compaction'> & {
  /** What the run's children inherit of its guardrails: the tool checks and their time limit. */
  readonly childGuardrails: GuardrailsValue | undefined;
};

/**
 * The guardrails and the compaction of a run while `config`'s agent holds it: the agent's own
 * joined with the run's (inherited tool checks first, then the agent's, then the run's own), and
 * the run's `compaction` option resolved for the agent's model, else the agent's.
 *
 * Made when the run starts and again at each handoff, so the receiving agent's output and tool
 * guardrails check what it does, and its compaction keeps its model's window (the OpenAI Agents
 * SDK likewise runs "output guardrails only if the agent is the last agent"; input guardrails
 * check the run's input once, before the first model call, as there). Their checks report
 * themselves (`PluginRun.reportCheck`): the loop makes no `guardrail` event.
 * @internal
 */
export function agentScope<Output>(
  config: AgentConfig<Output>,
  settings: RunSettings,
  // Given by the run's start, which needed them before its emitter (a stream's hold-back).
  guardrails: EngineGuardrails | undefined,
): AgentScope<Output> {
  return {
    guardrails,
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
    childGuardrails: guardrails?.engine.inheritable(guardrails),
  };
}

/**
 * A run's own plugins (`RunOptions.plugins`) with its guardrails' plugins after them: the one its
 * own `guardrails` bring (their input and output phases; the agent's option brings the agent's
 * to the agent's plugins), then the tool checks' (the engine's `toolPlugin`) last, when the run's
 * guardrails have tool checks: those then run after every other plugin's, and look at a result
 * before theirs (after-hooks run in reverse). The tool plugin reads the guardrails of the agent
 * holding the run at each call, so a hand-off keeps it. @internal
 */
export function withGuardrailPlugins(
  own: readonly AgentPlugin[] | undefined,
  runGuardrails: GuardrailsValue | undefined,
  guardrails: EngineGuardrails | undefined,
): readonly AgentPlugin[] | undefined {
  const io =
    runGuardrails === undefined
      ? undefined
      : (runGuardrails.engine as GuardrailEngine).plugin(runGuardrails);
  const tools =
    guardrails === undefined || guardrails.tools.length === 0
      ? undefined
      : guardrails.engine.toolPlugin;
  if (io === undefined && tools === undefined) return own;
  const joined = [...(own ?? [])];
  if (io !== undefined) joined.push(io);
  if (tools !== undefined) joined.push(tools);
  return joined;
}

/**
 * The guardrails that check a run while `config`'s agent holds it: the inherited tool checks,
 * then the agent's, then the run's own (see {@link agentScope}). @internal
 */
export function agentGuardrails<Output>(
  config: AgentConfig<Output>,
  settings: RunSettings,
): EngineGuardrails | undefined {
  const carrier = settings.inheritedGuardrails ?? config.guardrails ?? settings.guardrails;
  if (carrier === undefined) return undefined;
  // Every value comes from guardrails(), whose engine this is (isGuardrails checked the shape).
  return (carrier.engine as GuardrailEngine).compose(
    [settings.inheritedGuardrails, config.guardrails, settings.guardrails],
    settings.recordHook,
  );
}

/** What the runs below a run inherit of the runs above (its tool guardrails, `inherit` plugins). @internal */
export type ChildInheritance = Pick<ChildRunParent, 'toolGuardrails' | 'plugins'>;

/**
 * What the children of a run of `config`'s agent inherit, when that run inherited `above` (a top
 * run: `undefined`): the tool guardrails of the runs above, then the agent's own, and the plugins
 * above with the agent's `inherit: true` ones, as `runSteps` hands them down (`childGuardrails`,
 * `ResolvedPlugins.inherited`). A runner that starts each child elsewhere (a durable child
 * workflow, which may run after a crash in another process) walks its tree with it, agent by
 * agent, instead of carrying the live values. Only the agent's own options count: run options
 * (`RunOptions.guardrails`, `plugins`) are the top run's caller's.
 * @internal
 */
export function childInheritance(
  config: AgentConfig<unknown>,
  above: ChildInheritance | undefined,
): ChildInheritance {
  const guardrails = agentGuardrails(config, {
    inheritedGuardrails: above?.toolGuardrails,
    guardrails: undefined,
    compaction: undefined,
  });
  const engine = config.plugins?.engine ?? pluginEngineOf(above?.plugins, 'plugins');
  return {
    toolGuardrails: guardrails?.engine.inheritable(guardrails),
    plugins: engine?.join(config.plugins, above?.plugins, undefined)?.inherited,
  };
}
