import { InvalidArgumentError } from '@gemloop/core';
import {
  checkMemoryRecord,
  checkOptionsCopy,
  createVectorStore,
  type DeclaredOptions,
  defineOptions,
  type EmbeddedMemory,
  functionOption,
  integerOption,
} from '@gemloop/core/internal';
import {
  MemoryError,
  type MemoryOperation,
  type MemoryStore,
  type VectorStoreOptions,
} from '@gemloop/core/memory';
import type pg from 'pg';
import { isConnectionError, toUnreachableError } from '../errors/check-postgres.ts';
import { inTransaction } from '../postgres/in-transaction.ts';
import { migrateTable } from '../postgres/migrate-table.ts';
import {
  connectionOptionChecks,
  type PostgresConnectionOptions,
  quoteTable,
  requireConnection,
  storePool,
} from '../postgres/store-connection.ts';

/** Options of {@link createPostgresMemoryStore}: a `pool` of yours, or a `connectionString`. */
export type CreatePostgresMemoryStoreOptions = PostgresConnectionOptions &
  VectorStoreOptions & {
    /** The table, optionally schema-qualified. @defaultValue `'gemloop_memories'` */
    table?: string | undefined;
  };

/** A {@link MemoryStore} in Postgres, with `close()`. */
export type PostgresMemoryStore = MemoryStore & {
  /** Ends the pool the store made (not a pool you gave). */
  close(): Promise<void>;
};

const options: DeclaredOptions<CreatePostgresMemoryStoreOptions> =
  defineOptions<CreatePostgresMemoryStoreOptions>({
    name: 'createPostgresMemoryStore',
    example: '{ connectionString } or { pool }',
    checks: {
      ...connectionOptionChecks('createPostgresMemoryStore'),
      maxMemoriesPerScope: integerOption({ min: 1 }),
      generateId: functionOption(
        'createPostgresMemoryStore: generateId must be a function () => string.',
      ),
      now: functionOption(
        'createPostgresMemoryStore: now must be a function () => number (milliseconds).',
      ),
    },
  });

type Row = {
  id: unknown;
  scope: unknown;
  kind: unknown;
  text: unknown;
  created_at: unknown;
  updated_at: unknown;
  metadata: unknown;
  embedding: unknown;
};

/**
 * A row as a memory, checked as a memory file's line is (`checkMemoryRecord`): the table may hold
 * rows another program wrote (a NaN or NULL in the embedding, metadata that is an array), which
 * would rank NaN first or hand a caller fields of the wrong type. A row that is not a memory fails
 * the call with a {@link MemoryError} naming the table and the row's id, never its text; it is not
 * skipped, as the bound and `deleteAll` count it.
 */
function toRecord(row: Row, table: string, operation: MemoryOperation): EmbeddedMemory {
  const record = checkMemoryRecord({
    id: row.id,
    scope: row.scope,
    kind: row.kind,
    text: row.text,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.metadata === null ? {} : { metadata: row.metadata }),
    embedding: row.embedding,
  });
  if (typeof record !== 'string') return record;
  const id = typeof row.id === 'string' ? JSON.stringify(row.id.slice(0, 80)) : 'without an id';
  throw new MemoryError({
    operation,
    message: `The memory table ${table} holds a row that gemloop did not write: the row ${id} has ${record}. Fix or delete that row; the store reads no scope that holds it.`,
  });
}

// JSON.stringify writes a NUL as `\u0000`, the escape jsonb refuses; one after an odd number of
// backslashes is a written backslash followed by the text "u0000", which jsonb keeps.
const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;

/**
 * Throws an {@link InvalidArgumentError} naming `argument` when `value` holds a NUL: Postgres text
 * and jsonb refuse one, and the driver's raw error ("invalid byte sequence for encoding UTF8:
 * 0x00") said neither which argument nor how to fix it (attack32). The other stores keep a NUL.
 */
function refuseNul(value: string, argument: 'scope' | 'text' | 'metadata'): void {
  const at = argument === 'metadata' ? (NUL_ESCAPE.exec(value)?.index ?? -1) : value.indexOf('\0');
  if (at < 0) return;
  throw new InvalidArgumentError({
    argument,
    message: `A memory ${argument === 'scope' ? 'scope (the user id)' : argument} for the Postgres memory store holds a NUL character${argument === 'metadata' ? '' : ` (at index ${at})`}, which Postgres cannot store. Remove it, or encode the value (hex, base64url).`,
  });
}

/**
 * A `MemoryStore` (`@gemloop/core/memory`) in Postgres: one row per memory, the embedding in a
 * `double precision[]` column, and an exact cosine search done by gemloop over the user's rows.
 * That search reads every memory of the scope, so it is bounded by `maxMemoriesPerScope` (1000 by
 * default: about 6 MB of 768-number vectors read per recall); past it the least recently changed
 * memory of the user goes. It needs no extension, so it runs on any Postgres (the embedded one
 * of the tests has no pgvector). For more memories per user, use pgvector on your own Postgres
 * with your own `MemoryStore` (docs/long-term-memory.md shows one).
 *
 * Each call is one transaction holding an advisory lock on the scope, so concurrent writers of
 * one user (several workers) never lose a change or overshoot the bound. The table is created (or
 * migrated) at the first call.
 *
 * @example
 * ```ts
 * const memory = createMemory({
 *   store: createPostgresMemoryStore({ connectionString: process.env.DATABASE_URL! }),
 *   embed: geminiEmbed({ gemini }),
 * });
 * ```
 * @throws {@link InvalidArgumentError} for bad options.
 * @throws {@link PostgresUnreachableError} from the first call when Postgres cannot be reached.
 */
export function createPostgresMemoryStore(
  input: CreatePostgresMemoryStoreOptions,
): PostgresMemoryStore {
  // Each option read once (attack17): a `table` getter passed the identifier check and then gave
  // the SQL another name (`x"; DROP TABLE ...`), a bound getter another bound.
  const given = checkOptionsCopy(options, input);
  const { table = 'gemloop_memories', ...storeOptions } = given;
  const ownPool = requireConnection('createPostgresMemoryStore', given);
  const pool = storePool(given);
  const quoted = quoteTable(table);
  let ready: Promise<void> | undefined;
  const ensureTable = (): Promise<void> =>
    (ready ??= migrate(pool, quoted, table).catch((error: unknown) => {
      ready = undefined;
      throw given.connectionString !== undefined && isConnectionError(error)
        ? toUnreachableError(error, given.connectionString, `the memory table ${table}`)
        : error;
    }));
  const store = createVectorStore(
    {
      async transact(scope, operation, change) {
        refuseNul(scope, 'scope');
        await ensureTable();
        return inTransaction(pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
            `gemloop.memories:${table}:${scope}`,
          ]);
          const { rows } = await client.query<Row>(
            `SELECT id, scope, kind, text, metadata, embedding,
                    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
                    to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
             FROM ${quoted} WHERE scope = $1 ORDER BY seq`,
            [scope],
          );
          const before = rows.map((row) => toRecord(row, table, operation));
          const { records, value } = change(before);
          if (records !== undefined) {
            // The records the change kept as they were are the very objects it was given.
            const unchanged = new Set(before);
            const written = records
              .filter((record) => !unchanged.has(record))
              .map((record) => {
                refuseNul(record.text, 'text');
                const metadata =
                  record.metadata === undefined ? null : JSON.stringify(record.metadata);
                if (metadata !== null) refuseNul(metadata, 'metadata');
                return { record, metadata };
              });
            const kept = new Set(records.map(({ id }) => id));
            const gone = before.filter(({ id }) => !kept.has(id)).map(({ id }) => id);
            if (gone.length > 0) {
              await client.query(`DELETE FROM ${quoted} WHERE scope = $1 AND id = ANY($2)`, [
                scope,
                gone,
              ]);
            }
            for (const { record, metadata } of written) {
              await client.query(
                `INSERT INTO ${quoted} (id, scope, kind, text, metadata, embedding, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (scope, id) DO UPDATE SET kind = EXCLUDED.kind, text = EXCLUDED.text,
                   metadata = EXCLUDED.metadata, embedding = EXCLUDED.embedding, updated_at = EXCLUDED.updated_at`,
                [
                  record.id,
                  scope,
                  record.kind,
                  record.text,
                  metadata,
                  record.embedding,
                  record.createdAt,
                  record.updatedAt,
                ],
              );
            }
          }
          return value;
        });
      },
    },
    storeOptions,
  );
  return {
    ...store,
    async close() {
      if (ownPool) await pool.end();
    },
  };
}

/** The table's layout (`gemloop_schema_versions`, name `memories:<table>`): version 1. */
function migrate(pool: pg.Pool, quoted: string, table: string): Promise<void> {
  return migrateTable(pool, {
    name: `memories:${table}`,
    label: `memory table ${table}`,
    steps: [
      (client) =>
        client.query(
          `CREATE TABLE IF NOT EXISTS ${quoted} (
             scope text NOT NULL,
             id text NOT NULL,
             kind text NOT NULL CHECK (kind IN ('fact', 'episode')),
             text text NOT NULL,
             metadata jsonb,
             embedding double precision[] NOT NULL,
             created_at timestamptz NOT NULL,
             updated_at timestamptz NOT NULL,
             seq bigserial NOT NULL,
             PRIMARY KEY (scope, id))`,
        ),
    ],
  });
}
