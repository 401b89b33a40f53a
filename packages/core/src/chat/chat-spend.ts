import type { RunOptions } from '../agent/config/agent-options.ts';
import { costAbove } from '../agent/cost-above.ts';
import { AgentRunError } from '../agent/errors/agent-run-error.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { TreeBudgetError } from '../agent/errors/tree-budget-error.ts';
import { addAgentUsage, emptyUsage } from '../agent/usage.ts';
import { type Cost, unknownCost } from '../models/cost.ts';
import { CostTotal } from '../models/cost-total.ts';
import { dollarsToPicos, picosToDollars } from '../models/usd.ts';
import type { AgentResult, AgentUsage } from '../run/agent-result.ts';
import { ChatBudgetExceededError } from './chat-budget-exceeded-error.ts';
import type { ChatBudget } from './chat-session.ts';
import type { ChatSessionSpend } from './session-spend.ts';

/**
 * What a chat conversation has spent (usage and cost summed over its sends, failed ones included,
 * from what its stored turns say it spent before this session object) and
 * its `budget` turned into each send's run options. One per session; `createChatSession` adds every
 * send's outcome to it.
 */
export class ChatSpend {
  readonly #sessionId: string;
  readonly #budget: ChatBudget | undefined;
  readonly #usage: AgentUsage = emptyUsage();
  readonly #cost = new CostTotal();

  constructor(sessionId: string, budget: ChatBudget | undefined) {
    this.#sessionId = sessionId;
    this.#budget = budget;
  }

  /** The usage summed over the session's sends (a copy). */
  get usage(): AgentUsage {
    return { ...this.#usage };
  }

  /** The cost summed over the session's sends. */
  get cost(): Cost {
    return this.#cost.total;
  }

  /**
   * A send's run options for the budget: a stop condition on what the session spent before it
   * plus the run's cost so far, and the rest of the budget as the tree's `budget.maxCostUsd`.
   *
   * @throws {@link ChatBudgetExceededError} when the budget is already spent: nothing is sent.
   */
  runOptions(signal: AbortSignal | undefined): RunOptions {
    const budget = this.#budget;
    if (budget === undefined) return { signal };
    // A budget of $0 sends nothing: its first turn was paid for, $0 not being over $0 (econ2).
    if (this.#cost.exceeds(budget.maxCostUsd) || !dollarsToPicos(budget.maxCostUsd)) {
      throw new ChatBudgetExceededError({
        sessionId: this.#sessionId,
        maxCostUsd: budget.maxCostUsd,
        cost: this.#cost.total,
        usage: { ...this.#usage },
      });
    }
    const before = this.#cost.total;
    // The rest of the budget also bounds the send's whole tree (`budget.maxCostUsd` of the run):
    // a subagent started by the send stops before a model call past it, instead of running to
    // its end before the top run's stop condition is next checked.
    const left =
      (dollarsToPicos(budget.maxCostUsd) ?? 0n) - (dollarsToPicos(before.total ?? '0') ?? 0n);
    return {
      signal,
      stopWhen: costAbove(budget.maxCostUsd, { spent: () => before }),
      budget: { maxCostUsd: picosToDollars(left < 0n ? 0n : left) },
    };
  }

  /**
   * Adds what the conversation had spent before this session object (the newest stored turn's
   * `sessionSpend`), once, at the session's first load.
   */
  restore(stored: ChatSessionSpend): void {
    addAgentUsage(this.#usage, stored.usage);
    this.#cost.add(stored.cost);
  }

  /** The totals to store with a turn (`ChatTurn.sessionSpend`). */
  snapshot(): ChatSessionSpend {
    return { usage: { ...this.#usage }, cost: this.#cost.total };
  }

  /** Adds a completed run's usage and cost. */
  addResult(result: AgentResult<unknown>): void {
    addAgentUsage(this.#usage, result.usage);
    this.#cost.add(result.cost ?? unknownCost('the run reported no cost'));
  }

  /** Adds what a failed send spent, as far as its error tells. */
  addFailure(error: unknown): void {
    // An error from a subagent ends the turn with what the whole tree spent, not the `run` of
    // the run that stopped (a TreeBudgetError's `cost` is the tree's; SubagentError has no run).
    if (SubagentError.isInstance(error) || TreeBudgetError.isInstance(error)) {
      // Errors made by an older copy of gemloop may lack `usage`.
      const spent = error.usage as AgentUsage | undefined;
      if (spent !== undefined) addAgentUsage(this.#usage, spent);
      this.#cost.add(error.cost ?? unknownCost('the failed subagent reported no cost'));
      return;
    }
    if (AgentRunError.isInstance(error)) {
      addAgentUsage(this.#usage, error.run.usage);
      // Errors made before this change, or by another copy of gemloop, may lack it.
      this.#cost.add(error.run.cost ?? unknownCost('the failed run reported no cost'));
    }
  }
}
