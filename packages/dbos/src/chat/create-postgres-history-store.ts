import type {
  ChatHistoryLimit,
  ChatTurn,
  HistoryStore,
  HistoryStoreContext,
  RecentChatTurns,
} from '@gemloop/core/chat';
import { ChatStoreError } from '@gemloop/core/errors';
import {
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  readCost,
  readInteractionId,
  readSessionSpend,
} from '@gemloop/core/internal';
import type pg from 'pg';
import { quoteId } from '../errors/quote-id.ts';
import { checkId } from '../postgres/check-id.ts';
import { jsonbCanHold } from '../postgres/jsonb-can-hold.ts';
import { migrateTable } from '../postgres/migrate-table.ts';
import {
  connectionOptionChecks,
  type PostgresConnectionOptions,
  quoteTable,
  requireConnection,
  storePool,
} from '../postgres/store-connection.ts';
import { tableOnce } from '../postgres/table-once.ts';
import { ChatSessionConflictError } from './chat-session-conflict-error.ts';
import { type HistoryReference, historyReferenceOf } from './history-reference.ts';

/** Options of {@link createPostgresHistoryStore}: a `pool` of yours, or a `connectionString`. */
export type CreatePostgresHistoryStoreOptions = PostgresConnectionOptions & {
  /** The table, optionally schema-qualified (`chat.turns`). @defaultValue `'gemloop_chat_turns'` */
  table?: string | undefined;
};

/**
 * A {@link HistoryStore} in Postgres, made by {@link createPostgresHistoryStore} (its methods
 * return promises and need no context when called directly).
 */
export type PostgresHistoryStore = {
  /** The table it keeps the turns in, as given (`'gemloop_chat_turns'` unless told). */
  readonly table: string;
  load(id: string, context?: HistoryStoreContext): Promise<ChatTurn[]>;
  /**
   * The newest turns of `id` that `limit` can send, and how many stored turns come before them
   * (`HistoryStore.loadRecent`): read newest first through the table's primary key, at most
   * `limit.maxTurns` rows (at least one), or pages until their `tokenCount`s pass
   * `limit.maxTokens`, so a session of thousands of turns reads about the window, not its history.
   * `olderTurns` is the oldest row's `turn_index` (the store numbers a session's turns from 0,
   * one by one); when the rows read show that numbering broken (the session's first row is not
   * turn 0, or a gap in the rows read: a process that loaded before a `clear()` appended after
   * it), every turn is read, as `load` reads them, and `olderTurns` is 0. A gap below the rows
   * read is not seen. A chat session with a `limit` and `sendDurableChatTurn({ limit })` call it.
   */
  loadRecent(
    id: string,
    limit: ChatHistoryLimit,
    context?: HistoryStoreContext,
  ): Promise<RecentChatTurns & { turns: ChatTurn[] }>;
  append(id: string, turn: ChatTurn, context?: HistoryStoreContext): Promise<void>;
  clear(id: string, context?: HistoryStoreContext): Promise<void>;
  /**
   * Forgets what the store counted for a session (`chat.close()` calls it): the next send loads
   * its history again. Nothing in the table changes.
   */
  release(id: string, context?: HistoryStoreContext): void;
  /** Ends the pool the store made (not a pool you gave). */
  close(): Promise<void>;
  /**
   * The reference a durable run's input names `turns` by instead of holding them: the first
   * `turns.length` turns of session `id` in this store's table, with the SHA-256 digest of the
   * history they give for `model` (as `load` returned them; nothing is read or written). The A2A
   * door's `durable.historyByReference` (`@gemloop/serve/a2a`) sends it, taking the store by its
   * shape (serve does not import this package); the worker reads those turns back from the
   * fleet's database and refuses other ones (`DurableChatHistoryError`).
   */
  historyReference(
    id: string,
    turns: readonly ChatTurn[],
    model: string | undefined,
  ): HistoryReference;
};

type TurnRow = {
  turn_index: number;
  /** Checked by {@link toTurn}: any JSON a hand edit left. `null` when `turn_text` holds it. */
  turn: unknown;
  /** The turn's JSON text, for a turn `jsonb` cannot hold (see {@link jsonbCanHold}). */
  turn_text: string | null;
  cost: unknown;
  interaction_id: unknown;
};

const postgresStoreOptions: DeclaredOptions<CreatePostgresHistoryStoreOptions> =
  defineOptions<CreatePostgresHistoryStoreOptions>({
    name: 'createPostgresHistoryStore',
    example: '{ connectionString } or { pool }',
    checks: connectionOptionChecks('createPostgresHistoryStore'),
  });

/**
 * A {@link HistoryStore} in Postgres: one row per turn, `(session_id, turn_index)` its primary
 * key, the turn as `jsonb` (contents verbatim, thought signatures and call ids included, with the
 * model, token count and time), its cost and last Interactions API interaction id in columns of
 * their own (`cost`, `interaction_id`). A turn `jsonb` cannot hold (a string with a NUL or a
 * lone surrogate, which Postgres refuses) is kept as its JSON text in `turn_text` instead, its
 * `turn` `NULL`: nothing is lost. Each append is one `INSERT`, atomic by itself. The table is
 * created (or migrated) at the first call, under an advisory lock so processes that start
 * together do not race.
 *
 * **Several processes on one session: typed conflict, not a lock.** A send loads the history,
 * runs the model, then appends its turn; the store remembers how many turns the load saw and
 * appends at exactly that index. If another process appended in between, the primary key refuses
 * the row and the send fails with a `ChatStoreError` caused by a {@link ChatSessionConflictError}
 * (its `result` holds the answer, nothing is lost): this turn was answered without the other
 * one, and saving it would interleave two conversations. Send again (see
 * `isChatSessionConflict`). Serialising with a lock instead would hold a connection and a lock
 * for the whole model call (seconds to minutes) and leave it held when a send fails between load
 * and append, which the store cannot see.
 *
 * `clear()` is not fenced: a process that loaded before a clear may append after it.
 *
 * A session id is at most 1024 UTF-8 bytes, without NUL characters: `load`, `append` and `clear`
 * refuse another with an `InvalidArgumentError` (argument `id`) before any statement.
 *
 * @throws {@link PostgresUnreachableError} from the first call when Postgres cannot be reached.
 * @example
 * ```ts
 * const store = createPostgresHistoryStore({ connectionString: process.env.DATABASE_URL! });
 * const chat = createChatSession({ agent, store, id: 'user-42' });
 * ```
 */
export function createPostgresHistoryStore(
  given: CreatePostgresHistoryStoreOptions,
): PostgresHistoryStore {
  // Each option read once (attack17): a `table` getter passed the identifier check and then gave
  // the SQL another name (`x"; DROP TABLE ...`), a bound getter another bound.
  const options = checkOptionsCopy(postgresStoreOptions, given);
  const { table = 'gemloop_chat_turns' } = options;
  const ownPool = requireConnection('createPostgresHistoryStore', options);
  const pool = storePool(options);
  const quoted = quoteTable(table);
  // Turns this store loaded per session: the index the next append must take.
  const nextIndex = new Map<string, number>();

  const ensureTable = tableOnce(options.connectionString, `the chat history table ${table}`, () =>
    migrate(pool, quoted, table),
  );

  const load = async (id: string): Promise<ChatTurn[]> => {
    checkSessionId(id);
    await ensureTable();
    const { rows } = await pool.query<TurnRow>(
      `SELECT turn_index, turn, turn_text, cost, interaction_id FROM ${quoted} WHERE session_id = $1 ORDER BY turn_index`,
      [id],
    );
    const last = rows[rows.length - 1];
    nextIndex.set(id, last === undefined ? 0 : last.turn_index + 1);
    return rows.map((row) => toTurn(row, id, table));
  };

  return {
    table,
    load,
    async loadRecent(id, limit) {
      checkSessionId(id);
      await ensureTable();
      const rows = await newestRows(pool, quoted, id, limit);
      const first = rows[0];
      const last = rows[rows.length - 1];
      if (first === undefined || last === undefined) {
        nextIndex.set(id, 0);
        return { turns: [], olderTurns: 0 };
      }
      if (!(await numberedFromZero(pool, quoted, id, rows))) {
        return { turns: await load(id), olderTurns: 0 };
      }
      nextIndex.set(id, last.turn_index + 1);
      return {
        turns: rows.map((row) => toTurn(row, id, table)),
        olderTurns: first.turn_index,
      };
    },
    async append(id, turn) {
      checkSessionId(id);
      await ensureTable();
      const { cost, interactionId, ...rest } = turn;
      const json = JSON.stringify(rest);
      const stored = jsonbCanHold(json) ? ([json, null] as const) : ([null, json] as const);
      const columns = [
        cost === undefined ? null : JSON.stringify(cost),
        interactionId ?? null,
      ] as const;
      const expected = nextIndex.get(id);
      try {
        if (expected === undefined) {
          // No load by this store: append after whatever is there (a plain log append).
          const index = await appendAtEnd(pool, quoted, id, stored, columns);
          nextIndex.set(id, index + 1);
          return;
        }
        await pool.query(
          `INSERT INTO ${quoted} (session_id, turn_index, turn, turn_text, cost, interaction_id)
           VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, $6)`,
          [id, expected, ...stored, ...columns],
        );
        nextIndex.set(id, expected + 1);
      } catch (error) {
        if ((error as { code?: unknown }).code !== '23505' || expected === undefined) throw error;
        // Forget the stale count: the next send loads again.
        nextIndex.delete(id);
        throw new ChatSessionConflictError({
          message: `Another process saved turn ${expected} of chat session ${quoteId(id)} after this send loaded the history; this turn was answered without it and is not saved. Send the message again.`,
          sessionId: id,
          expectedTurn: expected,
        });
      }
    },
    async clear(id) {
      checkSessionId(id);
      await ensureTable();
      await pool.query(`DELETE FROM ${quoted} WHERE session_id = $1`, [id]);
      nextIndex.delete(id);
    },
    // A closed session's count goes (`chat.close()`): a server that chats with many users kept
    // one entry per session id it ever loaded. Its next send loads the history again anyway.
    release(id) {
      nextIndex.delete(id);
    },
    async close() {
      if (ownPool) await pool.end();
    },
    historyReference(id, turns, model) {
      checkSessionId(id);
      return historyReferenceOf(table, id, turns, model);
    },
  };
}

/**
 * The first `count` turns of session `sessionId` in `table`, read as {@link createPostgresHistoryStore}'s
 * `load` reads them (the same row decoding, so the same turns give the same JSON), through a pool
 * of the caller's: a durable worker's or runs client's own pool on the fleet's database. Neither
 * creates nor migrates the table (the store that wrote the turns did): `undefined` when it is
 * missing; a `ChatStoreError` naming the session for a table that is no store's, or a row that is
 * no turn. @internal
 */
export async function readLeadingTurns(
  pool: pg.Pool,
  table: string,
  sessionId: string,
  count: number,
): Promise<ChatTurn[] | undefined> {
  try {
    const { rows } = await pool.query<TurnRow>(
      `SELECT turn_index, turn, turn_text, cost, interaction_id FROM ${quoteTable(table)} WHERE session_id = $1 AND turn_index < $2 ORDER BY turn_index`,
      [sessionId, count],
    );
    return rows.map((row) => toTurn(row, sessionId, table));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // undefined_table: the store is in another database (or was never used on this one).
    if (code === '42P01') return undefined;
    // undefined_column: a table that is no chat store's (a run's input names any table); without
    // this the run failed with Postgres's bare "column ... does not exist", naming no session.
    if (code === '42703') {
      throw new ChatStoreError({
        message: `Table ${table} is not a chat store's table (it lacks the columns createPostgresHistoryStore writes), so chat session "${sessionId}" cannot be read from it: name the table the session's store was created with.`,
        operation: 'load',
        sessionId,
      });
    }
    throw error;
  }
}

/** The first page of a `maxTokens` read without `maxTurns`; each next page is twice as long. */
const FIRST_TOKEN_PAGE = 32;

/**
 * The newest rows of session `id` that `limit` can send, oldest first: `limit.maxTurns` of them
 * (at least one: a durable turn reads its holder and spend from the last), or pages read newest
 * first (backwards through the `(session_id, turn_index)` primary key) until their `tokenCount`s
 * add up past `limit.maxTokens`, a turn without one counting 0 (`HistoryStore.loadRecent`'s
 * contract: more is always correct).
 */
async function newestRows(
  pool: pg.Pool,
  quoted: string,
  id: string,
  limit: ChatHistoryLimit,
): Promise<TurnRow[]> {
  const { maxTurns, maxTokens } = limit;
  const newest: TurnRow[] = [];
  let page = maxTurns === undefined ? FIRST_TOKEN_PAGE : Math.max(1, maxTurns);
  let tokens = 0;
  for (;;) {
    const before = newest.at(-1)?.turn_index ?? null;
    const { rows } = await pool.query<TurnRow>(
      `SELECT turn_index, turn, turn_text, cost, interaction_id FROM ${quoted}
       WHERE session_id = $1 AND ($2::integer IS NULL OR turn_index < $2)
       ORDER BY turn_index DESC LIMIT $3`,
      [id, before, page],
    );
    newest.push(...rows);
    if (rows.length < page || maxTurns !== undefined || maxTokens === undefined) break;
    for (const row of rows) tokens += rowTokens(row);
    if (tokens > maxTokens) break;
    page *= 2;
  }
  return newest.reverse();
}

/** A row's `tokenCount` as the turn stores it, 0 without one (read as `toTurn` reads it). */
function rowTokens(row: TurnRow): number {
  const stored: unknown = row.turn_text === null ? row.turn : parseTurnText(row.turn_text);
  const count = (stored as { tokenCount?: unknown } | null)?.tokenCount;
  return typeof count === 'number' && Number.isFinite(count) && count > 0 ? count : 0;
}

/**
 * Whether `rows` (oldest first) are numbered as the store numbers a session's turns, so the
 * oldest one's `turn_index` counts the turns before it: one after another, and the session's
 * first row is turn 0 (one more row read, through the primary key).
 */
async function numberedFromZero(
  pool: pg.Pool,
  quoted: string,
  id: string,
  rows: readonly TurnRow[],
): Promise<boolean> {
  for (let index = 1; index < rows.length; index++) {
    if ((rows[index] as TurnRow).turn_index !== (rows[index - 1] as TurnRow).turn_index + 1) {
      return false;
    }
  }
  if (rows[0]?.turn_index === 0) return true;
  const { rows: first } = await pool.query<{ turn_index: number }>(
    `SELECT turn_index FROM ${quoted} WHERE session_id = $1 ORDER BY turn_index LIMIT 1`,
    [id],
  );
  return first[0]?.turn_index === 0;
}

/**
 * Refuses a session id Postgres cannot hold or index (see {@link checkId}), before any statement:
 * a NUL failed every call with "invalid byte sequence for encoding UTF8: 0x00", and a long id the
 * primary key's index ("index row size exceeds maximum").
 */
function checkSessionId(id: unknown): void {
  checkId(id, 'id', 'chat session id');
}

/** The longest agent name read back from a row (a name is a tool-name segment: 128 at most). */
const MAX_AGENT_NAME = 128;

/** How often a plain append reads the end again after another writer took that index. */
const PLAIN_APPEND_ATTEMPTS = 50;

/**
 * Inserts `stored` after the session's last turn and returns its index. Two writers can read the
 * same last index (each statement sees the rows committed when it started, Postgres's Read
 * Committed), so the second one's insert hits the primary key (23505); a plain append expects
 * no particular index, so it reads the end again rather than fail.
 */
async function appendAtEnd(
  pool: pg.Pool,
  quoted: string,
  id: string,
  stored: readonly [turn: string | null, turnText: string | null],
  columns: readonly [cost: string | null, interactionId: string | null],
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { rows } = await pool.query<{ turn_index: number }>(
        `INSERT INTO ${quoted} (session_id, turn_index, turn, turn_text, cost, interaction_id)
         SELECT $1, COALESCE(MAX(turn_index) + 1, 0), $2::jsonb, $3, $4::jsonb, $5 FROM ${quoted} WHERE session_id = $1
         RETURNING turn_index`,
        [id, ...stored, ...columns],
      );
      return rows[0]?.turn_index ?? 0;
    } catch (error) {
      if ((error as { code?: unknown }).code !== '23505' || attempt >= PLAIN_APPEND_ATTEMPTS)
        throw error;
    }
  }
}

/**
 * The table's layout, each step run once on an older table (its version recorded in
 * `gemloop_schema_versions`, name `chat:<table>`, in the same transaction):
 * 1. the table: `(session_id, turn_index)` and the turn as `jsonb`;
 * 2. columns `cost` (`jsonb`, the turn's `Cost`) and `interaction_id` (`text`, its last
 *    Interactions API interaction), kept beside the turn so they can be read and summed in SQL.
 *    Rows written before have neither: they read as turns of unknown cost, sent whole;
 * 3. column `turn_text` (`text`), `turn` nullable: a turn `jsonb` cannot hold (a NUL, a lone
 *    surrogate) is its JSON text there and `NULL` in `turn`. Rows written before keep `turn`.
 *    A table at this layout is refused by older versions of the package (they would read such a
 *    row as not a turn), as every newer layout is.
 */
function migrate(pool: pg.Pool, quoted: string, table: string): Promise<void> {
  return migrateTable(pool, {
    name: `chat:${table}`,
    label: `chat table ${table}`,
    steps: [
      (client) =>
        client.query(
          `CREATE TABLE IF NOT EXISTS ${quoted} (
             session_id text NOT NULL,
             turn_index integer NOT NULL,
             turn jsonb NOT NULL,
             created_at timestamptz NOT NULL DEFAULT now(),
             PRIMARY KEY (session_id, turn_index))`,
        ),
      (client) =>
        client.query(
          `ALTER TABLE ${quoted} ADD COLUMN IF NOT EXISTS cost jsonb, ADD COLUMN IF NOT EXISTS interaction_id text`,
        ),
      (client) =>
        client.query(
          `ALTER TABLE ${quoted} ADD COLUMN IF NOT EXISTS turn_text text, ALTER COLUMN turn DROP NOT NULL`,
        ),
    ],
  });
}

/**
 * A row as a turn. The row is hostile bytes (another writer, a hand edit): a `turn` that is not
 * an object with a `contents` array of `{ parts: [...] }` is refused with a {@link ChatStoreError}
 * naming the row (`null` failed on a TypeError, and a string or array was spread into a turn of
 * its characters and handed to the model as history). Its cost is kept only when every amount
 * is a dollar decimal, its interaction id only when it looks like one; a turn of a version-1 row
 * (or with a malformed cost) has no `cost`: its cost is unknown, never wrong. The turn's own JSON
 * never carries them (written beside it), so one left in it is dropped. Its `model`, `agent`,
 * `tokenCount` and `createdAt` are kept only with the types a turn gives them.
 */
function toTurn(row: TurnRow, sessionId: string, table: string): ChatTurn {
  const stored: unknown = row.turn_text === null ? row.turn : parseTurnText(row.turn_text);
  const contents = (stored as { contents?: unknown } | null)?.contents;
  if (
    typeof stored !== 'object' ||
    stored === null ||
    Array.isArray(stored) ||
    !Array.isArray(contents) ||
    !contents.every(
      (content: unknown) =>
        typeof content === 'object' &&
        content !== null &&
        Array.isArray((content as { parts?: unknown }).parts),
    )
  ) {
    throw new ChatStoreError({
      message: `Turn ${row.turn_index} of chat session "${sessionId}" in table ${table} is not a turn: its "turn" column (or "turn_text", when set) must be a JSON object whose "contents" is an array of { role, parts } contents. Fix or delete that row, or clear() the session to start the conversation over.`,
      operation: 'load',
      sessionId,
    });
  }
  const {
    cost: _cost,
    interactionId: _interactionId,
    sessionSpend: storedSpend,
    model,
    agent,
    tokenCount,
    createdAt,
    ...turn
  } = stored as Record<keyof ChatTurn, unknown>;
  const cost = readCost(row.cost);
  const interactionId = readInteractionId(row.interaction_id);
  // The conversation's usage and cost so far, in the turn's JSON: a row without it (written
  // before) or with a malformed one reads without it, and a session on it starts from zero.
  const sessionSpend = readSessionSpend(storedSpend);
  // Read as the file store reads its lines (core's `history-file.ts`): a field of the wrong type
  // is absent. Passed on, `agent: 5` became the holder of every later turn the session saved, and
  // a string `createdAt` reached the caller typed as a number.
  return {
    ...(turn as Pick<ChatTurn, 'contents'>),
    ...(typeof tokenCount === 'number' ? { tokenCount } : {}),
    ...(typeof createdAt === 'number' ? { createdAt } : {}),
    ...(typeof model === 'string' && model !== '' ? { model } : {}),
    ...(typeof agent === 'string' && agent !== '' && agent.length <= MAX_AGENT_NAME
      ? { agent }
      : {}),
    ...(cost === undefined ? {} : { cost }),
    ...(sessionSpend === undefined ? {} : { sessionSpend }),
    ...(interactionId === undefined ? {} : { interactionId }),
  };
}

/** A row's `turn_text` parsed, or `undefined` (refused as not a turn) when a hand edit broke it. */
function parseTurnText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
