import type { Agent } from '@gemloop/core';
import { answersWithOutput, handsToOutput } from './answers-with-output.ts';

/** What {@link followAnsweringAgent} reads of a run's events. @internal */
export type AnsweringEvent = { readonly type: string; readonly path: readonly unknown[] };

/** What a door that streams an answer needs to know of the agent answering its run. @internal */
export type AnsweringAgent = {
  /** It answers with the JSON of an `output` schema ({@link answersWithOutput}). */
  readonly answersWithOutput: boolean;
  /**
   * It answers plain text but may hand the run to an agent that answers with `output`
   * ({@link handsToOutput}): the text of a step may turn out to be no part of the answer.
   */
  readonly handsToOutput: boolean;
};

/** What {@link followAnsweringAgent} follows. @internal */
export type FollowAnsweringAgentOptions = {
  /**
   * The door's agent; `undefined` for a door that runs an agent it does not hold (a durable run
   * by name): then the agent answering is always plain.
   */
  root: Agent<unknown> | undefined;
  /**
   * The agent an earlier hand-off left holding the conversation (a stored turn's `agent`), or
   * `undefined` for `root`: read at the first event, since the send's own load of the history
   * (`createSendStore`'s `holder`) learns it, and a session loads before the run starts.
   */
  holder?: (() => string | undefined) | undefined;
};

/** An agent that answers plain text and hands nothing to an `output` agent. */
const PLAIN: AnsweringAgent = { answersWithOutput: false, handsToOutput: false };

/**
 * Follows, event by event, the agent answering a door's run: it starts with `root`, or with the
 * `holder`, and a top-level `handoff` event gives the run to its `to`. A subagent's hand-off
 * (inside its parent's tool call, `path` not empty) answers nothing of the run's. Fed every event
 * of the run in order, it returns the agent answering the event just read, so a `text-delta` is
 * judged by the agent that wrote it and a `handoff` by its receiver; called with no event, the
 * agent answering now (at the run's end).
 *
 * One notion of "the agent answering" for every door that streams an answer (doors-unify53): the
 * OpenAI door holds or drops text by it (`createAnswerDeltas`, whose streams cannot take text
 * back), the A2A door replaces its artifact by it (`answerDeltaPublisher`). @internal
 */
export function followAnsweringAgent({
  root,
  holder = () => undefined,
}: FollowAnsweringAgentOptions): (event?: AnsweringEvent) => AnsweringAgent {
  if (root === undefined) return () => PLAIN;
  const settle = (name: string | undefined): AnsweringAgent => {
    const withOutput = answersWithOutput(root, name);
    return {
      answersWithOutput: withOutput,
      handsToOutput: !withOutput && handsToOutput(root, name),
    };
  };
  let answering: AnsweringAgent | undefined;
  return (event) => {
    answering ??= settle(holder());
    if (event?.type === 'handoff' && event.path.length === 0) {
      const to = (event as { to?: unknown }).to;
      // A name no receiver goes by: the run refuses that hand-off itself.
      answering = typeof to === 'string' ? settle(to) : PLAIN;
    }
    return answering;
  };
}
