import type { HistoryTurn } from '../../history/history-turn.ts';
import type { Content } from '../../wire/content.ts';
import type { ChatTurn } from '../history-store.ts';
import { UNKNOWN_MODEL } from '../to-history-turns.ts';

/** What {@link historyOfStoredTurns} gives: how a run continues a stored conversation. @internal */
export type StoredTurnsHistory = {
  /**
   * The run's `history`: the turns' contents flat when every turn is `model`'s (or no `model` is
   * given: the history is taken as the agent's own, signatures and all), else each turn with the
   * model that wrote it (a turn stored without one is {@link UNKNOWN_MODEL}'s), so the agent drops
   * the signatures of another model's turns.
   */
  history: Content[] | HistoryTurn[];
  /** The agent holding the conversation after a hand-off (the last turn's `agent`), if any. */
  holder?: string | undefined;
};

/**
 * The history and holder a run that continues `turns` starts with, as a chat session continues
 * them: the one reading of a stored conversation that `@gemloop/dbos`'s durable chat turn and
 * `@gemloop/serve`'s durable A2A door share, so the two never read the same store two ways.
 * @internal
 */
export function historyOfStoredTurns(
  turns: readonly ChatTurn[],
  model: string | undefined,
): StoredTurnsHistory {
  const history =
    model === undefined || turns.every((turn) => turn.model === model)
      ? turns.flatMap((turn) => turn.contents)
      : turns.map(
          (turn): HistoryTurn => ({
            contents: turn.contents,
            model: typeof turn.model === 'string' && turn.model !== '' ? turn.model : UNKNOWN_MODEL,
          }),
        );
  // After a handoff, the agent holding the conversation answers (as in a chat session).
  const last = turns[turns.length - 1]?.agent;
  const holder = typeof last === 'string' && last !== '' ? last : undefined;
  return holder === undefined ? { history } : { history, holder };
}
