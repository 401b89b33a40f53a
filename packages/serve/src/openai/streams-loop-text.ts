import type { Agent } from '@gemloop/core';
import { agentTurnsOf, findHandoffReceiver, holdsTextBack } from '@gemloop/core/internal';

/**
 * Whether a streamed run started by `root`, or by the agent `holder` names (the one holding a
 * continued conversation, as `answersWithOutput` finds it), shows the text of its steps before
 * the answer (the tool loop's "Let me check."). Not when that agent's guardrails hold text back
 * with output guardrails (`holdBack`): a step that goes on to calls is then never streamed, as no
 * output guardrail judges it (issue 52, core's `HeldTextDeltas`), and the run keeps that setting
 * from its start (its `wrapEvents`). A unary Responses answer gives the same message items as the
 * stream (message-items.ts): without this, it showed the unjudged text the stream held back.
 * Read from the agent's own `guardrails` option, the only level the door's runs have (it gives
 * its sessions and runs none). @internal
 */
export function streamsLoopText(root: Agent<unknown>, holder: string | undefined): boolean {
  const agent = holder === undefined ? root : findHandoffReceiver(root, holder);
  const given = agent === undefined ? undefined : agentTurnsOf(agent).options?.guardrails;
  const options = (given?.options ?? {}) as Parameters<typeof holdsTextBack>[0];
  return !(holdsTextBack(options) && (options.output?.length ?? 0) > 0);
}
