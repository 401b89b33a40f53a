import { createHash } from 'node:crypto';
import type { Part } from '@gemloop/core';
import type { ChatHistoryLimit, ChatTurn } from '@gemloop/core/chat';
import { ChatStoreError, UnknownHandoffAgentError } from '@gemloop/core/errors';
import {
  checkChatHistoryLimit,
  estimateContentTokens,
  historyOfStoredTurns,
  latestSessionSpend,
  loadSelectHistory,
  storedTurnOfRun,
  unknownChatHolder,
} from '@gemloop/core/internal';
import type { DurableRunInput, DurableRunResult } from '../durable/runs/durable-run-types.ts';
import type { DurableRuns } from '../durable/runs/durable-runs.ts';
import { keylessMarkOf } from '../durable/runs/stored-run-data.ts';
import { DurableChatHistoryError } from '../errors/durable-chat-history-error.ts';
import { quoteId } from '../errors/quote-id.ts';
import { MAX_ID_BYTES } from '../postgres/check-id.ts';
import type { PostgresHistoryStore } from './create-postgres-history-store.ts';
import { historyReferenceOf } from './history-reference.ts';

/**
 * The store {@link sendDurableChatTurn} takes: a {@link PostgresHistoryStore}, its `loadRecent`
 * optional (an object of that shape made before it had one keeps working, read whole).
 */
export type DurableChatStore = Omit<PostgresHistoryStore, 'loadRecent'> &
  Partial<Pick<PostgresHistoryStore, 'loadRecent'>>;

/** Options of {@link sendDurableChatTurn}. */
export type SendDurableChatTurnOptions = {
  runs: DurableRuns;
  /**
   * The session's store: `createPostgresHistoryStore`'s. With a `limit`, the turn reads the
   * newest turns the window needs through its `loadRecent` (not every stored turn); an object of
   * this shape without `loadRecent` has every turn read with `load`.
   */
  store: DurableChatStore;
  sessionId: string;
  /** The durable agent's name (as the workers define it). */
  agent: string;
  message: string | readonly Part[];
  /**
   * The agent's model, stored with the turn (a session that changes models drops signatures); a
   * turn whose calls a plugin sent to another model is stored with that model (or `'unknown'`
   * when two models made it), as a chat session stores it.
   */
  model?: string | undefined;
  /**
   * The run's id. @defaultValue `<sessionId>:turn-<n>` with n the turn's index: a send repeated
   * after the caller crashed (same session, same point) finds the run it started instead of
   * starting a second one. A session id too long for that to be a run id (the store takes ids of
   * up to 1024 UTF-8 bytes, as `runs.start` does) gives `<its first 200 characters>#<SHA-256 of
   * it>:turn-<n>`: as stable, and another for another session.
   */
  runId?: string | undefined;
  /** This turn's generation settings over the agent's, as `runs.start` takes them. */
  generationConfig?: DurableRunInput['generationConfig'];
  /**
   * Sends the thread by reference instead of in the run's input: the input names the store's
   * table, the session, how many turns and their SHA-256 digest (~300 bytes), and the worker reads
   * those turns from the table. Without it each turn's input holds the whole thread, so a
   * conversation of n turns writes O(n²) bytes to DBOS's `workflow_input` (300 turns of ~1 KB:
   * ~58 MB); with it, the same few hundred bytes a turn.
   *
   * Needs the store in the fleet's database (`createPostgresHistoryStore` on the workers'
   * `databaseUrl`): workers and `runs.result()` read it there, through the pool they already hold.
   * Needs workers of this version or later: an earlier worker refuses such a run (its agent gets a
   * history that is not a list: `InvalidArgumentError`), it never answers without the thread.
   *
   * The price: such a turn's run depends on its session's stored turns. After `clear()` (or a
   * rewrite of those turns), a run of it still running, waiting for approval or taken over after a
   * crash fails, and `runs.result()` of a finished one throws, with a
   * {@link DurableChatHistoryError} (the session, the turns expected and found, the fix) rather
   * than run on, or return, another thread; `readRecordedRuns` skips such a run. Turns appended
   * after the run started change nothing. @defaultValue `false`: the thread in the input
   */
  historyByReference?: boolean | undefined;
  /**
   * How much stored history goes with the message: a chat session's `limit`
   * (`createChatSession({ limit })`, {@link ChatHistoryLimit}), checked and applied by the same
   * rules, so a durable turn sends the turns a chat session with that limit sends (the oldest
   * whole turns dropped, a call never split from its response, at most about 4 MB of thought
   * signatures sent again past the limit's count). The store keeps every turn.
   *
   * The window is chosen here, from the turns loaded when the turn starts, and goes with the
   * run's input (DBOS records it): a worker that takes the run over after a crash replays the
   * same window whatever the store holds by then. A window that drops turns is sent in the input
   * even with `historyByReference` (a reference names a session's first turns, not a window of
   * them): the window bounds that input. @defaultValue no limit: the whole stored history
   */
  limit?: ChatHistoryLimit | undefined;
};

/**
 * One chat turn as a durable run: loads the session from the Postgres store, runs the turn on the
 * fleet (the history goes with the run's input, so any worker can run it and a crash in the
 * middle resumes it), waits for the result and appends the turn. Another process that saved a
 * turn of the session meanwhile makes the append fail with `ChatSessionConflictError`; the run's
 * result stays available (`runs.result(runId)`), and a new send answers with both turns.
 * A turn in which a handoff gave the conversation to another agent is stored with that agent's
 * name (`ChatTurn.agent`), and the next turn starts with the worker's copy of it (`holder`), as a
 * chat session sends its next message to the agent holding the conversation.
 * @throws {@link DurableRunError} when the run failed or was cancelled (nothing is saved).
 * @throws {@link DurableChatHistoryError} with `historyByReference`, when the session's turns the
 * run was started with are gone (a `clear()` meanwhile; nothing is saved): send again.
 * @throws `UnknownHandoffAgentError` (`@gemloop/core/errors`) when the conversation is held by an
 * agent the worker does not know (nothing is saved), in a chat session's words: the session, the
 * agent, and how to go on. A chat session throws the same.
 */
export async function sendDurableChatTurn({
  runs,
  store,
  sessionId,
  agent,
  message,
  model,
  runId,
  generationConfig,
  historyByReference = false,
  limit,
}: SendDurableChatTurnOptions): Promise<DurableRunResult> {
  // Checked before the store is read, with a chat session's rules and messages.
  const window = checkChatHistoryLimit(limit, 'sendDurableChatTurn(): limit');
  // The newest turns the window needs (every turn without a limit), and how many come before.
  const { turns, olderTurns } = await storedTurns(store, sessionId, window);
  const input = typeof message === 'string' ? message : [...message];
  // The turns sent: all of them, or the window a chat session with this limit sends.
  const sent = await windowOf(turns, olderTurns, window, input);
  // The history as a chat session sends it (flat, or each turn with its model), and the agent
  // holding the conversation after a handoff (core's one reading of stored turns; the holder is
  // the last stored turn's, which a window of no turns does not send).
  const { history } = historyOfStoredTurns(sent, model);
  const { holder } = historyOfStoredTurns(turns.slice(-1), model);
  const keylessHistory = markedHistory(sent);
  const { runId: started } = await runs.start(agent, {
    runId: runId ?? turnRunId(sessionId, olderTurns + turns.length),
    input,
    // By reference only with turns to refer to: a first turn has none (its history is empty).
    history:
      historyByReference === true &&
      sent.length > 0 &&
      olderTurns === 0 &&
      sent.length === turns.length
        ? historyReferenceOf(store.table, sessionId, turns, model)
        : history,
    ...(holder === undefined ? {} : { holder }),
    ...(keylessHistory === undefined ? {} : { keylessHistory }),
    ...(generationConfig === undefined ? {} : { generationConfig }),
  });
  const result = await runs.result(started).catch((error: unknown) => {
    // The worker knows no agent by the holder's name: the same error as a chat session's, naming
    // the session and the fix (the run's own error, which names neither, is its cause).
    const cause = (error as { cause?: unknown } | undefined)?.cause;
    if (
      holder !== undefined &&
      UnknownHandoffAgentError.isInstance(cause) &&
      (cause as UnknownHandoffAgentError).agent === boundedName(holder)
    ) {
      throw unknownChatHolder(sessionId, holder, error);
    }
    // The worker found the referenced turns gone (historyByReference): the error naming the
    // session and the fix, as runs.result() throws it for a finished turn.
    if (DurableChatHistoryError.isInstance(cause)) throw cause;
    throw error;
  });
  const keylessFor = keylessMarkOf(result);
  const stored: MarkedTurn = {
    ...storedTurnOfRun({ result, turns, model, holder }),
    // The worker found no key in the run's result: this turn's contents hold none.
    ...(keylessFor === undefined ? {} : { keylessFor }),
  };
  await store.append(sessionId, stored);
  return result;
}

/** The stored turns a durable turn read: the newest ones, after `olderTurns` it did not read. */
type StoredTurns = { turns: MarkedTurn[]; olderTurns: number };

/**
 * The session's turns this durable turn needs. Without a limit: every turn (`load`), all sent.
 * With one, and a store that has `loadRecent`: the newest turns the window can send (at least the
 * last, which names the holder), and, when none of them carries the conversation's spend (turns an
 * older version wrote), twice as many again until one does or every turn is read: the stored
 * turn's spend goes on from the newest one, as from a full read. Everything is taken from one
 * read (the last), so the run id, the window and the store's next index agree. A session of
 * 20,000 turns then reads about the window each turn, not 20,000 rows.
 */
async function storedTurns(
  store: DurableChatStore,
  sessionId: string,
  window: ChatHistoryLimit | undefined,
): Promise<StoredTurns> {
  const bounded = window?.maxTurns !== undefined || window?.maxTokens !== undefined;
  if (window === undefined || !bounded || typeof store.loadRecent !== 'function') {
    return { turns: await store.load(sessionId), olderTurns: 0 };
  }
  let limit: ChatHistoryLimit =
    window.maxTurns === undefined ? window : { ...window, maxTurns: Math.max(1, window.maxTurns) };
  for (;;) {
    const recent = checkedRecent(await store.loadRecent(sessionId, limit), sessionId);
    if (recent.olderTurns === 0 || latestSessionSpend(recent.turns) !== undefined) return recent;
    limit = { maxTurns: Math.max(1, recent.turns.length) * 2 };
  }
}

/** `loadRecent`'s answer from a store of the caller's: a list of turns and a count before them. */
function checkedRecent(recent: unknown, sessionId: string): StoredTurns {
  const { turns, olderTurns } = (recent ?? {}) as { turns?: unknown; olderTurns?: unknown };
  if (
    !Array.isArray(turns) ||
    typeof olderTurns !== 'number' ||
    !Number.isSafeInteger(olderTurns) ||
    olderTurns < 0 ||
    (turns.length === 0 && olderTurns > 0)
  ) {
    throw new ChatStoreError({
      message: `The chat history store's loadRecent(${quoteId(sessionId)}) must return { turns, olderTurns }: a list of the newest turns (at least one when any is stored) and a whole number >= 0 of turns before them.`,
      operation: 'load',
      sessionId,
    });
  }
  return { turns: turns as MarkedTurn[], olderTurns };
}

/**
 * The stored turns a chat session with `limit` sends before `message`: core's window
 * (`selectHistory`, told of the `olderTurns` not read), the message measured as a chat session
 * measures it.
 */
async function windowOf(
  turns: ChatTurn[],
  olderTurns: number,
  limit: ChatHistoryLimit | undefined,
  message: string | Part[],
): Promise<ChatTurn[]> {
  if (limit === undefined) return turns;
  const { selectHistory } = await loadSelectHistory();
  const messageTokens =
    limit.maxTokens === undefined
      ? 0
      : estimateContentTokens([
          { role: 'user', parts: typeof message === 'string' ? [{ text: message }] : message },
        ]);
  const { droppedTurns } = selectHistory(turns, limit, messageTokens, olderTurns);
  const start = droppedTurns - olderTurns;
  return start === 0 ? turns : turns.slice(start);
}

/**
 * A stored turn with its mark: the fingerprint of the keys the turn's run found none of in its
 * result, this turn's contents included (keyless-history.ts).
 */
type MarkedTurn = ChatTurn & { keylessFor?: string | undefined };

/**
 * What the stored turns' marks say of the thread (durable-scan50): the contents of the leading
 * turns marked for the same keys held none of them, as each one's run found. The run of this turn
 * then scans its own contents, not the thread again (each turn scanned the whole thread:
 * quadratic over a conversation). From the first turn saved without that mark (a key was cut from
 * it, a chat session's, an older version's, one made for other keys) on, the thread is scanned,
 * as before. Each turn vouches for itself only: what a store holds before or after it (a clear, a
 * plain append of another writer) is never covered by another turn's mark.
 */
function markedHistory(
  turns: readonly MarkedTurn[],
): { contents: number; keys: string } | undefined {
  const keys = turns[0]?.keylessFor;
  if (typeof keys !== 'string' || keys === '') return undefined;
  let contents = 0;
  for (const turn of turns) {
    if (turn.keylessFor !== keys) break;
    contents += turn.contents.length;
  }
  return { contents, keys };
}
/**
 * The default run id of turn `index` of a session: `<sessionId>:turn-<index>`, or, when that is
 * past the run id limit (a session id near the store's own limit of the same size was refused by
 * `runs.start` as a run id the caller never gave), the session id's first 200 characters and its
 * SHA-256 in its place: the same for the same session and turn, another for another session.
 */
function turnRunId(sessionId: string, index: number): string {
  const suffix = `:turn-${index}`;
  const plain = `${sessionId}${suffix}`;
  if (Buffer.byteLength(plain) <= MAX_ID_BYTES) return plain;
  const digest = createHash('sha256').update(sessionId).digest('hex');
  // Whole characters (code points), so no half of a surrogate pair goes into the id.
  let head = '';
  for (const char of sessionId) {
    if (head.length + char.length > 200) break;
    head += char;
  }
  return `${head}#${digest}${suffix}`;
}

/** `name` as `UnknownHandoffAgentError` shows it (cut past 100 characters). */
function boundedName(name: string): string {
  return new UnknownHandoffAgentError({ agent: name }).agent;
}
