import { type Agent, type AgentOptions, InvalidArgumentError } from '@gemloop/core';
import {
  agentTurnsOf,
  childAgentOf,
  declaredReceivers,
  type HandOffAgents,
} from '@gemloop/core/internal';
import { UnknownHandoffAgentError } from '../../errors/unknown-handoff-agent-error.ts';
import type { DurableAgentDefinition } from '../runs/durable-run-types.ts';

/** Most agents a worker finds through handoff tools (more is a mistake, or a generated loop). */
const MAX_HANDOFF_AGENTS = 256;

/**
 * The agents an agent's options declare it hands to, by name: the `receivers` of its plugins (its
 * `plugins` option's, and those its tools carry: a `handoff()` tool's). @internal
 */
function receiversIn(options: Pick<AgentOptions<unknown>, 'plugins' | 'tools'> | undefined) {
  const carried = (options?.tools ?? []).map((tool) =>
    typeof tool === 'object' && tool !== null ? (tool as { plugin?: unknown }).plugin : undefined,
  );
  return declaredReceivers([
    ...((options?.plugins as readonly unknown[] | undefined) ?? []),
    ...carried,
  ]);
}

/**
 * The agents the durable runs of a worker may hand off to, each by a stable key, each as the
 * worker's own copy (`make`: the same wrapping as a defined agent, so the receiving agent's model
 * and tool calls are recorded steps of the same run workflow). Found at start: the agents the
 * plugins of the worker's agents declare they hand to (`AgentPlugin.receivers`, a `handoff()`
 * tool's plugin among them), then theirs (each agent once, by its declared name), and the agents
 * given as `handoffAgents` (by their key there). Every worker of a fleet defines the same agents,
 * so finds the same keys; a recorded hook's hand-off stores the key (`@gemloop/core`'s seam
 * does), and a replay on another worker resolves it here. `undefined` when no agent hands off anywhere.
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
  // Breadth first over the plugins' receivers (`AgentPlugin.receivers`: a handoff tool's plugin,
  // a third party's), from the worker's agents, then the agents found.
  const queue: { options: Parameters<typeof receiversIn>[0]; where: string }[] = [
    ...Object.entries(agents).map(([name, definition]) => ({
      options: definition,
      where: `agents.${name}`,
    })),
    ...[...byKey].map(([key, agent]) => ({
      options: agentTurnsOf(agent as Agent<unknown>).options,
      where: `handoffAgents.${key}`,
    })),
  ];
  // A subagent's agent is walked too: its child workflow hands off by the same keys, and a cycle
  // (a subagent handing back to the agent above it, durable subagent-cycle.test.ts) is declared
  // only there. Each agent walked once, so a cycle ends.
  const walked = new Set<object>();
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const [name, agent] of receiversIn(next.options)) {
      if (keys.has(agent)) continue;
      add(name, agent, `${next.where} (a plugin's receivers.${name})`);
      queue.push({ options: agentTurnsOf(agent as Agent<unknown>).options, where: name });
    }
    for (const tool of next.options?.tools ?? []) {
      const child = typeof tool === 'object' && tool !== null ? childAgentOf(tool) : undefined;
      if (child === undefined || walked.has(child)) continue;
      walked.add(child);
      const where = `${next.where} (the subagent ${(tool as { name?: unknown }).name})`;
      queue.push({ options: agentTurnsOf(child as Agent<unknown>).options, where });
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
