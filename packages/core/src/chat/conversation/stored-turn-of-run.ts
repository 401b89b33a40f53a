import type { Cost } from '../../models/cost.ts';
import type { AgentResult } from '../../run/agent-result.ts';
import type { ChatTurn } from '../history-store.ts';
import { latestSessionSpend, nextSessionSpend } from '../session-spend.ts';
import { turnProducer } from '../to-history-turns.ts';

/** What {@link storedTurnOfRun} takes. @internal */
export type StoredTurnOfRunOptions = {
  /** The run's result (a durable run's, read back from its store: its `cost` may be missing). */
  result: Pick<AgentResult<unknown>, 'newContents' | 'steps' | 'usage' | 'handoffs'> & {
    cost?: Cost | undefined;
  };
  /** The stored turns the run continued (its history). */
  turns: readonly ChatTurn[];
  /** The agent's model; without it the turn is stored without one (taken as the agent's own). */
  model: string | undefined;
  /** The agent that held the conversation when the run started, if a hand-off gave it away. */
  holder: string | undefined;
};

/**
 * The turn a run that continued `turns` stores, as a chat session stores it: the run's new
 * contents (the user's message first), the model that made them, the conversation's spend so far
 * and the agent holding it after the run. Shared by `@gemloop/dbos`'s durable chat turn and
 * `@gemloop/serve`'s durable A2A door. @internal
 */
export function storedTurnOfRun({
  result,
  turns,
  model,
  holder,
}: StoredTurnOfRunOptions): ChatTurn {
  const heldBy = result.handoffs?.at(-1) ?? holder;
  return {
    contents: result.newContents,
    createdAt: Date.now(),
    // The model that made the turn, as a chat session stores it: the agent's, unless a plugin sent
    // its calls to another (a fallback, a router; `step.model`), so the next turn sends that
    // model's thought signatures to no other model.
    ...(model === undefined ? {} : { model: turnProducer(result.steps, model) }),
    ...(result.cost === undefined ? {} : { cost: result.cost }),
    // The conversation's usage and cost so far, as a chat session stores them: a session (or the
    // next durable turn) reopened on the store goes on from them.
    sessionSpend: nextSessionSpend(latestSessionSpend(turns), result),
    // The agent holding the conversation after this turn, when a handoff gave it away.
    ...(heldBy === undefined ? {} : { agent: heldBy }),
  };
}
