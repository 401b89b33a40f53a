import type pg from 'pg';
import { migrateRunPauses } from '../approvals/run-pauses.ts';
import { migrateInteractionWaits } from '../interactions/interaction-waits.ts';

/**
 * The version of gemloop's tables a runs client (`createDurableRuns`) needs. Bump it whenever
 * {@link CLIENT_SCHEMA_STEPS} changes what it runs: a client that finds the version recorded skips
 * every step. `migrate-client-schema.test.ts` pins the statements' fingerprint of each version.
 * @internal
 */
// 2: gemloop.approvals.stopped_at (a paused run cancelled with DBOS's own cancel, run-pauses.ts).
// 3: gemloop.interaction_waits.stopped_at (a parked run cancelled with DBOS's own cancel).
export const CLIENT_SCHEMA_VERSION = 3;

/** Its row in `gemloop_schema_versions` (made by `migrateInteractionWaits`). @internal */
export const CLIENT_SCHEMA_ROW = 'durable-client';

/**
 * gemloop's tables a runs client reads and writes (approvals, interaction waits), in order; each
 * idempotent and safe for processes starting at once. A worker's migration runs them first
 * (migrate-worker-schema.ts) and records this version too, so a client of a fleet whose worker
 * started finds it.
 * @internal
 */
export const CLIENT_SCHEMA_STEPS: readonly ((pool: pg.Pool) => Promise<unknown>)[] = [
  migrateRunPauses,
  // Also makes `gemloop_schema_versions`, where the version row goes.
  migrateInteractionWaits,
];

/**
 * Makes the system database ready for a runs client: with ONE statement when it is (the version
 * row read), where every start ran the steps, ~12 statements in three transactions. Otherwise
 * the steps run and the version is recorded; a newer version (a newer peer's) is left alone, as
 * the worker's migration does.
 * @returns whether it migrated (`false`: found current)
 * @internal
 */
export async function migrateClientSchema(pool: pg.Pool): Promise<boolean> {
  if (await clientSchemaIsCurrent(pool)) return false;
  for (const step of CLIENT_SCHEMA_STEPS) await step(pool);
  await pool.query(
    `INSERT INTO gemloop_schema_versions (name, version) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE
       SET version = GREATEST(gemloop_schema_versions.version, EXCLUDED.version)`,
    [CLIENT_SCHEMA_ROW, CLIENT_SCHEMA_VERSION],
  );
  return true;
}

/** Whether the client's tables are at (or past) this build's version; a missing table: not. */
async function clientSchemaIsCurrent(pool: pg.Pool): Promise<boolean> {
  try {
    const { rows } = await pool.query<{ version: number }>(
      'SELECT version FROM gemloop_schema_versions WHERE name = $1',
      [CLIENT_SCHEMA_ROW],
    );
    return (rows[0]?.version ?? 0) >= CLIENT_SCHEMA_VERSION;
  } catch {
    // Missing relations (42P01); the steps report a real fault.
    return false;
  }
}
