import { allMigrations } from '@dbos-inc/dbos-sdk/internal/sysdb_migrations/internal/migrations';
import type pg from 'pg';
import { migrateLiveSessions } from '../../live/live-session-store.ts';
import { migrateWorkerLiveness } from '../fleet/worker-liveness.ts';
import {
  CLIENT_SCHEMA_ROW,
  CLIENT_SCHEMA_STEPS,
  CLIENT_SCHEMA_VERSION,
} from '../runs/migrate-client-schema.ts';
import { migrateSystemDatabase } from '../runs/migrate-system-database.ts';
import { migrateRunEndNotices } from '../runs/run-end-notices.ts';

/**
 * The version of gemloop's tables a durable worker needs (beside DBOS's own). Bump it whenever
 * {@link WORKER_SCHEMA_STEPS} changes what it runs: a worker that finds the version recorded skips
 * every step, so a new step under the old number would never run on a migrated database.
 * `migrate-worker-schema.test.ts` pins the statements' fingerprint of each version and fails when
 * they change without a bump.
 * @internal
 */
// 2: the client's version 2 (gemloop.approvals.stopped_at).
// 3: the client's version 3 (gemloop.interaction_waits.stopped_at).
// 4: gemloop.workers.session_pid and session_server (a killed worker's session, worker-liveness.ts).
// 5: gemloop.live_calls.idless (a durable Live call the server sent without an id).
// 6: gemloop.workers.app_version, gemloop_version and storage_format (the fleet's version fence).
export const WORKER_SCHEMA_VERSION = 6;

/** Its row in `gemloop_schema_versions` (the table of `migrateTable`, made by the steps). */
const VERSION_ROW = 'durable-worker';

/**
 * gemloop's tables of a durable worker, made after DBOS's (the run-end trigger is on DBOS's
 * `workflow_status`), in order. Each is idempotent and safe for workers starting at once (its own
 * advisory lock), so an older schema is brought up by running them all again.
 * @internal
 */
export const WORKER_SCHEMA_STEPS: readonly ((pool: pg.Pool) => Promise<unknown>)[] = [
  // A runs client's tables (approvals, interaction waits; the second also makes
  // `gemloop_schema_versions`, where the version rows go): their version is recorded too.
  ...CLIENT_SCHEMA_STEPS,
  (pool) => migrateRunEndNotices(pool),
  migrateLiveSessions,
  migrateWorkerLiveness,
];

/**
 * DBOS's system database version this SDK migrates to: what `DBOS.migrate` records in
 * `dbos.dbos_migrations` (its migration list's length, the trailing empty ones recorded too;
 * `runSysMigrationsPg` in DBOS Transact's `src/sysdb_migrations/migration_runner.ts`). The
 * options change the statements' text, not their number.
 */
const DBOS_SCHEMA_VERSION = allMigrations('dbos').length;

/**
 * Makes the system database ready for a worker: DBOS's tables, then gemloop's. A worker of a
 * running fleet finds both at their versions with ONE statement (gemloop's version row and DBOS's
 * `dbos_migrations`, read together) and changes nothing; at each start the full migration was ~30
 * statements, two connections and five short transactions, a third of a worker start's
 * statements. Otherwise (a fresh database, an older gemloop version, a DBOS upgrade) every step
 * runs, then the version is recorded. The pattern is DBOS's own (`runSysMigrationsPg`: a version
 * number in a table, the steps above it run, a database ahead of this build tolerated: a newer
 * peer of a rolling upgrade wrote it, and every step only adds).
 * @returns whether it migrated (`false`: found current)
 * @internal
 */
export async function migrateWorkerSchema(databaseUrl: string, pool: pg.Pool): Promise<boolean> {
  if (await workerSchemaIsCurrent(pool)) return false;
  await migrateSystemDatabase(databaseUrl);
  for (const step of WORKER_SCHEMA_STEPS) await step(pool);
  // GREATEST: a newer worker that recorded its version meanwhile keeps it. The client's row too:
  // its steps ran first, so a runs client of this fleet finds its tables in one statement.
  await pool.query(
    `INSERT INTO gemloop_schema_versions (name, version) VALUES ($1, $2), ($3, $4)
     ON CONFLICT (name) DO UPDATE
       SET version = GREATEST(gemloop_schema_versions.version, EXCLUDED.version)`,
    [VERSION_ROW, WORKER_SCHEMA_VERSION, CLIENT_SCHEMA_ROW, CLIENT_SCHEMA_VERSION],
  );
  return true;
}

/**
 * Whether gemloop's and DBOS's tables are at (or past) this build's versions, in one statement.
 * A database, schema or table not there yet (a fresh database) fails the read: not current.
 */
async function workerSchemaIsCurrent(pool: pg.Pool): Promise<boolean> {
  try {
    const { rows } = await pool.query<{ worker: number | null; dbos: string | null }>(
      `SELECT (SELECT version FROM gemloop_schema_versions WHERE name = $1) AS worker,
              (SELECT max(version) FROM "dbos".dbos_migrations)::text AS dbos`,
      [VERSION_ROW],
    );
    const row = rows[0];
    return (
      row !== undefined &&
      (row.worker ?? 0) >= WORKER_SCHEMA_VERSION &&
      Number(row.dbos ?? 0) >= DBOS_SCHEMA_VERSION
    );
  } catch {
    // Missing relations (42P01, 3F000) or database (3D000); the full path reports a real fault.
    return false;
  }
}
