import type { ChatTurn, HistoryStore } from '@gemloop/core/chat';
import { GemloopError, InvalidArgumentError } from '@gemloop/core/errors';
import {
  canonicalJson,
  historyOfStoredTurns,
  runExclusive,
  type StoredTurnsHistory,
  storedTurnOfRun,
} from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import type { A2ADurableRuns, A2AHistoryReference } from './durable-a2a-runs.ts';

/**
 * The task metadata key under which a durable task keeps how many turns its context held when
 * its run started: the index its turn takes. In the task (shared by every door through the task
 * store), so the door that follows the run to its end, whichever it is, saves at that index.
 * @internal
 */
export const CONTEXT_TURN_KEY = 'gemloopContextTurn';

/** A context's conversation in `durable.history`: the store, the context's key in it, the model. */
export type DurableContext = {
  store: HistoryStore;
  /** The context's session id in the store ({@link contextHistoryKey}). */
  key: string;
  model: string | undefined;
  /**
   * With `durable.historyByReference`: the store's reference to the context's turns, which the
   * run's input holds instead of the history they give.
   */
  referTo?: ((turns: readonly ChatTurn[]) => A2AHistoryReference) | undefined;
};

/**
 * What a task of a context starts its run with: the history (or the store's reference to the
 * turns that give it), the holder, its turn's index.
 */
export type OpenedDurableContext = Omit<StoredTurnsHistory, 'history'> & {
  history: StoredTurnsHistory['history'] | A2AHistoryReference;
  turnIndex: number;
};

/** How a completed task's turn went into its context: saved (now or by another door), or not. */
export type SavedContextTurn = 'saved' | 'conflict';

/** The fixed words of a task whose turn found its context moved on (`context_conflict`). @internal */
export const CONTEXT_CONFLICT_TEXT =
  "Another task of this context completed while this one worked: this task's answer was not saved to the context's conversation, which goes on from the other task's. Send the message again (a new task of the context) to have it answered with both.";

/**
 * Whether `error` is `@gemloop/dbos`'s DurableChatHistoryError (by its code: serve never imports
 * dbos): the turns a task's run was started with by reference (`durable.historyByReference`) are
 * no longer its context's (cleared or rewritten since), so its result cannot be read whole nor its
 * turn saved. @internal
 */
export function isContextHistoryGone(error: unknown): boolean {
  return GemloopError.isInstance(error) && error.code === 'durable-chat-history';
}

/**
 * The store's session id of a context: the tenant and the caller in it, so another caller's
 * `contextId` (a client chooses it) never reads this one's conversation. JSON, so no choice of
 * names makes two keys one. @internal
 */
export function contextHistoryKey({
  tenant,
  owner,
  contextId,
}: {
  tenant: string | undefined;
  owner: string;
  contextId: string;
}): string {
  return JSON.stringify(['a2a', tenant ?? '', owner, contextId]);
}

/**
 * Loads the context's turns: the new task's run continues them, given whole, or by the store's
 * reference with `referTo` (a new context has no turns to refer to: its empty history is sent).
 * @internal
 */
export async function openDurableContext({
  store,
  key,
  model,
  referTo,
}: DurableContext): Promise<OpenedDurableContext> {
  const turns = await store.load(key, { logger: silentLogger });
  const { history, holder } = historyOfStoredTurns(turns, model);
  return {
    history: referTo === undefined || turns.length === 0 ? history : referTo(turns),
    ...(holder === undefined ? {} : { holder }),
    turnIndex: turns.length,
  };
}

/**
 * Appends the turn of the completed run `runId` to its context at `turnIndex` (the count of turns
 * its run started with), once: a turn already there with the run's contents is this task's, saved
 * by another door that followed the same run (a resubscribe after the first door died). Any other
 * turn there means another task of the context saved first: `conflict`, nothing saved (the turn
 * would fork the conversation: it was answered without the other one). The read and the append run
 * on the queue a chat session on the same store and id uses, so two in one process never both
 * append at the same end; across processes the store fences (the Postgres store appends at the
 * index its load saw, and another writer's row there refuses it).
 * @internal
 */
export async function saveDurableContextTurn({
  context,
  runs,
  runId,
  turnIndex,
}: {
  context: DurableContext;
  runs: Pick<A2ADurableRuns, 'result'>;
  runId: string;
  turnIndex: number;
}): Promise<SavedContextTurn> {
  const { store, key, model } = context;
  const result = await runs.result(runId);
  const { newContents, steps, usage } = result;
  if (!Array.isArray(newContents) || !Array.isArray(steps) || usage === undefined) {
    // A runs object of the caller's own making: told (onError), the task left working.
    throw new InvalidArgumentError({
      argument: 'durable.runs',
      message: `The durable runs' result() of run "${runId}" has no newContents, steps or usage: durable.history needs a runs object that returns a run's whole result (createDurableRuns() of @gemloop/dbos does).`,
    });
  }
  const whole = { ...result, newContents, steps, usage };
  const storeContext = { logger: silentLogger };
  return runExclusive(store, key, async () => {
    const turns = await store.load(key, storeContext);
    if (turns.length !== turnIndex) return placed(turns, turnIndex, newContents);
    const { holder } = historyOfStoredTurns(turns, model);
    try {
      await store.append(
        key,
        storedTurnOfRun({ result: whole, turns, model, holder }),
        storeContext,
      );
    } catch (error) {
      // Another process appended between the load and the append (the Postgres store's conflict):
      // this task's own turn (another door following the same run) or another task's.
      const again = await store.load(key, storeContext);
      if (again.length > turnIndex) return placed(again, turnIndex, newContents);
      throw error;
    }
    return 'saved';
  });
}

/** Whether the turn at `turnIndex` of `turns` holds `contents` (this task's, saved already). */
function placed(
  turns: readonly ChatTurn[],
  turnIndex: number,
  contents: unknown[],
): SavedContextTurn {
  const turn = turns[turnIndex];
  if (turn === undefined) return 'conflict';
  // Stores keep turns verbatim (HistoryStore's contract) but not always their keys' order
  // (Postgres jsonb sorts them), so the same run's turn reads back as the same JSON once keys are
  // sorted; another task's (another message at least) never does. Contents nested past what
  // canonicalJson walks compare as unlike anything: a conflict, never a turn taken for another.
  const stored = canonicalJson(turn.contents);
  return stored !== undefined && stored === canonicalJson(contents) ? 'saved' : 'conflict';
}
