import type { Agent } from '@gemloop/core';
import { agentTurnsOf, declaredReceivers, findHandoffReceiver } from '@gemloop/core/internal';

/**
 * Whether the agent that answers a door's run answers with the JSON of an `output` schema: `root`
 * itself (`holder` undefined), or the agent a hand-off gave the run or the conversation to, found
 * by the name it went by (a `handoff` event's `to`, a stored turn's `agent`) among the receivers
 * `root`'s tree declares. Such an agent may produce other text before its answer (an answer the
 * schema refused and the model was asked again for, or the tool loop's answer before the call
 * that asks for the JSON, on models that cannot take a schema beside tools), and a stream that
 * cannot take text back (OpenAI's) sends the validated answer instead of that agent's deltas:
 * joined, they were not JSON (attack51). Read from the agent that answers, not the door's: a
 * plain agent handing off to an `output` agent streamed the receiver's re-ask joined with its
 * JSON (leftovers66). `false` for an agent gemloop did not make (it declares no options), or a
 * name no receiver goes by (the run refuses that hand-off itself). @internal
 */
export function answersWithOutput(root: Agent<unknown>, holder?: string | undefined): boolean {
  const agent = holder === undefined ? root : findHandoffReceiver(root, holder);
  return agent !== undefined && agentTurnsOf(agent).options?.output !== undefined;
}

/**
 * Whether the agent answering a door's run (`root`, or the one `holder` names, as for
 * {@link answersWithOutput}) may hand the run to an agent answering with an `output` schema: one
 * of the receivers it declares itself does. Such an agent's text may be followed, in the same
 * step, by the call that hands off, and is then no part of the answer: a stream that cannot take
 * text back (OpenAI's) holds a step's text until it knows (leftovers67). @internal
 */
export function handsToOutput(root: Agent<unknown>, holder?: string | undefined): boolean {
  const agent = holder === undefined ? root : findHandoffReceiver(root, holder);
  if (agent === undefined) return false;
  const config = agentTurnsOf(agent).handoffTarget?.(undefined).config;
  return declaredReceivers(config?.plugins?.plugins ?? []).some(
    ([, receiver]) => agentTurnsOf(receiver as Agent<unknown>).options?.output !== undefined,
  );
}
