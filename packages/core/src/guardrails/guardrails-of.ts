import type { AgentPlugin, PluginRun } from '../agent/plugins/agent-plugin.ts';
import type { PluginHookRecorder } from '../agent/plugins/run-plugins.ts';
import { internalsOf } from '../agent/plugins/run-view/plugin-run-view.ts';
import {
  type ComposedGuardrails,
  composeGuardrails,
  type GuardrailLevel,
} from './compose-guardrails.ts';

/**
 * One level's guardrails as a plugin of the run (hook-less: it carries settings): a `guardrails`
 * value's options (`layer.tools: false`), or its tool checks with their time limit (`true`),
 * which a run hands down to its subagents (`inherit`) and which bring the tool checks' plugin
 * (`companions`: it runs them, after every other plugin's check). The run's plugins hold the
 * levels in the seam's order (handed down, the agent's, the run's own), and a hand-off swaps the
 * agent's for the receiving agent's: the guardrails' plugins read them there
 * ({@link guardrailsOf}), so the loop composes nothing. @internal
 */
export type GuardrailLayer = AgentPlugin & {
  readonly layer: GuardrailLevel;
};

function isLayer(plugin: AgentPlugin): plugin is GuardrailLayer {
  return (plugin as Partial<GuardrailLayer>).layer !== undefined;
}

// why (cache): a pure function of a plugin list, which is replaced, never changed.
/** The last composition per list of a run's plugins (lists are replaced, never changed). */
const composed = new WeakMap<
  readonly AgentPlugin[],
  {
    readonly record: PluginHookRecorder | undefined;
    readonly guardrails: ComposedGuardrails | undefined;
  }
>();

/**
 * The guardrails of the run now: its levels joined in the run's order (`composeGuardrails`: the
 * lists concatenated, the innermost settings winning), each check recorded by a durable runner's
 * recorder; `undefined` without any. Read at each hook (a hand-off changes the agent's level),
 * made once per list of the run's plugins: an agent's runs share their list when they bring no
 * plugins of their own (a cache keyed by an immutable input, not run data). @internal
 */
export function guardrailsOf(run: PluginRun<unknown>): ComposedGuardrails | undefined {
  const plugins = run.plugins;
  // Private on purpose (issue 53, b): each guardrail check is its own durable step under the
  // names durable runs already stored (`guardrail:<name>@…`); a third party lists its hooks in
  // `recorded` and gets one step per hook call from the same recorder.
  const record = internalsOf(run).record;
  const known = composed.get(plugins);
  if (known !== undefined && known.record === record) return known.guardrails;
  const layers: GuardrailLevel[] = [];
  for (const plugin of plugins) if (isLayer(plugin)) layers.push(plugin.layer);
  const guardrails = layers.length === 0 ? undefined : composeGuardrails(layers, record);
  composed.set(plugins, { record, guardrails });
  return guardrails;
}
