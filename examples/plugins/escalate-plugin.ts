// A plugin written outside gemloop, with public imports only (issue 53, items 1 and 3): it hands
// the run to another agent when an answer says so. A front-line agent that ends its answer with
// a keyword ("ESCALATE") does not answer the user: the same run goes on with the agent it names
// (its instructions, tools, model, guardrails and plugins), which gets the conversation so far
// and a user turn asking it to take over. The hand-off is a step outcome (`{ type: 'hand-off' }`),
// as composition's `handoff()` tool returns one after its call: nothing is smuggled in a result.

import type { Agent } from '@gemloop/core';
import { type AgentPlugin, definePlugin } from '@gemloop/core/plugins';

/** Options of {@link escalateOn}. */
export type EscalateOptions = {
  /** What in an answer asks for the hand-off. */
  readonly keyword: RegExp;
  /** The agent that takes the run over (made by `createAgent`). */
  readonly to: Agent<unknown>;
  /**
   * The name it goes by: in the `handoff` event, `result.handoffs` and a chat's stored turns, and
   * the one the plugin declares it under (`receivers`), so a chat session, a durable chat turn
   * and a durable worker find it again by that name.
   */
  readonly name: string;
  /** The user turn the receiving agent answers. */
  readonly ask?: string;
};

/** Hands the run to `to` after an answer that matches `keyword`. */
export function escalateOn(options: EscalateOptions): AgentPlugin {
  const ask = options.ask ?? 'Please take over this conversation.';
  return definePlugin({
    name: 'escalate',
    // Declared before any run: the doors hold back its client's key from the first event, and
    // the next chat message after the hand-off goes to it (a new session over the store too).
    receivers: { [options.name]: options.to },
    afterAnswer(answer) {
      if (!options.keyword.test(answer.text)) return undefined;
      return {
        type: 'hand-off',
        to: options.to,
        name: options.name,
        // The history ends with the answer: the receiving agent needs a user turn to answer.
        contents: [{ role: 'user', parts: [{ text: ask }] }],
      };
    },
  });
}
