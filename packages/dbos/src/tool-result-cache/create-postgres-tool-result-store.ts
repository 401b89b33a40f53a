import {
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  integerOption,
} from '@gemloop/core/internal';
import {
  DEFAULT_TOOL_RESULT_ENTRY_BYTES,
  ToolResultCacheError,
  type ToolResultEntry,
  type ToolResultStore,
} from '@gemloop/core/tool-result-cache';
import type pg from 'pg';
import { inTransaction } from '../postgres/in-transaction.ts';
import { migrateTable } from '../postgres/migrate-table.ts';
import {
  connectionOptionChecks,
  type PostgresConnectionOptions,
  quoteTable,
  requireConnection,
  storePool,
} from '../postgres/store-connection.ts';
import { tableOnce } from '../postgres/table-once.ts';
import { DIGEST_MARK, rowKey, rowPrefix } from './row-key.ts';

/** @defaultValue of `maxEntries` of {@link createPostgresToolResultStore}: rows over every partition. */
export const DEFAULT_MAX_POSTGRES_TOOL_RESULTS: number = 10_000;

/** Options of {@link createPostgresToolResultStore}: a `pool` of yours, or a `connectionString`. */
export type CreatePostgresToolResultStoreOptions = PostgresConnectionOptions & {
  /** The table, optionally schema-qualified. @defaultValue `'gemloop_tool_results'` */
  table?: string | undefined;
  /**
   * The most entries the table holds, every partition together; past it the oldest written go
   * first. @defaultValue {@link DEFAULT_MAX_POSTGRES_TOOL_RESULTS}
   */
  maxEntries?: number | undefined;
  /**
   * The largest entry kept (UTF-8 bytes of its text); a larger one is refused with a
   * `ToolResultCacheError` (`reason: 'oversized'`), and a larger row (written by someone else)
   * reads as missing. @defaultValue 262144 (256 KiB)
   */
  maxEntryBytes?: number | undefined;
};

/** A {@link ToolResultStore} in Postgres, with `close()`. */
export type PostgresToolResultStore = ToolResultStore & {
  /** Ends the pool the store made (not a pool you gave). */
  close(): Promise<void>;
};

const options: DeclaredOptions<CreatePostgresToolResultStoreOptions> =
  defineOptions<CreatePostgresToolResultStoreOptions>({
    name: 'createPostgresToolResultStore',
    example: '{ connectionString } or { pool }',
    checks: {
      ...connectionOptionChecks('createPostgresToolResultStore'),
      maxEntries: integerOption({ min: 1 }),
      maxEntryBytes: integerOption({ min: 1 }),
    },
  });

/**
 * The fleet's store of a `toolResultCache({ scope: 'fleet', store, user })` (from
 * `@gemloop/core/tool-result-cache`): one table shared by every worker, so a document one worker
 * read for a user is served to that user's next run on any worker. One row per partition and key
 * (partitions are the cache's: `user:<id>`, `shared`); nothing is ever read across partitions.
 * A key or partition over 1 KiB (arguments a model pasted a page into), or one holding a NUL
 * (which Postgres text cannot), is kept by its head and a SHA-256 of the whole.
 *
 * Bounded: an entry over `maxEntryBytes` is refused, and the table never holds more than
 * `maxEntries` rows (writes are serialised by a transaction-scoped advisory lock, so concurrent
 * workers cannot overshoot it together; the oldest written go first).
 *
 * @throws {@link PostgresUnreachableError} from the first call when Postgres cannot be reached.
 * @example
 * ```ts
 * const store = createPostgresToolResultStore({ connectionString: process.env.DATABASE_URL! });
 * await agent.run(input, { plugins: [toolResultCache({ scope: 'fleet', store, user: userId, tools })] });
 * ```
 */
export function createPostgresToolResultStore(
  input: CreatePostgresToolResultStoreOptions,
): PostgresToolResultStore {
  // Each option read once (attack17): a `table` getter passed the identifier check and then gave
  // the SQL another name (`x"; DROP TABLE ...`), a bound getter another bound.
  const given = checkOptionsCopy(options, input);
  const {
    table = 'gemloop_tool_results',
    maxEntries = DEFAULT_MAX_POSTGRES_TOOL_RESULTS,
    maxEntryBytes = DEFAULT_TOOL_RESULT_ENTRY_BYTES,
  } = given;
  const ownPool = requireConnection('createPostgresToolResultStore', given);
  const pool = storePool(given);
  const quoted = quoteTable(table);

  const ensureTable = tableOnce(given.connectionString, `the tool result table ${table}`, () =>
    migrate(pool, quoted, table),
  );

  return {
    async get(partition, key) {
      await ensureTable();
      // The length is checked in the database: a row over the cap is never read whole.
      const { rows } = await pool.query<{
        tool_name: string;
        text: string;
        tags: string[];
        expires_at: string | null;
        digest: string;
      }>(
        `SELECT tool_name, text, tags, expires_at::text AS expires_at, digest FROM ${quoted}
         WHERE partition = $1 AND key = $2 AND octet_length(text) <= $3`,
        [rowKey(partition), rowKey(key), maxEntryBytes],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        toolName: row.tool_name,
        text: row.text,
        tags: row.tags,
        expiresAt: row.expires_at === null ? undefined : Number(row.expires_at),
        digest: row.digest,
      } satisfies ToolResultEntry;
    },
    async set(partition, key, entry) {
      const bytes = Buffer.byteLength(entry.text);
      if (bytes > maxEntryBytes)
        throw new ToolResultCacheError({
          reason: 'oversized',
          toolName: entry.toolName,
          bytes,
          limit: maxEntryBytes,
        });
      await ensureTable();
      await inTransaction(pool, async (client) => {
        // One write at a time per table: the row count is kept under the cap together.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `gemloop.tool_results:${table}`,
        ]);
        await client.query(
          `INSERT INTO ${quoted} (partition, key, tool_name, text, tags, expires_at, digest)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (partition, key) DO UPDATE SET tool_name = EXCLUDED.tool_name,
             text = EXCLUDED.text, tags = EXCLUDED.tags, expires_at = EXCLUDED.expires_at,
             digest = EXCLUDED.digest, seq = DEFAULT`,
          [
            rowKey(partition),
            rowKey(key),
            entry.toolName,
            entry.text,
            entry.tags.map(rowKey),
            entry.expiresAt ?? null,
            entry.digest,
          ],
        );
        await client.query(
          `DELETE FROM ${quoted} WHERE seq IN (
             SELECT seq FROM ${quoted} ORDER BY seq DESC OFFSET $1)`,
          [maxEntries],
        );
      });
    },
    async delete(partition, key) {
      await ensureTable();
      await pool.query(`DELETE FROM ${quoted} WHERE partition = $1 AND key = $2`, [
        rowKey(partition),
        rowKey(key),
      ]);
    },
    async invalidate(partition, { tags, prefixes }) {
      await ensureTable();
      // A long key's row holds its head (see rowKey): a prefix longer than the head matches a row
      // whose head it starts with, which may drop a long key it is not a prefix of (a miss
      // later), never keep one it is.
      const { rowCount } = await pool.query(
        `DELETE FROM ${quoted} WHERE partition = $1 AND (tags && $2::text[]
           OR EXISTS (SELECT 1 FROM unnest($3::text[]) AS prefix WHERE left(key, length(prefix)) = prefix
             OR (strpos(key, $4) > 0 AND left(prefix, strpos(key, $4) - 1) = left(key, strpos(key, $4) - 1))))`,
        [rowKey(partition), tags.map(rowKey), prefixes.map(rowPrefix), DIGEST_MARK],
      );
      return rowCount ?? 0;
    },
    async close() {
      if (ownPool) await pool.end();
    },
  };
}

/** The table's layout (`gemloop_schema_versions`, name `tool_results:<table>`): version 1. */
function migrate(pool: pg.Pool, quoted: string, table: string): Promise<void> {
  return migrateTable(pool, {
    name: `tool_results:${table}`,
    label: `tool result table ${table}`,
    steps: [
      (client) =>
        client.query(
          `CREATE TABLE IF NOT EXISTS ${quoted} (
             partition text NOT NULL,
             key text NOT NULL,
             tool_name text NOT NULL,
             text text NOT NULL,
             tags text[] NOT NULL,
             expires_at bigint,
             digest text NOT NULL,
             seq bigserial NOT NULL,
             PRIMARY KEY (partition, key))`,
        ),
    ],
  });
}
