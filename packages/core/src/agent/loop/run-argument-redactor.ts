import { createArgumentRedactor } from '../../tools/define/argument-redactor.ts';
import type { AnyTool } from '../../tools/tool.ts';
import { agentTurnsOf, handoffReceiverOf } from '../agent-turns.ts';
import type { AgentConfig } from '../config/agent-config.ts';

// By config: an agent's tools and handoffs are fixed once `createAgent` returns.
const byConfig = new WeakMap<
  AgentConfig<unknown>,
  { redactor: ReturnType<typeof createArgumentRedactor> }
>();

/**
 * The redactor of what a run's observers see: the secret arguments of the agent that starts the
 * run and of every agent its handoffs may hand the run to (the observation is started once and
 * goes on after a handoff, issue 52). The agent's own redactor when it has no handoff.
 * @internal
 */
export function runArgumentRedactor(
  config: AgentConfig<unknown>,
): ReturnType<typeof createArgumentRedactor> {
  const cached = byConfig.get(config);
  if (cached !== undefined) return cached.redactor;
  const tools: AnyTool[] = [...config.tools.functions.values()];
  const seen = new Set<object>();
  const queue: Parameters<typeof agentTurnsOf>[0][] = [];
  const visit = (candidates: Iterable<object>): void => {
    for (const tool of candidates) {
      const receiver = handoffReceiverOf(tool);
      if (receiver === undefined || seen.has(receiver)) continue;
      seen.add(receiver);
      queue.push(receiver);
    }
  };
  visit(tools);
  for (let agent = queue.shift(); agent !== undefined; agent = queue.shift()) {
    const more = [...(agentTurnsOf(agent).functionTools?.() ?? [])] as AnyTool[];
    tools.push(...more);
    visit(more);
  }
  const redactor = seen.size === 0 ? config.argumentRedactor : createArgumentRedactor(tools);

  byConfig.set(config, { redactor });
  return redactor;
}
