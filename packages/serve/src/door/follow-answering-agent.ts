import type { Agent } from '@gemloop/core';
import type { ChatTurn } from '@gemloop/core/chat';
import { answersWithOutput } from './answers-with-output.ts';

/** What {@link followAnsweringAgent} reads of a run's events. */
export type AnsweringEvent = { readonly type: string; readonly path: readonly unknown[] };

/**
 * Follows, event by event, whether the agent answering a door's run answers with the JSON of an
 * `output` schema (see {@link answersWithOutput}): it starts with `root`, or with `holder` (the
 * agent an earlier hand-off left holding the conversation, {@link conversationHolder}), and a
 * top-level `handoff` event gives the run to its `to`. A subagent's hand-off (inside its parent's
 * tool call, `path` not empty) answers nothing of the run's. Fed every event of the run in order;
 * returns the answer for the event just read, so a `text-delta` is judged by the agent that wrote
 * it. `root` `undefined` (a door that runs an agent it does not hold, a durable run by name):
 * always `false`. One place for what every door that streams an answer needs (leftovers66 found it
 * in the OpenAI door; doors53 in A2A's). @internal
 */
export function followAnsweringAgent(
  root: Agent<unknown> | undefined,
  holder?: string | undefined,
): (event: AnsweringEvent) => boolean {
  if (root === undefined) return () => false;
  let withOutput = answersWithOutput(root, holder);
  return (event) => {
    if (event.type === 'handoff' && event.path.length === 0) {
      const to = (event as { to?: unknown }).to;
      withOutput = typeof to === 'string' && answersWithOutput(root, to);
    }
    return withOutput;
  };
}

/**
 * The agent a hand-off in an earlier send gave a chat session's conversation to (its stored last
 * turn's `agent`), or `undefined` for the session's own agent. Read before the send starts (the
 * send reads the store then). A store that fails here fails the send the same way, which reports
 * it: the session's own agent is assumed meanwhile. @internal
 */
export async function conversationHolder(session: {
  turns(): Promise<readonly ChatTurn[]>;
}): Promise<string | undefined> {
  try {
    const last: unknown = (await session.turns()).at(-1)?.agent;
    return typeof last === 'string' ? last : undefined;
  } catch {
    return undefined;
  }
}
