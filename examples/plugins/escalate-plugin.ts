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
  /** Its name in the `handoff` event and `result.handoffs`. @defaultValue its `name` option */
  readonly name?: string;
  /** The user turn the receiving agent answers. */
  readonly ask?: string;
};

/** Hands the run to `to` after an answer that matches `keyword`. */
export function escalateOn(options: EscalateOptions): AgentPlugin {
  const ask = options.ask ?? 'Please take over this conversation.';
  return definePlugin({
    name: 'escalate',
    afterAnswer(answer) {
      if (!options.keyword.test(answer.text)) return undefined;
      return {
        type: 'hand-off',
        to: options.to,
        ...(options.name !== undefined && { name: options.name }),
        // The history ends with the answer: the receiving agent needs a user turn to answer.
        contents: [{ role: 'user', parts: [{ text: ask }] }],
      };
    },
  });
}
