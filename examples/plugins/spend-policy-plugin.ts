// A plugin written outside gemloop, with public imports only (issue 53, items 1 and 3): a spending
// policy that works as a tool guardrail does, on the parsed arguments (`checkToolCall`, after the
// tool's schema, before the approval hook). Calls of the tools it watches need a person's approval
// (`{ type: 'ask' }`: the agent's `beforeToolCall` option must approve them explicitly); a call
// over the limit stops the run (`run.trip`, a `GuardrailTrippedError` with `phase: 'tool-input'`);
// an answer that shows a card number stops it too (`phase: 'output'`, checked before the answer joins
// the history). Its verdicts are `recorded`,
// so a durable run that replays them gets the same decisions, and the same typed trips, without
// asking the policy again.

import { type AgentPlugin, definePlugin } from '@gemloop/core/plugins';

/** Options of {@link spendPolicy}. */
export type SpendPolicyOptions = {
  /** The tools that spend money: each call needs a person's approval. */
  readonly tools: readonly string[];
  /** The largest `amount` a call may carry; a larger one stops the run. */
  readonly limit: number;
};

// Thirteen to nineteen digits, spaces or dashes between groups: what a card number looks like.
const CARD = /\b(?:\d[ -]?){12,18}\d\b/;

/** A spending policy as a plugin: asks before spending, trips over the limit or on a card number. */
export function spendPolicy(options: SpendPolicyOptions): AgentPlugin {
  return definePlugin({
    name: 'spend-policy',
    recorded: ['checkToolCall', 'checkAnswer'],
    // After the tool's schema parsed the arguments: `input` is what `execute` would get, so the
    // policy reads a number, not whatever the model sent.
    checkToolCall(call, run) {
      if (!options.tools.includes(call.toolName)) return undefined;
      const { amount } = call.input as { amount?: unknown };
      if (typeof amount !== 'number' || amount > options.limit)
        run.trip({
          guardrailName: 'spend-limit',
          phase: 'tool-input',
          reason: `${call.toolName} asked for ${String(amount)}, over the limit of ${options.limit}`,
        });
      return { type: 'ask', askedBy: 'spend-policy' };
    },
    // Before the answer joins the history: a tripped answer is never the run's.
    checkAnswer(answer, run) {
      if (CARD.test(answer.text))
        run.trip({
          guardrailName: 'no-card-numbers',
          phase: 'output',
          reason: 'the answer shows a card number',
        });
      return undefined;
    },
  });
}
