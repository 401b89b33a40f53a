import type pg from 'pg';
import { borrowClient } from '../postgres/borrow-client.ts';
import { migrateTable } from '../postgres/migrate-table.ts';

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

/** Creates `gemloop.interaction_waits` when missing (once, whichever process gets there first). */
export async function migrateInteractionWaits(pool: pg.Pool): Promise<void> {
  await migrateTable(pool, {
    name: 'interaction-waits',
    label: `table ${INTERACTION_WAITS_TABLE}`,
    steps: [
      async (client) => {
        await client.query('CREATE SCHEMA IF NOT EXISTS gemloop');
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${INTERACTION_WAITS_TABLE} (
             interaction_id text NOT NULL, run_id text NOT NULL,
             created_at timestamptz NOT NULL DEFAULT now(),
             PRIMARY KEY (interaction_id, run_id))`,
        );
      },
    ],
  });
}

// The row of a wake-up that came when no run waited (yet): `run_id` empty. A webhook can beat the
// run to its first wait (an interaction done within the create's round trip); the run finds the
// row and polls at once instead of waiting out its pause.
const ARRIVED = '';

/**
 * Notes that run `runId` waits on `interactionId`, and returns `true` (taking the row) when a
 * wake-up for it already came. The run records the answer as a step, so a replay waits (or not)
 * as the first run did. Both this and {@link takeInteractionWaits} hold the interaction's advisory
 * lock, so a wake-up lands either before the run looks (the run sees its row) or after the run's
 * row is in (the wake-up finds it).
 * @internal
 */
export async function recordInteractionWait(
  pool: pg.Pool,
  interactionId: string,
  runId: string,
): Promise<boolean> {
  return inLock(pool, interactionId, async (client) => {
    await client.query(
      `DELETE FROM ${INTERACTION_WAITS_TABLE}
        WHERE created_at < now() - make_interval(days => ${STALE_DAYS})`,
    );
    const arrived = await client.query(
      `DELETE FROM ${INTERACTION_WAITS_TABLE} WHERE interaction_id = $1 AND run_id = $2`,
      [interactionId, ARRIVED],
    );
    if ((arrived.rowCount ?? 0) > 0) return true;
    await client.query(
      `INSERT INTO ${INTERACTION_WAITS_TABLE} (interaction_id, run_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING`,
      [interactionId, runId],
    );
    return false;
  });
}

/**
 * The runs that wait on `interactionId`, their rows removed (a wake-up is sent once); none
 * waiting, the wake-up is noted for the run that comes to wait on it.
 * @internal
 */
export async function takeInteractionWaits(
  pool: pg.Pool,
  interactionId: string,
): Promise<string[]> {
  return inLock(pool, interactionId, async (client) => {
    const { rows } = await client.query<{ run_id: string }>(
      `DELETE FROM ${INTERACTION_WAITS_TABLE} WHERE interaction_id = $1 AND run_id <> $2
       RETURNING run_id`,
      [interactionId, ARRIVED],
    );
    if (rows.length === 0) {
      await client.query(
        `INSERT INTO ${INTERACTION_WAITS_TABLE} (interaction_id, run_id) VALUES ($1, $2)
         ON CONFLICT (interaction_id, run_id) DO UPDATE SET created_at = now()`,
        [interactionId, ARRIVED],
      );
    }
    return rows.map((row) => row.run_id);
  });
}

async function inLock<T>(
  pool: pg.Pool,
  interactionId: string,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await borrowClient(pool);
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('gemloop.interaction:' || $1))`, [
      interactionId,
    ]);
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
