import type pg from 'pg';
import { borrowClient } from '../postgres/borrow-client.ts';

/**
 * Which durable run waits on which background interaction, in Postgres
 * (`gemloop.interaction_waits`): a run whose agent says `wakeOnWebhook` writes its row before each
 * wait, and `runs.wakeInteraction(id)` (or `runs.handleWebhook`, once the delivery verifies)
 * reads it to send that run its wake-up message. A row outlives its wait when the interaction was
 * seen done by a fallback poll; rows older than {@link STALE_DAYS} days are pruned as new ones
 * come (a background interaction waits at most 7 days, `maxWaitMs`).
 * @internal
 */
export const INTERACTION_WAITS_TABLE = 'gemloop.interaction_waits';

/** The DBOS message topic a waiting run receives its wake-up on. @internal */
export const INTERACTION_TOPIC = 'gemloop.interaction';

const STALE_DAYS = 8;

/** Creates `gemloop.interaction_waits` when missing (idempotent, safe for processes starting at once). */
export async function migrateInteractionWaits(pool: pg.Pool): Promise<void> {
  const client = await borrowClient(pool);
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('gemloop.schema'))`);
    await client.query('CREATE SCHEMA IF NOT EXISTS gemloop');
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${INTERACTION_WAITS_TABLE} (
         interaction_id text NOT NULL, run_id text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (interaction_id, run_id))`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Notes that run `runId` waits on `interactionId`. Not a DBOS step: a replay writes it again,
 * which changes nothing.
 * @internal
 */
export async function recordInteractionWait(
  pool: pg.Pool,
  interactionId: string,
  runId: string,
): Promise<void> {
  await pool.query(
    `WITH pruned AS (
       DELETE FROM ${INTERACTION_WAITS_TABLE}
        WHERE created_at < now() - make_interval(days => ${STALE_DAYS}))
     INSERT INTO ${INTERACTION_WAITS_TABLE} (interaction_id, run_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING`,
    [interactionId, runId],
  );
}

/** The runs that wait on `interactionId`, their rows removed (a wake-up is sent once). @internal */
export async function takeInteractionWaits(
  pool: pg.Pool,
  interactionId: string,
): Promise<string[]> {
  const { rows } = await pool.query<{ run_id: string }>(
    `DELETE FROM ${INTERACTION_WAITS_TABLE} WHERE interaction_id = $1 RETURNING run_id`,
    [interactionId],
  );
  return rows.map((row) => row.run_id);
}
