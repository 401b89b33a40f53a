import type pg from 'pg';
import { inTransaction } from '../../postgres/in-transaction.ts';
import { migrateTable } from '../../postgres/migrate-table.ts';
import { APPROVALS_TABLE } from '../approvals/run-pauses.ts';

/**
 * Which durable run waits on which background interaction, in Postgres
 * (`gemloop.interaction_waits`): a run whose agent says `wakeOnWebhook` writes its row before each
 * wait, and `runs.wakeInteraction(id)` (or `runs.handleWebhook`, once the delivery verifies)
 * reads it to send that run its wake-up message. A row outlives its wait when the interaction was
 * seen done by a fallback poll; rows older than {@link STALE_DAYS} days are pruned as new ones
 * come (a background interaction waits at most 7 days, `maxWaitMs`).
 *
 * A run of the runs queue does not wait in its worker: it stops (its workflow cancelled, its
 * worker slot free) and its row's `state` goes `waiting` → `parking` (about to stop; `wake_at`
 * is its fallback poll) → `parked` (stopped) → `resuming` (a wake-up came: message sent, run
 * re-enqueued; the run deletes the row when it runs again). A wake-up that comes while the run
 * is stopping marks it `woken`, and the run resumes itself. The worker's sweep resumes a
 * `parked` run whose fallback poll is due, and a stopped run nobody resumed (a process died in
 * between). Every change holds the interaction's advisory lock.
 * @internal
 */
export const INTERACTION_WAITS_TABLE = 'gemloop.interaction_waits';

/** The DBOS message topic a waiting run receives its wake-up on. @internal */
export const INTERACTION_TOPIC = 'gemloop.interaction';

const STALE_DAYS = 8;

// `runs.cancel` leaves its marker in the approvals table (run-pauses.ts): such a run stays stopped.
const CANCELLED_BY_A_PERSON = `EXISTS (SELECT 1 FROM ${APPROVALS_TABLE} c WHERE c.run_id = w.run_id AND c.tool_call_id = '')`;

/**
 * SQL: the parked run of row `w` was cancelled with DBOS's own cancel (an operator's
 * `DBOSClient.cancelWorkflow` or `dbos workflow cancel`, not `runs.cancel()`). A parked run's
 * workflow is `CANCELLED` already, so that cancel changes nothing but its `updated_at`: past the
 * `stopped_at` its park recorded, the run is cancelled for good (as a paused run's is,
 * `cancelledFromOutside` of run-pauses.ts). A row parked before `stopped_at` existed is never
 * read so.
 */
function cancelledFromOutside(systemSchema = 'dbos'): string {
  return `(w.state = 'parked' AND EXISTS (SELECT 1 FROM "${systemSchema}".workflow_status s
    WHERE s.workflow_uuid = w.run_id AND s.status = 'CANCELLED' AND s.updated_at > w.stopped_at))`;
}

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
      // Version 2: a run on the runs queue stops while it waits (`state`, `wake_at`; see
      // parkInteractionWait).
      async (client) => {
        await client.query(
          `ALTER TABLE ${INTERACTION_WAITS_TABLE}
             ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'waiting',
             ADD COLUMN IF NOT EXISTS wake_at timestamptz`,
        );
      },
      // Version 3: when the row took its state (`state_at`): the sweep leaves a `resuming` row to
      // its waker for `staleMs` (see claimDueInteractionWaits).
      async (client) => {
        await client.query(
          `ALTER TABLE ${INTERACTION_WAITS_TABLE}
             ADD COLUMN IF NOT EXISTS state_at timestamptz NOT NULL DEFAULT now()`,
        );
      },
      // Version 4: the run's workflow `updated_at` when it parked (`stopped_at`): a later one
      // while `CANCELLED` is DBOS's own cancel of the parked run (see cancelledFromOutside).
      async (client) => {
        await client.query(
          `ALTER TABLE ${INTERACTION_WAITS_TABLE} ADD COLUMN IF NOT EXISTS stopped_at bigint`,
        );
      },
    ],
  });
}

// The row of a wake-up that came when no run waited (yet): `run_id` empty. A webhook can beat the
// run to its first wait (an interaction done within the create's round trip); the run finds the
// row and polls at once instead of waiting out its pause.
const ARRIVED = '';

// A wait's identity: its row's creation time in microseconds since the epoch, as text (a run's
// next wait on the same interaction is a new row: the run deletes its row when it runs again).
const WAIT_ID = `(floor(extract(epoch from w.created_at) * 1000000))::bigint::text`;

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

/** A run a wake-up is for: sent its message, and re-enqueued when it had stopped to wait. @internal */
export type WokenRun = {
  runId: string;
  /** Its workflow is stopped (parked): whoever took the wait resumes it. */
  resume: boolean;
  /**
   * Which of the run's waits on this interaction was taken (when its row was made, in
   * microseconds since the epoch): the wake-up's message is keyed by it, so a webhook retried
   * for the same wait is sent once, and a run that waits on the same interaction again (woken
   * by the app, then by the webhook) gets the second wake-up too.
   */
  wait: string;
};

/**
 * The runs that wait on `interactionId` (a wake-up is sent once). A run waiting in `DBOS.recv`
 * gives up its row; a `parked` one is marked `resuming` (the caller sends its message, then
 * re-enqueues it; the run deletes the row when it runs again, so it never looks ended between
 * the two); a run still stopping (`parking`) is marked `woken` and resumes itself (see
 * {@link confirmInteractionPark}); a run a person cancelled is not resumed, nor one an operator
 * cancelled with DBOS's own cancel (left out: its wake-up is refused). None waiting, the wake-up is
 * noted for the run that comes to wait on it.
 * @internal
 */
export async function takeInteractionWaits(
  pool: pg.Pool,
  interactionId: string,
): Promise<WokenRun[]> {
  return inLock(pool, interactionId, async (client) => {
    const { rows: gone } = await client.query<{ run_id: string; wait: string }>(
      `DELETE FROM ${INTERACTION_WAITS_TABLE} w
        WHERE interaction_id = $1 AND run_id <> $2
          AND (state = 'waiting' OR (state = 'parked' AND ${CANCELLED_BY_A_PERSON}))
       RETURNING run_id, ${WAIT_ID} AS wait`,
      [interactionId, ARRIVED],
    );
    const { rows: stopped } = await client.query<{ run_id: string; parked: boolean; wait: string }>(
      `UPDATE ${INTERACTION_WAITS_TABLE} w
          SET state = CASE WHEN state = 'parking' THEN 'woken' ELSE 'resuming' END, state_at = now()
        WHERE interaction_id = $1 AND state IN ('parking', 'parked')
          AND NOT ${cancelledFromOutside()}
       RETURNING run_id, state = 'resuming' AS parked, ${WAIT_ID} AS wait`,
      [interactionId],
    );
    if (gone.length === 0 && stopped.length === 0) {
      await client.query(
        `INSERT INTO ${INTERACTION_WAITS_TABLE} (interaction_id, run_id) VALUES ($1, $2)
         ON CONFLICT (interaction_id, run_id) DO UPDATE SET created_at = now()`,
        [interactionId, ARRIVED],
      );
    }
    return [
      ...gone.map((row) => ({ runId: row.run_id, resume: false, wait: row.wait })),
      ...stopped.map((row) => ({ runId: row.run_id, resume: row.parked, wait: row.wait })),
    ];
  });
}

/**
 * A run on the runs queue is about to stop while it waits (so it holds no worker slot): marks
 * its row `parking` with the time its fallback poll is due. `woken` when its wake-up already came
 * (its message waits in `DBOS.recv`), so it does not stop: the row of a run resumed is deleted
 * here, by the run running again. `resumed` when it was resumed by no wake-up (its row still
 * `parked`: DBOS's own resume, an operator's `dbos workflow resume`): nothing waits for it in
 * `DBOS.recv`, so it polls at once rather than at its fallback poll. `cancelled` when its workflow
 * is `CANCELLED` already, before it stopped itself: DBOS's own cancel landed after the run noted
 * its wait; the row reads as a parked run cancelled from outside (`stopped_at` just before the
 * cancel's `updated_at`, see cancelledFromOutside), since the run's own stop would have hidden
 * it (the two cancels look alike). Not a DBOS step: a replay (after the run was resumed) asks
 * again and finds its row `resuming`.
 *
 * `ownerXid`: the calling execution's DBOS ownership token (`currentOwnerXid`). `taken` when the
 * run is no longer that execution's (it froze after its wait's step and another took the run
 * over): the row is left as it is. A stale execution that deleted the taker's `parked` row
 * (answering `resumed`) left the run `CANCELLED` with no row, so no wake-up and no sweep ever
 * resumed it; its `recv` is refused by DBOS's owner fence right after.
 * @internal
 */
export async function parkInteractionWait(
  pool: pg.Pool,
  interactionId: string,
  runId: string,
  milliseconds: number,
  ownerXid?: string,
): Promise<'parking' | 'woken' | 'resumed' | 'cancelled' | 'taken'> {
  return inLock(pool, interactionId, async (client) => {
    // The row first (locked), then the status in a statement of its own: a statement reads the
    // workflow's status as of its start, and one that waited on the row read it from before the
    // wait (a cancel committed meanwhile unseen).
    const { rows: held } = await client.query<{ state: string }>(
      `SELECT state FROM ${INTERACTION_WAITS_TABLE} WHERE interaction_id = $1 AND run_id = $2
       FOR UPDATE`,
      [interactionId, runId],
    );
    const state = held[0]?.state;
    if (state === 'waiting' || state === 'parking') {
      // Cancelled already: parked as of just before the cancel (see cancelledFromOutside).
      const { rows } = await client.query<{ state: string }>(
        `WITH run AS (
           SELECT status = 'CANCELLED' AS cancelled, updated_at FROM "dbos".workflow_status
            WHERE workflow_uuid = $2)
         UPDATE ${INTERACTION_WAITS_TABLE}
            SET state = CASE WHEN (SELECT cancelled FROM run) THEN 'parked' ELSE 'parking' END,
                state_at = now(),
                wake_at = now() + make_interval(secs => $3::float8),
                stopped_at = CASE WHEN (SELECT cancelled FROM run)
                  THEN (SELECT updated_at FROM run) - 1 ELSE stopped_at END
          WHERE interaction_id = $1 AND run_id = $2
         RETURNING state`,
        [interactionId, runId, milliseconds / 1000],
      );
      return rows[0]?.state === 'parked' ? 'cancelled' : 'parking';
    }
    // DBOS's own owner check (`#checkOwner`, `dist/src/system_database.js` 5.3): the row lock
    // holds until commit, so no hand-off lands between the check and the delete.
    if (ownerXid !== undefined) {
      const { rows: owner } = await client.query<{ owner_xid: string | null }>(
        `SELECT owner_xid FROM "dbos".workflow_status WHERE workflow_uuid = $1 FOR NO KEY UPDATE`,
        [runId],
      );
      if (owner[0]?.owner_xid !== ownerXid) return 'taken';
    }
    await client.query(
      `DELETE FROM ${INTERACTION_WAITS_TABLE} WHERE interaction_id = $1 AND run_id = $2`,
      [interactionId, runId],
    );
    return state === 'parked' ? 'resumed' : 'woken';
  });
}

/**
 * Whether run `runId` stands stopped by its own park (its row `parking`, `parked`, `resuming` or
 * `woken`), and was not cancelled since by a person (`runs.cancel()`'s marker) nor with DBOS's own
 * cancel (see cancelledFromOutside): its workflow's `CANCELLED` is then the park's. An execution
 * that lost the run (`DBOSWorkflowConflictError`) to one that parked it read that status as a
 * cancel, and cancelled the interaction on the server, which the parked run then found cancelled
 * when its wake-up came (leftovers42; the stale park's tests in fleet/cancel-takeover.test.ts).
 * @internal
 */
export async function isParkedByItself(pool: pg.Pool, runId: string): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT 1 FROM ${INTERACTION_WAITS_TABLE} w
      WHERE w.run_id = $1 AND w.state IN ('parking', 'parked', 'resuming', 'woken')
        AND NOT ${CANCELLED_BY_A_PERSON} AND NOT ${cancelledFromOutside()}
      LIMIT 1`,
    [runId],
  );
  return rows.length > 0;
}

/**
 * After the run's workflow stopped: `parked` (a wake-up or the sweep resumes it), or `resume`
 * when its wake-up came while it stopped (`woken`: the run resumes itself). The interaction's
 * lock orders this against {@link takeInteractionWaits}, so exactly one of them resumes the run.
 * @internal
 */
export async function confirmInteractionPark(
  pool: pg.Pool,
  interactionId: string,
  runId: string,
): Promise<'parked' | 'resume'> {
  return inLock(pool, interactionId, async (client) => {
    // `stopped_at`: the workflow's `updated_at` now that it is stopped (see cancelledFromOutside).
    const { rows } = await client.query<{ state: string }>(
      `UPDATE ${INTERACTION_WAITS_TABLE} w
          SET state = CASE WHEN state = 'parking' THEN 'parked' ELSE 'resuming' END, state_at = now(),
              stopped_at = (SELECT updated_at FROM "dbos".workflow_status WHERE workflow_uuid = w.run_id)
        WHERE interaction_id = $1 AND run_id = $2 AND state IN ('parking', 'woken')
          AND NOT ${CANCELLED_BY_A_PERSON}
       RETURNING state`,
      [interactionId, runId],
    );
    // No row: the sweep took it (this worker stalled past `staleMs`) and resumes the run; or a
    // person cancelled the run, which stays stopped.
    return rows[0]?.state === 'resuming' ? 'resume' : 'parked';
  });
}

/**
 * Claims the stopped waits to end without a webhook (each once; the caller sends the wake-up and
 * resumes the run): those whose fallback poll is due, and those whose run is stopped
 * (`CANCELLED` for longer than `staleMs`) and was never resumed (a worker died between stopping
 * the run and saying `parked`, or a waker between marking it `resuming` and resuming it). A run
 * a person cancelled is left alone, with `runs.cancel()` or DBOS's own cancel.
 *
 * A row is claimed that way only once it has also kept its state for `staleMs`: a run parked
 * long ago stays `CANCELLED` until its waker's resume lands, and a sweep that took a row its
 * waker had just marked `resuming` resumed the run a second time (a second execution, its
 * current step run again) and sent a second wake-up.
 * @internal
 */
export async function claimDueInteractionWaits(
  pool: pg.Pool,
  { systemSchema = 'dbos', staleMs }: { systemSchema?: string; staleMs: number },
): Promise<{ interactionId: string; runId: string; wakeAt: number }[]> {
  const { rows } = await pool.query<{ interaction_id: string; run_id: string; wake_ms: string }>(
    `UPDATE ${INTERACTION_WAITS_TABLE} w SET state = 'resuming', state_at = now()
      WHERE w.state <> 'waiting' AND NOT ${CANCELLED_BY_A_PERSON}
        AND NOT ${cancelledFromOutside(systemSchema)}
        AND ((w.state = 'parked' AND w.wake_at <= now())
          OR (w.state <> 'parked'
              AND w.state_at < now() - make_interval(secs => $2::float8)
              AND EXISTS (SELECT 1 FROM "${systemSchema}".workflow_status s
                      WHERE s.workflow_uuid = w.run_id AND s.status = 'CANCELLED'
                        AND s.updated_at < (extract(epoch FROM now()) * 1000)::bigint - $1)))
     RETURNING w.interaction_id, w.run_id, (extract(epoch FROM w.wake_at) * 1000)::bigint AS wake_ms`,
    [staleMs, staleMs / 1000],
  );
  return rows.map((row) => ({
    interactionId: row.interaction_id,
    runId: row.run_id,
    wakeAt: Number(row.wake_ms),
  }));
}

/**
 * Which of these runs are stopped (or stopping) to wait on an interaction: `CANCELLED` workflows
 * that are still running as far as their callers go.
 * @internal
 */
export async function parkedRuns(pool: pg.Pool, runIds: readonly string[]): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  const { rows } = await pool.query<{ run_id: string }>(
    `SELECT DISTINCT w.run_id FROM ${INTERACTION_WAITS_TABLE} w
      WHERE w.run_id = ANY($1) AND w.state <> 'waiting'
        AND NOT ${CANCELLED_BY_A_PERSON} AND NOT ${cancelledFromOutside()}`,
    [[...runIds]],
  );
  return new Set(rows.map((row) => row.run_id));
}

async function inLock<T>(
  pool: pg.Pool,
  interactionId: string,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('gemloop.interaction:' || $1))`, [
      interactionId,
    ]);
    return body(client);
  });
}
