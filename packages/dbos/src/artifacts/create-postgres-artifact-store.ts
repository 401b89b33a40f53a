import { InvalidArgumentError } from '@gemloop/core';
import type { ArtifactStore } from '@gemloop/core/compaction';
import {
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  integerOption,
  oneOfOption,
} from '@gemloop/core/internal';
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
import { ArtifactStoreLimitError } from './artifact-store-limit-error.ts';

/**
 * @defaultValue of `maxArtifactBytes` of {@link createPostgresArtifactStore}: 16 MiB of UTF-8, the
 * file store's cap. Bounds what one hostile tool result can put in the database.
 */
export const DEFAULT_MAX_POSTGRES_ARTIFACT_BYTES: number = 16 * 1024 * 1024;

/**
 * @defaultValue of `maxTotalBytes` of {@link createPostgresArtifactStore}: 1 GiB of UTF-8 over every
 * artifact of the table (every run and process that shares it).
 */
export const DEFAULT_MAX_POSTGRES_ARTIFACTS_TOTAL_BYTES: number = 1024 * 1024 * 1024;

/**
 * The ids kept and looked up: gemloop's own (`crypto.randomUUID()`) and any of the same alphabet,
 * bounded; an id from a model's `read_tool_output` call that is not one reads as missing, with no
 * query.
 */
const ARTIFACT_ID = /^[A-Za-z0-9._~:-]{1,200}$/;

/** Options of {@link createPostgresArtifactStore}: a `pool` of yours, or a `connectionString`. */
export type CreatePostgresArtifactStoreOptions = PostgresConnectionOptions & {
  /** The table, optionally schema-qualified. @defaultValue `'gemloop_artifacts'` */
  table?: string | undefined;
  /**
   * The largest artifact kept (bytes of UTF-8); a larger one is refused with an
   * {@link ArtifactStoreLimitError} (`limit: 'artifact'`).
   * @defaultValue {@link DEFAULT_MAX_POSTGRES_ARTIFACT_BYTES} (16 MiB)
   */
  maxArtifactBytes?: number | undefined;
  /**
   * The most the table holds, every artifact together (bytes of UTF-8). Past it, see `onFull`.
   * @defaultValue {@link DEFAULT_MAX_POSTGRES_ARTIFACTS_TOTAL_BYTES} (1 GiB)
   */
  maxTotalBytes?: number | undefined;
  /**
   * What a put past `maxTotalBytes` does: `'evict-oldest'` deletes the oldest artifacts until the
   * new one fits (a cache: old runs' results go first, as the memory store does); `'refuse'` keeps
   * the table as it is and rejects with an {@link ArtifactStoreLimitError} (`limit: 'total'`).
   * @defaultValue `'evict-oldest'`
   */
  onFull?: 'evict-oldest' | 'refuse' | undefined;
};

/**
 * An {@link ArtifactStore} in Postgres, made by {@link createPostgresArtifactStore}: its methods
 * return promises.
 */
export type PostgresArtifactStore = {
  /**
   * Keeps `text` under `id` (replacing an artifact of the same id).
   * @throws {@link ArtifactStoreLimitError} (rejects) past a cap.
   */
  put(id: string, text: string): Promise<void>;
  /** The text of `id`, or `undefined` when there is none (never kept, evicted, or over the cap). */
  get(id: string): Promise<string | undefined>;
  /** Ends the pool the store made (not a pool you gave). */
  close(): Promise<void>;
};

const options: DeclaredOptions<CreatePostgresArtifactStoreOptions> =
  defineOptions<CreatePostgresArtifactStoreOptions>({
    name: 'createPostgresArtifactStore',
    example: '{ connectionString } or { pool }',
    checks: {
      ...connectionOptionChecks('createPostgresArtifactStore'),
      maxArtifactBytes: integerOption({ min: 1 }),
      maxTotalBytes: integerOption({ min: 1 }),
      onFull: oneOfOption(['evict-oldest', 'refuse']),
    },
  });

/**
 * An {@link ArtifactStore} in Postgres, for the tool results a `toolOutput` budget cut or a
 * compaction cleared: give it to the agent (`toolOutput: toolOutput({ artifacts })`,
 * `compaction: compaction({ artifacts })`) and to `readToolOutputTool(artifacts)`, and the model reads them back from any
 * process, after a restart, and in a durable run after its worker was killed (the run waits for
 * each write before the history naming it is sent, so an artifact named in a recorded step is in
 * the table).
 *
 * One row per artifact in its own table (created, or migrated, at the first call, under an
 * advisory lock). Bounded: an artifact over `maxArtifactBytes` is refused, and the table never
 * holds more than `maxTotalBytes` (puts are serialised by a transaction-scoped advisory lock, so
 * concurrent writers cannot overshoot it together). A row read back over `maxArtifactBytes`
 * (written by someone else) reads as missing.
 *
 * @throws {@link InvalidArgumentError} for bad options (`maxArtifactBytes` over `maxTotalBytes`).
 * @throws {@link PostgresUnreachableError} from the first call when Postgres cannot be reached.
 * @example
 * ```ts
 * const artifacts = createPostgresArtifactStore({ connectionString: process.env.DATABASE_URL! });
 * createAgent({ ..., tools: [search, readToolOutputTool(artifacts)], toolOutput: toolOutput({ maxTokens: 2000, artifacts }) });
 * ```
 */
export function createPostgresArtifactStore(
  input: CreatePostgresArtifactStoreOptions,
): PostgresArtifactStore & ArtifactStore {
  // Each option read once (attack17): a `table` getter passed the identifier check and then gave
  // the SQL another name (`x"; DROP TABLE ...`), a bound getter another bound.
  const given = checkOptionsCopy(options, input);
  const {
    table = 'gemloop_artifacts',
    maxArtifactBytes = DEFAULT_MAX_POSTGRES_ARTIFACT_BYTES,
    maxTotalBytes = DEFAULT_MAX_POSTGRES_ARTIFACTS_TOTAL_BYTES,
    onFull = 'evict-oldest',
  } = given;
  const ownPool = requireConnection('createPostgresArtifactStore', given);
  if (maxArtifactBytes > maxTotalBytes) {
    throw new InvalidArgumentError({
      argument: 'maxArtifactBytes',
      message: `createPostgresArtifactStore: maxArtifactBytes (${maxArtifactBytes}) is over maxTotalBytes (${maxTotalBytes}): one artifact could never fit. Lower it or raise maxTotalBytes.`,
    });
  }
  const pool = storePool(given);
  const quoted = quoteTable(table);

  const ensureTable = tableOnce(given.connectionString, `the artifact table ${table}`, () =>
    migrate(pool, quoted, table),
  );

  return {
    async put(id, text) {
      if (typeof id !== 'string' || !ARTIFACT_ID.test(id)) {
        throw new InvalidArgumentError({
          argument: 'id',
          message: `createPostgresArtifactStore: artifact id ${JSON.stringify(String(id).slice(0, 60))} is not one gemloop makes (letters, digits, . _ ~ : -, at most 200).`,
        });
      }
      const bytes = Buffer.byteLength(text);
      if (bytes > maxArtifactBytes) {
        throw new ArtifactStoreLimitError({
          message: `Artifact ${id} is ${bytes} bytes, over maxArtifactBytes (${maxArtifactBytes}): not kept. Raise maxArtifactBytes, or cap the tool's output lower.`,
          limit: 'artifact',
          id,
          bytes,
          maxBytes: maxArtifactBytes,
        });
      }
      await ensureTable();
      await inTransaction(pool, async (client) => {
        // One put at a time per table: the total is read and kept under the cap together.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `gemloop.artifacts:${table}`,
        ]);
        const { rows } = await client.query<{ total: string }>(
          `SELECT COALESCE(SUM(bytes), 0)::text AS total FROM ${quoted} WHERE id <> $1`,
          [id],
        );
        const total = Number(rows[0]?.total ?? 0);
        if (onFull === 'refuse' && total + bytes > maxTotalBytes) {
          throw new ArtifactStoreLimitError({
            message: `The artifact table ${table} holds ${total} bytes; artifact ${id} (${bytes} bytes) would take it over maxTotalBytes (${maxTotalBytes}): not kept (onFull: 'refuse'). Delete old rows, raise maxTotalBytes, or use onFull: 'evict-oldest'.`,
            limit: 'total',
            id,
            bytes,
            maxBytes: maxTotalBytes,
          });
        }
        await client.query(
          `INSERT INTO ${quoted} (id, text, bytes) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET text = EXCLUDED.text, bytes = EXCLUDED.bytes, seq = DEFAULT`,
          [id, text, bytes],
        );
        if (total + bytes > maxTotalBytes) {
          // The newest first: every artifact past the cap, counted from the newest, goes. The
          // new one (the newest, under maxArtifactBytes <= maxTotalBytes) always stays.
          await client.query(
            `DELETE FROM ${quoted} WHERE seq IN (
               SELECT seq FROM (SELECT seq, SUM(bytes) OVER (ORDER BY seq DESC) AS newer FROM ${quoted}) AS kept
               WHERE newer > $1)`,
            [maxTotalBytes],
          );
        }
      });
    },
    async get(id) {
      if (typeof id !== 'string' || !ARTIFACT_ID.test(id)) return undefined;
      await ensureTable();
      // The length is checked in the database: a row larger than the cap is never read whole.
      const { rows } = await pool.query<{ text: string }>(
        `SELECT text FROM ${quoted} WHERE id = $1 AND octet_length(text) <= $2`,
        [id, maxArtifactBytes],
      );
      return rows[0]?.text;
    },
    async close() {
      if (ownPool) await pool.end();
    },
  };
}

/** The table's layout (`gemloop_schema_versions`, name `artifacts:<table>`): version 1. */
function migrate(pool: pg.Pool, quoted: string, table: string): Promise<void> {
  return migrateTable(pool, {
    name: `artifacts:${table}`,
    label: `artifact table ${table}`,
    steps: [
      (client) =>
        client.query(
          `CREATE TABLE IF NOT EXISTS ${quoted} (
             id text PRIMARY KEY,
             text text NOT NULL,
             bytes integer NOT NULL,
             seq bigserial NOT NULL,
             created_at timestamptz NOT NULL DEFAULT now())`,
        ),
    ],
  });
}
