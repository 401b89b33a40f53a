// In chat/, not errors/: it carries a Cost and an AgentUsage, which errors/ (below models/ and run/) cannot import.

import { GemloopError } from '../errors/gemloop-error.ts';
import type { Cost } from '../models/cost.ts';
import type { AgentUsage } from '../run/agent-result.ts';

/**
 * A chat session's `budget` is spent: the session refused to send another message. Nothing was
 * sent or saved. The turn that went over the budget ended early (its run stopped with
 * `finishReason: 'stop-condition'`) and was saved; this error comes with the send after it.
 *
 * Raise the budget (a new session object with a higher `budget.maxCostUsd`) or start a new
 * conversation. An unknown cost (a model without a price: give the agent `prices`) counts as
 * spent.
 */
export class ChatBudgetExceededError extends GemloopError {
  override readonly code = 'chat-budget-exceeded';
  readonly sessionId: string;
  /** The budget, in US dollars, as given. */
  readonly maxCostUsd: number | string;
  /** What this session object's sends cost so far (exact decimal strings of US dollars). */
  readonly cost: Cost;
  /** The tokens of this session object's sends so far. */
  readonly usage: AgentUsage;

  constructor({
    sessionId,
    maxCostUsd,
    cost,
    usage,
  }: { sessionId: string; maxCostUsd: number | string; cost: Cost; usage: AgentUsage }) {
    const spent =
      cost.total === null ? `an unknown amount (${cost.unknown ?? 'no price'})` : `$${cost.total}`;
    super({
      message: `The chat session "${sessionId}" has spent ${spent} of its $${maxCostUsd} budget (budget.maxCostUsd); the message was not sent. Create the session again with a higher budget, or start a new conversation.`,
    });
    this.sessionId = sessionId;
    this.maxCostUsd = maxCostUsd;
    this.cost = cost;
    this.usage = usage;
  }

  static override isInstance(error: unknown): error is ChatBudgetExceededError {
    return GemloopError.hasCode(error, 'chat-budget-exceeded');
  }
}
