import type { AgentConfig } from '../../config/agent-config.ts';
import { type RunLink, startsChildRuns } from '../../run-state/run-link.ts';
import type { PendingCall } from '../settle-tool-call.ts';

/**
 * Whether any call of the turn starts a child run; tells `link` how many do (a durable runner
 * gives each of them its share of the tree budget, see `ChildRunCall.turnChildren`).
 * @internal
 */
export function callsStartChildRuns<Output>(
  config: AgentConfig<Output>,
  pending: PendingCall[],
  link: RunLink | undefined,
): boolean {
  let count = 0;
  for (const { call } of pending) {
    const tool = config.tools.functions.get(call.name);
    if (tool !== undefined && startsChildRuns(tool)) count++;
  }
  if (link !== undefined && count > 0) link.turn.children = count;
  return count > 0;
}
