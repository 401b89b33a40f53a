// Who holds a conversation after a hand-off, found by the name it went by: apart from handoff.ts
// so that a chat session (in the root import) finds receivers without loading the seam's engine.
import { agentTurnsOf } from '../agent/agent-turns.ts';
import type { Agent } from '../agent/create-agent.ts';
import { declaredReceivers } from '../agent/tree-keys.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';

/**
 * The receivers `root`'s tree declares, by the name each goes by, in the order a lookup meets
 * them: `plugins`' (a chat session's own), then those the plugins of `root` and of each agent met
 * declare (`AgentPlugin.receivers`: a `handoff()` tool's plugin, a third party's), each agent's
 * plugins read once, so a cycle of hand-offs ends. Without `root`, from `plugins` alone (a run's
 * plugins, the agent's among them).
 */
function* receiversOf(
  root: Agent<unknown> | undefined,
  plugins: readonly unknown[],
): Generator<[string, Agent<unknown>]> {
  const seen = new Set<object>(root === undefined ? [] : [root]);
  const queue: Agent<unknown>[] = root === undefined ? [] : [root];
  let declared = declaredReceivers(plugins);
  for (let at = 0; ; at++) {
    for (const [name, receiver] of declared) {
      yield [name, receiver as Agent<unknown>];
      if (!seen.has(receiver)) {
        seen.add(receiver);
        queue.push(receiver as Agent<unknown>);
      }
    }
    const agent = queue[at];
    if (agent === undefined) return;
    const config = agentTurnsOf(agent).handoffTarget?.(undefined).config;
    declared = declaredReceivers(config?.plugins?.plugins ?? []);
  }
}

/**
 * The agent a run of `root` hands to under `name` (directly or through the agents it hands to),
 * or `undefined`: the agents its plugins declare (`AgentPlugin.receivers`: a `handoff()` tool's
 * plugin, a third party's) and `plugins`' (a chat session's own), then theirs, each agent once.
 * No registry and nothing learned: a new session object over a stored history finds the same.
 * @internal
 */
export function findHandoffReceiver(
  root: Agent<unknown>,
  name: string,
  plugins: readonly unknown[] = [],
): Agent<unknown> | undefined {
  for (const [receiverName, receiver] of receiversOf(root, plugins))
    if (receiverName === name) return receiver;
  return undefined;
}

/**
 * Refuses a tree in which two different agents are handed to under one name. A chat session
 * stores the agent a hand-off left holding the conversation by that name (the turn's `agent`),
 * and finds it again by it ({@link findHandoffReceiver}), as the doors find the agent answering a
 * run from a `handoff` event's `to`: with two, the next message went to the first the walk met,
 * not the agent the run handed to (another's instructions and tools: attack54). A durable worker
 * refuses the same tree at start (`createDurableHandOffAgents`), and a plain run at its start (a
 * `handoff()` tool's plugin, given no `root`: the run's plugins hold the agent's). One agent
 * declared twice under one name is fine.
 *
 * @param where who asks and what it was given, for the error: `{ caller: 'createChatSession',
 *   argument: 'agent' }`, `{ caller: 'createOpenAIHandler: agents["triage"]', argument: 'agents' }`.
 * @param plugins a chat session's own plugins, whose receivers the session finds too.
 * @throws {@link InvalidArgumentError} naming the name and the fix.
 * @internal
 */
export function checkReceiverNames(
  root: Agent<unknown> | undefined,
  where: { readonly caller: string; readonly argument: string },
  plugins: readonly unknown[] = [],
): void {
  const byName = new Map<string, Agent<unknown>>();
  for (const [name, receiver] of receiversOf(root, plugins)) {
    const known = byName.get(name);
    if (known === undefined) byName.set(name, receiver);
    else if (known !== receiver) {
      throw new InvalidArgumentError({
        argument: where.argument,
        message: `${where.caller}: two different agents are handed to under the name ${JSON.stringify(name.slice(0, 100))}. A conversation a hand-off gave away is found again by that name, so the next message would go to the wrong one: give them different names (handoff(agent, { name }), or the agents' name option), or hand to the same agent object.`,
      });
    }
  }
}
