import type { HistoryTurn } from '../history/history-turn.ts';
import type { Logger } from '../logging/logger.ts';
import type { Cost } from '../models/cost.ts';
import type { Content } from '../wire/content.ts';
import type { ChatHistoryLimit } from './chat-history-limit.ts';
import type { ChatSessionSpend } from './session-spend.ts';

/**
 * One send of a chat, as stored: the user's message and every content the run added after it
 * (model turns with their thought signatures and call ids, function-response turns), verbatim and
 * in order.
 *
 * It is the unit of storage and of history limits. A turn starts with the user's message and
 * never ends between a function call and its response, so any run of whole turns, oldest ones
 * dropped, is a history the API accepts.
 */
export type ChatTurn = {
  contents: Content[];
  /**
   * Tokens of `contents`: measured from the run's `usageMetadata` when it reported them, else a
   * cheap estimate. Used by `limit.maxTokens`; a store may drop it (it is then estimated).
   */
  tokenCount?: number | undefined;
  /** When the send completed, in ms since the epoch. */
  createdAt?: number | undefined;
  /**
   * The model that produced the turn (the agent's `model`), kept next to the contents, never in
   * them. Thought signatures are bound to it: a session whose agent has another model sends this
   * turn without them (see `CreateChatSessionOptions.turnsWithoutModel` for turns stored without
   * it). A stored turn is a {@link HistoryTurn}: `agent.run(input, { history: turns })` takes it.
   */
  model?: string | undefined;
  /**
   * What the turn's run cost (exact decimal strings of US dollars; see `Cost` in
   * `@gemloop/core/models`), for display; a store may drop it.
   */
  cost?: Cost | undefined;
  /**
   * What the conversation had spent when this turn was saved: usage and cost summed over every
   * send until then, failed ones and this one included. A session reopened on the store (another
   * process, a restart) starts its `usage` and `cost` from the newest turn's. A store should keep
   * it; a turn without it (saved by an older gemloop, or a store that drops it) still loads, and
   * a session on such a history starts from zero.
   */
  sessionSpend?: ChatSessionSpend | undefined;
  /**
   * The last Interactions API interaction of the turn's run (an agent on `api: interactionsApi()`
   * whose server keeps state, `store`): the next send continues the conversation from it with
   * `previous_interaction_id`, sending only what is new, even from another process or after a
   * restart. Absent on the `generateContent` API; a store may drop it (the next send then sends
   * the history whole, as steps).
   */
  interactionId?: string | undefined;
  /**
   * The agent that holds the conversation after this turn, when a handoff (`handoff()` of
   * `@gemloop/core/composition`) gave it to another agent than the session's: the next send goes
   * to that agent (a name no handoff of the session's agent reaches fails the send with
   * `UnknownHandoffAgentError`). Absent while the session's own agent holds it.
   */
  agent?: string | undefined;
};

/** What a {@link HistoryStore} gets with every call. */
export type HistoryStoreContext = {
  /** The session's logger, for warnings such as a torn last record ignored. */
  logger: Logger;
  /** Given to `load` only: a save is never aborted once the run it records has completed. */
  signal?: AbortSignal | undefined;
};

/** What {@link HistoryStore.loadRecent} returns: a session's newest turns and how many come before. */
export type RecentChatTurns = {
  /** The newest stored turns, oldest first. */
  turns: readonly ChatTurn[];
  /** How many stored turns come before `turns` (not returned). Exact: it is part of `droppedTurns`. */
  olderTurns: number;
};

/**
 * Where chat sessions keep their turns: an in-memory map, a JSON-lines file, Redis, a database.
 *
 * The contract is an append-only log of {@link ChatTurn}s per session id:
 *
 * - `load(id)` returns every turn stored under `id`, oldest first (`[]` for an unknown id).
 * - `append(id, turn)` adds one turn **atomically**: after a crash or a failure it is stored
 *   whole or not at all, never in part. Store the turn as one record (one list entry, one row,
 *   one line) and this holds without transactions.
 * - `clear(id)` forgets every turn of `id`.
 *
 * Why an append of whole turns rather than a replace of the whole history: a turn is the only
 * unit that is consistent on its own (a function call is never separated from its response), so
 * atomicity is needed per turn and no more; one record per turn makes that a single write in any
 * backend; and a save costs the size of the turn, not of the conversation. Turns must be kept
 * verbatim (signatures and ids included): Gemini 3 refuses a history whose thought signatures
 * were lost. Keep `model` too: it tells a session on another model which signatures to leave out.
 *
 * A session never calls two methods for the same id at once (its calls go through one queue per
 * store and id in the process). Writers in other processes are the store's concern.
 *
 * @example
 * ```ts
 * const redisStore: HistoryStore = {
 *   load: async (id) => (await redis.lRange(`chat:${id}`, 0, -1)).map((line) => JSON.parse(line)),
 *   append: async (id, turn) => void (await redis.rPush(`chat:${id}`, JSON.stringify(turn))),
 *   clear: async (id) => void (await redis.del(`chat:${id}`)),
 * };
 * ```
 */
export interface HistoryStore {
  load(
    id: string,
    context: HistoryStoreContext,
  ): readonly ChatTurn[] | Promise<readonly ChatTurn[]>;
  /**
   * Optional: the newest turns of `id`, for a send whose `limit` bounds the history sent, so a
   * long history need not be read and held whole (a file read from its end, `LRANGE key -n -1`,
   * `ORDER BY seq DESC LIMIT n`). Return every turn, or at least the newest `limit.maxTurns`, or
   * at least the newest whose `tokenCount`s add up to more than `limit.maxTokens` (a turn without
   * one counting 0 here); more is always correct. `olderTurns` counts the turns left out, exactly.
   * Without it, a session calls `load`.
   */
  loadRecent?(
    id: string,
    limit: ChatHistoryLimit,
    context: HistoryStoreContext,
  ): RecentChatTurns | Promise<RecentChatTurns>;
  append(id: string, turn: ChatTurn, context: HistoryStoreContext): void | Promise<void>;
  clear(id: string, context: HistoryStoreContext): void | Promise<void>;
  /**
   * Optional: the session of `id` is closed (`chat.close()`, or a send that found its agent closed),
   * after its last queued call. Drop what is held for it: a lock, a cached history, a connection.
   * A later call on `id` may follow (the session is used again); open what it needs then.
   */
  release?(id: string, context: HistoryStoreContext): void | Promise<void>;
}
