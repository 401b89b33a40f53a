import { addAgentUsage, emptyUsage } from '../agent/usage.ts';
import { type Cost, unknownCost } from '../models/cost.ts';
import { CostTotal } from '../models/cost-total.ts';
import { readCost } from '../models/read-cost.ts';
import type { AgentResult, AgentUsage } from '../run/agent-result.ts';

/**
 * What a chat conversation had spent when one of its turns was saved: usage and cost summed over
 * every send of the conversation until then (failed sends included, this turn's own too), kept
 * with the turn (`ChatTurn.sessionSpend`) so a session reopened in another process goes on from
 * it instead of from zero.
 */
export type ChatSessionSpend = {
  usage: AgentUsage;
  cost: Cost;
};

/**
 * A turn's `sessionSpend` read back from a store (a file line, a row, a custom store: hostile
 * bytes), or `undefined` unless every count is a non-negative safe integer and the cost is well
 * formed (`readCost`): a stored total is never a wrong number. @internal
 */
export function readSessionSpend(value: unknown): ChatSessionSpend | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { usage, cost } = value as { usage?: unknown; cost?: unknown };
  const readCostValue = readCost(cost);
  if (readCostValue === undefined || typeof usage !== 'object' || usage === null) return undefined;
  const read = emptyUsage();
  for (const key of Object.keys(read) as (keyof AgentUsage)[]) {
    const count = (usage as Record<string, unknown>)[key];
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return undefined;
    read[key] = count;
  }
  return { usage: read, cost: readCostValue };
}

/**
 * The conversation's spend after a turn whose run was `result`, on top of `before` (the newest
 * stored turn's `sessionSpend`; none for a conversation without one). For writers of turns other
 * than a chat session (the durable chat turn of `@gemloop/dbos`). @internal
 */
export function nextSessionSpend(
  before: ChatSessionSpend | undefined,
  // `cost` may be missing: a durable run's result read back from an older row has none.
  result: Pick<AgentResult<unknown>, 'usage'> & { cost?: Cost | undefined },
): ChatSessionSpend {
  const usage = emptyUsage();
  const total = new CostTotal(before?.cost);
  if (before !== undefined) addAgentUsage(usage, before.usage);
  addAgentUsage(usage, result.usage);
  total.add(result.cost ?? unknownCost('the run reported no cost'));
  return { usage, cost: total.total };
}

/**
 * The newest `sessionSpend` of `turns` (oldest first) that reads back well, or `undefined` (a
 * history saved before turns carried one). @internal
 */
export function latestSessionSpend(
  turns: readonly { sessionSpend?: unknown }[],
): ChatSessionSpend | undefined {
  for (let index = turns.length - 1; index >= 0; index--) {
    const spend = readSessionSpend(turns[index]?.sessionSpend);
    if (spend !== undefined) return spend;
  }
  return undefined;
}
