import { UnknownHandoffAgentError } from '../../errors/unknown-handoff-agent-error.ts';
import { cutName } from '../../shared/cut-text.ts';

/**
 * The error of a chat send whose stored conversation is held by `holder` (the agent a hand-off
 * gave it to), which no handoff of the session's agent reaches: a chat session's and a durable chat
 * turn's, in the same words (what was wrong and the two ways on). The names are cut as a log
 * line's (`cutName`): the store holds what a hand-off wrote, or anything. `cause`: what failed
 * (a durable turn's `DurableRunError`).
 * @internal
 */
export function unknownChatHolder(
  sessionId: string,
  holder: string,
  cause?: unknown,
): UnknownHandoffAgentError {
  const agent = JSON.stringify(cutName(holder));
  return new UnknownHandoffAgentError({
    agent: holder,
    sessionId,
    cause,
    message: `The chat session ${JSON.stringify(cutName(sessionId))} is held by the agent ${agent} (a hand-off gave it the conversation), and no handoff of the session's agent reaches that agent, so nothing was sent. Declare it again (handoff(agent) in the session agent's tools, or a plugin's handoff receivers, under the name ${agent}), or start a new session.`,
  });
}
