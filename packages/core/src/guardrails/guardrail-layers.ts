import type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import type { GuardrailOptions } from './guardrail-options.ts';
import type { GuardrailLayer } from './guardrails-of.ts';
import { toolGuardrailsPlugin } from './tool-guardrails-plugin.ts';

// Each level needs a name of its own among a run's plugins (the seam's rule); nothing reads it.
// why (kept): a counter that makes each level's plugin name unique in the process; it names,
// carries no run data.
let made = 0;

/**
 * The plugins a `guardrails` value carries after an agent's (or a run's) own plugins: its options,
 * and its tool checks when it has any. Made once per value. @internal
 */
export function guardrailLayers(options: GuardrailOptions): readonly AgentPlugin[] {
  made++;
  // The level rides as a field of the plugin (definePlugin keeps it and freezes the plugin).
  const all: GuardrailLayer = {
    name: `gemloop.guardrails#${made}`,
    // The innermost level's rewrite wins (the seam takes the run's last plugin that has one).
    rewriteToolError: options.onToolError,
    layer: { options, tools: false },
  };
  const layers = [definePlugin(all) as GuardrailLayer];
  if ((options.tools?.length ?? 0) === 0) return layers;
  const given: GuardrailOptions = {
    tools: options.tools,
    timeoutMs: options.timeoutMs,
    onTimeout: options.onTimeout,
  };
  const tools: GuardrailLayer = {
    name: `gemloop.guardrails.tools#${made}`,
    // A policy over the tools of the whole tree: a subagent's calls meet it before its own.
    inherit: true,
    companions: [toolGuardrailsPlugin],
    layer: { options: given, tools: true },
  };
  layers.push(definePlugin(tools) as GuardrailLayer);
  return layers;
}
