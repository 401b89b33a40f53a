import type pg from 'pg';
import { borrowClient } from '../../postgres/borrow-client.ts';
import { inTransaction } from '../../postgres/in-transaction.ts';
import type { ApprovalDecision } from './approval-decision.ts';

/**
 * The approvals of paused runs, in Postgres (`gemloop.approvals`, one row per call that waits,
 * plus a marker row with an empty `tool_call_id` for a run cancelled by a person). The
 * `tool_call_id` column holds the call's approval id (`<step>.<index>:<toolCallId>`, see
 * `approvalIdOf`), not the model's id alone, which two calls of a run can share.
 *
 * A run that reaches a call needing approval does not wait in memory: its workflow is cancelled
 * (DBOS's way to stop a workflow and free its queue slot; `DBOS.resumeWorkflow` later re-enqueues
 * it and any worker replays it from its recorded steps) and the row says why. Readers tell a
 * paused run from a cancelled one by the row (`waiting` and no cancel marker).
 *
 * Columns:
 * - `decision`: the person's decision (the first one wins), `NULL` while none came.
 * - `waiting`: the run waits for this call (set when it reaches the call, cleared when it takes
 *   the decision or times out).
 * - `paused`: the run's workflow stopped and must be resumed by whoever decides (or by the
 *   timeout sweep). Set only after the workflow cancelled itself, under the row's lock, so the
 *   run and the approver agree on exactly one of them resuming it.
 * - `deadline`: when a call without a decision is denied.
 * - `decided_at`: when the decision was recorded (`NULL` in rows decided before the column
 *   existed): the sweep gives whoever recorded it time to resume the run.
 * - `stopped_at`: the run's DBOS `workflow_status.updated_at` (ms) right after it stopped itself to
 *   wait for this call. DBOS's own cancel of a workflow that is already `CANCELLED` (an operator's
 *   `DBOSClient.cancelWorkflow` or `dbos workflow cancel`, not `runs.cancel()`) changes nothing
 *   but that time, so a later one says a person cancelled the paused run from outside gemloop:
 *   it is no longer paused, no decision resumes it and the sweep leaves it (`cancelledFromOutside`).
 * @internal
 */
export const APPROVALS_TABLE = 'gemloop.approvals';

/** Creates `gemloop.approvals` when missing (idempotent, safe for processes starting at once). */
export async function migrateRunPauses(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('gemloop.schema'))`);
    await client.query('CREATE SCHEMA IF NOT EXISTS gemloop');
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${APPROVALS_TABLE} (
         run_id text NOT NULL, tool_call_id text NOT NULL, decision jsonb,
         waiting boolean NOT NULL DEFAULT false, paused boolean NOT NULL DEFAULT false,
         deadline timestamptz, PRIMARY KEY (run_id, tool_call_id))`,
    );
    // Added after the table first shipped: tables made by an older version get it here.
    await client.query(
      `ALTER TABLE ${APPROVALS_TABLE} ADD COLUMN IF NOT EXISTS decided_at timestamptz`,
    );
    await client.query(`ALTER TABLE ${APPROVALS_TABLE} ADD COLUMN IF NOT EXISTS stopped_at bigint`);
  });
}

/**
 * SQL: the run of the approvals row `alias` was paused for it and then cancelled with DBOS's own
 * cancel (its workflow's `updated_at` moved past `stopped_at` while it stayed `CANCELLED`).
 * @internal
 */
export function cancelledFromOutside(alias: string, systemSchema = 'dbos'): string {
  return `EXISTS (SELECT 1 FROM ${APPROVALS_TABLE} p JOIN "${systemSchema}".workflow_status w
    ON w.workflow_uuid = p.run_id
    WHERE p.run_id = ${alias}.run_id AND p.paused AND w.status = 'CANCELLED'
      AND w.updated_at > p.stopped_at)`;
}

/** What a run finds when it reaches a call that needs approval. @internal */
export type ApprovalLookup =
  /** The stored decision, unchecked (the run checks it, and fails closed). */
  | { type: 'decided'; decision: unknown }
  | { type: 'timed-out' }
  /**
   * `cancelled`: the run's workflow is `CANCELLED` already, before it stopped itself to wait: a
   * cancel with DBOS's own tools while it ran up to the call (its stop would look the same).
   */
  | { type: 'none'; cancelled: boolean };

/**
 * The run reached the call: marks it waiting (the deadline is set the first time) and returns the
 * decision if one came, `timed-out` past the deadline. Not a DBOS step: the run records what it
 * takes in a step right after, and a replay asks again (the row keeps the decision).
 */
export async function lookupApproval(
  pool: pg.Pool,
  runId: string,
  approvalId: string,
  timeoutMs: number,
): Promise<ApprovalLookup> {
  // A first look already past the deadline (a timeout of 0) does not wait: a row left waiting
  // would make status() report the run as awaiting approval after it ended.
  const { rows } = await pool.query<{ decision: unknown; expired: boolean; cancelled: boolean }>(
    `INSERT INTO ${APPROVALS_TABLE} AS a (run_id, tool_call_id, waiting, deadline)
     VALUES ($1, $2, $3::float8 > 0, now() + make_interval(secs => $3))
     ON CONFLICT (run_id, tool_call_id) DO UPDATE
       SET deadline = coalesce(a.deadline, EXCLUDED.deadline),
           waiting = a.decision IS NULL AND coalesce(a.deadline, EXCLUDED.deadline) > now()
     RETURNING decision, deadline <= now() AS expired,
       coalesce((SELECT status = 'CANCELLED' FROM "dbos".workflow_status WHERE workflow_uuid = $1), false) AS cancelled`,
    [runId, approvalId, timeoutMs / 1000],
  );
  const row = rows[0];
  if (row?.decision !== null && row?.decision !== undefined)
    return { type: 'decided', decision: row.decision };
  return row?.expired === true
    ? { type: 'timed-out' }
    : { type: 'none', cancelled: row?.cancelled === true };
}

/**
 * After the run's workflow stopped: marks it paused, unless a decision (or the deadline) came
 * meanwhile (`resume`: the run resumes itself) or a person cancelled it (`cancelled`).
 */
export async function markPaused(
  pool: pg.Pool,
  runId: string,
  approvalId: string,
): Promise<'paused' | 'resume' | 'cancelled'> {
  const { rows } = await pool.query<{ paused: boolean; cancelled: boolean }>(
    `WITH cancelled AS (
       SELECT EXISTS (SELECT 1 FROM ${APPROVALS_TABLE} WHERE run_id = $1 AND tool_call_id = '') AS yes)
     UPDATE ${APPROVALS_TABLE} AS a
       SET paused = a.decision IS NULL AND a.deadline > now() AND NOT (SELECT yes FROM cancelled),
           stopped_at = (SELECT updated_at FROM "dbos".workflow_status WHERE workflow_uuid = $1)
     WHERE run_id = $1 AND tool_call_id = $2
     RETURNING paused, (SELECT yes FROM cancelled) AS cancelled`,
    [runId, approvalId],
  );
  const row = rows[0];
  if (row === undefined || row.cancelled) return 'cancelled';
  return row.paused ? 'paused' : 'resume';
}

/**
 * Records a person's decision; the first one wins. Returns `undefined` when the call had one
 * already, `'timed-out'` when `refuseExpired` and its deadline has passed (by the database's
 * clock: the call is denied, whether or not a sweep has resumed the run to say so yet), else
 * whether the run is paused (then the caller resumes it).
 */
export async function recordDecision(
  pool: pg.Pool,
  runId: string,
  approvalId: string,
  decision: ApprovalDecision,
  { refuseExpired = false }: { refuseExpired?: boolean | undefined } = {},
): Promise<{ paused: boolean } | 'timed-out' | undefined> {
  const client = await borrowClient(pool);
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO ${APPROVALS_TABLE} (run_id, tool_call_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [runId, approvalId],
    );
    // The row's lock orders this against the run's markPaused: whichever comes second sees
    // the other's change, so exactly one of them resumes the run.
    const { rows } = await client.query<{ decided: boolean; paused: boolean; expired: boolean }>(
      `SELECT decision IS NOT NULL AS decided, paused, coalesce(deadline <= now(), false) AS expired
       FROM ${APPROVALS_TABLE} WHERE run_id = $1 AND tool_call_id = $2 FOR UPDATE`,
      [runId, approvalId],
    );
    if (rows[0]?.decided !== false) {
      await client.query('ROLLBACK');
      return undefined;
    }
    // Past the deadline the call is denied: a decision that comes later (the fleet was down, or
    // the sweep has not run yet) must not run it when a worker replays the run.
    if (refuseExpired && rows[0].expired) {
      await client.query('ROLLBACK');
      return 'timed-out';
    }
    await client.query(
      `UPDATE ${APPROVALS_TABLE} SET decision = $3, paused = false, decided_at = now()
       WHERE run_id = $1 AND tool_call_id = $2`,
      [runId, approvalId, JSON.stringify(decision)],
    );
    await client.query('COMMIT');
    return { paused: rows[0].paused };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The approval ids this run has rows for whose call has the model id `toolCallId`, in the order
 * of the calls (step, then place in the turn). For `approve()` given a model id of a call that no
 * longer waits: its refusal says what became of that call.
 */
export async function approvalIdsOfCall(
  pool: pg.Pool,
  runId: string,
  toolCallId: string,
): Promise<string[]> {
  // `<step>.<index>:<toolCallId>`: the model's id is everything after the first colon.
  const { rows } = await pool.query<{ approval_id: string }>(
    `SELECT tool_call_id AS approval_id FROM ${APPROVALS_TABLE}
     WHERE run_id = $1 AND tool_call_id <> '' AND substr(tool_call_id, strpos(tool_call_id, ':') + 1) = $2`,
    [runId, toolCallId],
  );
  const position = (approvalId: string): number[] =>
    (approvalId.split(':', 1)[0] ?? '').split('.').map(Number);
  return rows
    .map((row) => row.approval_id)
    .sort((a, b) => {
      const [stepA = 0, indexA = 0] = position(a);
      const [stepB = 0, indexB = 0] = position(b);
      return stepA - stepB || indexA - indexB;
    });
}

/** A person cancelled the run: it is no longer paused, and a run about to pause will not. */
export async function markCancelled(pool: pg.Pool, runId: string): Promise<void> {
  await pool.query(
    `WITH marker AS (
       INSERT INTO ${APPROVALS_TABLE} (run_id, tool_call_id) VALUES ($1, '') ON CONFLICT DO NOTHING)
     UPDATE ${APPROVALS_TABLE} SET paused = false, waiting = false WHERE run_id = $1 AND tool_call_id <> ''`,
    [runId],
  );
}

/**
 * After the run's own stop was refused (`DBOSWorkflowConflictError`, stop-owned-run.ts): whether
 * DBOS's own cancel stopped it meanwhile, between its lookup and its stop. Its workflow is
 * `CANCELLED` and no row of it says a pause stopped it: an execution that took the run over and
 * paused it (its stop clears the owner as DBOS's cancel does) marked its row paused. One that
 * took it over and is still running holds it `PENDING`. Left open: a taker between its stop and
 * its `markPaused` reads as a cancel, as the lookup's own `cancelled` does.
 * @internal
 */
export async function cancelledBeforeStop(pool: pg.Pool, runId: string): Promise<boolean> {
  const { rows } = await pool.query<{ cancelled: boolean }>(
    `SELECT w.status = 'CANCELLED' AND NOT EXISTS (
       SELECT 1 FROM ${APPROVALS_TABLE} a WHERE a.run_id = $1 AND a.paused) AS cancelled
     FROM "dbos".workflow_status w WHERE w.workflow_uuid = $1`,
    [runId],
  );
  return rows[0]?.cancelled === true;
}

/** Which of these runs wait for approval (their workflow may be stopped). */
export async function waitingRuns(pool: pg.Pool, runIds: readonly string[]): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  const { rows } = await pool.query<{ run_id: string }>(
    `SELECT DISTINCT a.run_id FROM ${APPROVALS_TABLE} a
     WHERE a.run_id = ANY($1) AND a.waiting
       AND NOT EXISTS (SELECT 1 FROM ${APPROVALS_TABLE} c WHERE c.run_id = a.run_id AND c.tool_call_id = '')
       AND NOT ${cancelledFromOutside('a')}`,
    [[...runIds]],
  );
  return new Set(rows.map((row) => row.run_id));
}

/**
 * Claims the runs to resume (each once; the caller resumes them):
 * - paused runs whose deadline passed (the replay denies the call);
 * - runs whose resume never came: stopped (`CANCELLED` for longer than `staleMs`) while waiting,
 *   with a decision recorded longer than `staleMs` ago, or past the deadline. That happens when a
 *   worker dies between stopping a run and marking it paused, or an approver (or a subagent's
 *   end, resuming its parent) between recording a decision and resuming the run. A live one
 *   takes milliseconds between the two, so `staleMs` keeps the sweep out of its way: counted
 *   from the decision as well as from the stop, since a run stopped long ago is resumed by its
 *   approver right after the decision (measured from the stop alone, the sweep resumed a parent
 *   in the moment between its child's end recording the decision and resuming it: two
 *   executions of the parent, child-approval-timeout.test.ts at load 30). One stalled longer
 *   than that is disowned by the resumed execution at its next checkpoint (DBOS's ownership
 *   check), not run twice into the record.
 */
export async function claimRunsToResume(
  pool: pg.Pool,
  { systemSchema = 'dbos', staleMs }: { systemSchema?: string; staleMs: number },
): Promise<string[]> {
  const { rows } = await pool.query<{ run_id: string }>(
    `UPDATE ${APPROVALS_TABLE} AS a SET paused = false
     WHERE a.waiting
       AND NOT EXISTS (SELECT 1 FROM ${APPROVALS_TABLE} c WHERE c.run_id = a.run_id AND c.tool_call_id = '')
       AND NOT ${cancelledFromOutside('a', systemSchema)}
       AND ((a.paused AND a.decision IS NULL AND a.deadline <= now())
         OR (((a.decision IS NOT NULL
               AND coalesce(a.decided_at, '-infinity') < now() - make_interval(secs => $1::float8 / 1000))
             OR (a.decision IS NULL AND a.deadline <= now()))
           AND EXISTS (SELECT 1 FROM "${systemSchema}".workflow_status w
                       WHERE w.workflow_uuid = a.run_id AND w.status = 'CANCELLED'
                         AND w.updated_at < (extract(epoch FROM now()) * 1000)::bigint - $1)))
     RETURNING a.run_id`,
    [staleMs],
  );
  return [...new Set(rows.map((row) => row.run_id))];
}
