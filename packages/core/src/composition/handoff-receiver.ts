// Who a handoff tool hands to, read from the plugin the tool carries: apart from handoff.ts so
// that a chat session (in the root import) finds receivers without loading the seam's engine.
import { agentTurnsOf } from '../agent/agent-turns.ts';
import type { Agent } from '../agent/create-agent.ts';
import type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
import { handoffReceiverOf as receiverOf } from '../agent/tree-keys.ts';

/**
 * The plugin a handoff tool carries (`FunctionTool.plugin`), with the agent it hands to: a chat
 * session finds the agent holding its conversation through it, with no registry. @internal
 */
export type HandoffPlugin = AgentPlugin & {
  readonly receiver: { readonly name: string; readonly agent: Agent<unknown> };
};

/**
 * The agent a tool made by `handoff()` hands to; `undefined` for any other tool. (Read below the
 * features, agent/tree-keys.ts: the key walk of doors and observers needs it too.) @internal
 */
export function handoffReceiverOf(tool: object): Agent<unknown> | undefined {
  return receiverOf(tool) as Agent<unknown> | undefined;
}

/**
 * The agent a run of `root` hands to under `name` (directly or through other handoffs), or
 * `undefined`. Walks the handoff tools of `root` and of the agents they reach, each agent once.
 * @internal
 */
export function findHandoffReceiver(
  root: Agent<unknown>,
  name: string,
): Agent<unknown> | undefined {
  const toolName = `transfer_to_${name}`;
  const seen = new Set<object>([root]);
  const queue: Agent<unknown>[] = [root];
  for (let agent = queue.shift(); agent !== undefined; agent = queue.shift()) {
    for (const tool of agentTurnsOf(agent).functionTools?.() ?? []) {
      const receiver = handoffReceiverOf(tool);
      if (receiver === undefined) continue;
      if ((tool as { name?: unknown }).name === toolName) return receiver;
      if (!seen.has(receiver)) {
        seen.add(receiver);
        queue.push(receiver);
      }
    }
  }
  return undefined;
}
