// Who holds a conversation after a hand-off, found by the name it went by: apart from handoff.ts
// so that a chat session (in the root import) finds receivers without loading the seam's engine.
import { agentTurnsOf } from '../agent/agent-turns.ts';
import type { Agent } from '../agent/create-agent.ts';
import { declaredReceivers } from '../agent/tree-keys.ts';

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
  const seen = new Set<object>([root]);
  const queue: Agent<unknown>[] = [root];
  let declared = declaredReceivers(plugins);
  for (let at = 0; ; at++) {
    for (const [receiverName, receiver] of declared) {
      if (receiverName === name) return receiver as Agent<unknown>;
      if (!seen.has(receiver)) {
        seen.add(receiver);
        queue.push(receiver as Agent<unknown>);
      }
    }
    const agent = queue[at];
    if (agent === undefined) return undefined;
    const config = agentTurnsOf(agent).handoffTarget?.(undefined).config;
    declared = declaredReceivers(config?.plugins?.plugins ?? []);
  }
}
