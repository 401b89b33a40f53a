import { type Agent, type AgentOptions, InvalidArgumentError } from '@gemloop/core';
import { agentTurnsOf, type HandOffAgents, handoffReceiverOf } from '@gemloop/core/internal';
import { UnknownHandoffAgentError } from '../../errors/unknown-handoff-agent-error.ts';
import type { DurableAgentDefinition } from '../runs/durable-run-types.ts';

/** Most agents a worker finds through handoff tools (more is a mistake, or a generated loop). */
const MAX_HANDOFF_AGENTS = 256;

/** The name a `handoff()` tool gives its receiving agent (its plugin's `receiver.name`). */
function receiverName(tool: object): string | undefined {
  const plugin = (tool as { plugin?: { receiver?: { name?: unknown } } }).plugin;
  const name = plugin?.receiver?.name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * The agents the durable runs of a worker may hand off to, each by a stable key, each as the
 * worker's own copy (`make`: the same wrapping as a defined agent, so the receiving agent's model
 * and tool calls are recorded steps of the same run workflow). Found at start: the agents of
 * `handoff()` tools in the tools of the worker's agents, and in theirs (each agent once, by its
 * handoff name), and the agents given as `handoffAgents` (by their key there: an agent only a
 * plugin hands off to). Every worker of a fleet defines the same agents, so finds the same keys;
 * a recorded hook's hand-off stores the key (`@gemloop/core`'s seam does), and a replay on another
 * worker resolves it here. `undefined` when no agent hands off anywhere.
 * @throws {@link InvalidArgumentError} when two different agents go by one name, or a registered
 *   agent was not made by `createAgent`.
 * @internal
 */
export function createDurableHandOffAgents({
  agents,
  registered = {},
  make,
}: {
  agents: Readonly<Record<string, DurableAgentDefinition>>;
  registered?: Readonly<Record<string, Agent<unknown>>> | undefined;
  /** Makes the worker's durable copy of an agent from its options. */
  make: (key: string, options: AgentOptions<unknown>) => object;
}): HandOffAgents | undefined {
  const keys = new Map<object, string>();
  const byKey = new Map<string, object>();
  const add = (key: string, agent: object, where: string): void => {
    const known = byKey.get(key);
    if (known === agent || keys.has(agent)) return;
    if (known !== undefined) {
      throw new InvalidArgumentError({
        argument: where,
        message: `startDurableWorker: two different agents hand off under the name "${key}" (${where}). A durable run stores a hand-off's agent by that name: give the agents different names (handoff(agent, { name }), or the agents' name option).`,
      });
    }
    if (byKey.size >= MAX_HANDOFF_AGENTS) {
      throw new InvalidArgumentError({
        argument: where,
        message: `startDurableWorker: more than ${MAX_HANDOFF_AGENTS} agents are reached through handoff tools; a worker prepares at most that many.`,
      });
    }
    keys.set(agent, key);
    byKey.set(key, agent);
  };
  for (const [key, agent] of Object.entries(registered)) {
    if (typeof agent !== 'object' || agent === null || agentTurnsOf(agent).options === undefined) {
      throw new InvalidArgumentError({
        argument: `handoffAgents.${key}`,
        message: `startDurableWorker: handoffAgents.${key} must be an agent made by createAgent (the worker makes its durable copy from its options).`,
      });
    }
    add(key, agent, `handoffAgents.${key}`);
  }
  // Breadth first over the tools, from the worker's agents, then the agents found.
  const queue: { tools: readonly unknown[] | undefined; where: string }[] = [
    ...Object.entries(agents).map(([name, definition]) => ({
      tools: definition.tools,
      where: `agents.${name}.tools`,
    })),
    ...[...byKey].map(([key, agent]) => ({
      tools: agentTurnsOf(agent as Agent<unknown>).options?.tools,
      where: `handoffAgents.${key}.tools`,
    })),
  ];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const tool of next.tools ?? []) {
      if (typeof tool !== 'object' || tool === null) continue;
      const agent = handoffReceiverOf(tool);
      const name = receiverName(tool);
      if (agent === undefined || name === undefined || keys.has(agent)) continue;
      const where = `${next.where} (${String((tool as { name?: unknown }).name)})`;
      add(name, agent, where);
      queue.push({ tools: agentTurnsOf(agent).options?.tools, where: `${name}.tools` });
    }
  }
  if (byKey.size === 0) return undefined;

  // The worker's copies, made once the keys are known (an agent's copy hands off by the keys).
  const copies = new Map<string, object>();
  for (const [key, agent] of byKey) {
    const copy = make(key, agentTurnsOf(agent as Agent<unknown>).options as AgentOptions<unknown>);
    copies.set(key, copy);
    keys.set(copy, key);
  }
  return {
    keyOf: (agent) => {
      const key = keys.get(agent);
      if (key !== undefined) return key;
      throw new UnknownHandoffAgentError({
        agent: agentTurnsOf(agent as Agent<unknown>).name ?? 'agent (no name option)',
      });
    },
    agentOf: (key) => {
      const copy = copies.get(key);
      if (copy !== undefined) return copy;
      throw new UnknownHandoffAgentError({ agent: key });
    },
  };
}
