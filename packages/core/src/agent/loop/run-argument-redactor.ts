import {
  type ArgumentRedactor,
  createArgumentRedactor,
} from '../../tools/define/argument-redactor.ts';
import type { AnyTool } from '../../tools/tool.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { handoffReceiverToolsOf } from '../tool-calls/handoff-receiver-tools.ts';

// By config: an agent's tools, and so its handoffs, are fixed once `createAgent` returns.
const byConfig = new WeakMap<AgentConfig<unknown>, { redactor: ArgumentRedactor | undefined }>();

/**
 * The redactor of what a run's observers see: the secret arguments of the agent that starts the
 * run and of every agent its handoffs may hand the run to, directly or through others (the
 * observation is started once and goes on after a handoff, issue 52). The agent's own redactor
 * when it has no handoff.
 * @internal
 */
export function runArgumentRedactor(config: AgentConfig<unknown>): ArgumentRedactor | undefined {
  const cached = byConfig.get(config);
  if (cached !== undefined) return cached.redactor;
  const tools: AnyTool[] = [...config.tools.functions.values()];
  // Each handoff tool once: two agents may hand the run back and forth.
  const seen = new Set<object>();
  for (let index = 0; index < tools.length; index++) {
    const tool = tools[index] as AnyTool;
    if (seen.has(tool)) continue;
    seen.add(tool);
    const receiverTools = handoffReceiverToolsOf(tool);
    if (receiverTools !== undefined) tools.push(...(receiverTools as Iterable<AnyTool>));
  }
  const redactor =
    tools.length === config.tools.functions.size
      ? config.argumentRedactor
      : createArgumentRedactor(tools);
  byConfig.set(config, { redactor });
  return redactor;
}
