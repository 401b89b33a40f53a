import { DBOS } from '@dbos-inc/dbos-sdk';
import type pg from 'pg';
import { borrowClient } from '../postgres/borrow-client.ts';

/** Liveness settings of `startWorkerLiveness` (internal). */
export type TakeoverOptions = {
  /** How often a worker says it is alive. @defaultValue 2000 */
  heartbeatMs?: number | undefined;
  /** How long without a heartbeat before a worker's runs are taken over. @defaultValue 15000 */
  deadAfterMs?: number | undefined;
};

export const DEFAULT_HEARTBEAT_MS = 2000;
export const DEFAULT_DEAD_AFTER_MS = 15_000;

/**
 * Takes over the runs of workers that died.
 *
 * DBOS, self-hosted without Conductor, recovers a process's PENDING workflows only when a
 * process with the same executor id starts again; recovering another executor's workflows is left
 * to the operator (docs.dbos.dev, "Workflow Recovery", distributed setting). A fleet whose worker
 * is gone for good (a scaled-down pod, a new host name) needs that done for it, so each worker
 * writes a heartbeat row, and every `heartbeatMs` one worker (a transaction-scoped advisory
 * lock elects it) re-enqueues the PENDING workflows of executors silent for `deadAfterMs` with
 * the public `DBOS.resumeWorkflow` on their own queue. Any live worker then dequeues them and
 * replays them from their last checkpoint. A worker that was only slow, not dead, loses the run
 * to the new owner at its next checkpoint (DBOS's ownership check), never runs a step twice
 * into the record.
 * @internal
 */
export async function startWorkerLiveness({
  pool,
  appName,
  executorId,
  heartbeatMs = DEFAULT_HEARTBEAT_MS,
  deadAfterMs = DEFAULT_DEAD_AFTER_MS,
  onError,
}: {
  pool: pg.Pool;
  appName: string;
  executorId: string;
  heartbeatMs?: number | undefined;
  deadAfterMs?: number | undefined;
  onError: (error: unknown) => void;
}): Promise<{ stop(options: { dead: boolean }): Promise<void> }> {
  await migrate(pool);
  // deadAfterMs as a Postgres timeout: an integer of milliseconds, at least 1 s, at most 2^31-1.
  const idleLimitMs = Number.isFinite(deadAfterMs)
    ? Math.min(2_147_483_647, Math.max(1000, Math.round(deadAfterMs)))
    : DEFAULT_DEAD_AFTER_MS;
  const beat = async (): Promise<void> => {
    await pool.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at) VALUES ($1, $2, now())
       ON CONFLICT (app, executor_id) DO UPDATE SET seen_at = now()`,
      [appName, executorId],
    );
  };
  const sweep = async (): Promise<void> => {
    const client = await borrowClient(pool);
    try {
      await client.query('BEGIN');
      // The election's lock is held by this transaction: a worker frozen inside it (a stopped
      // process, a suspended VM) would keep every other worker from taking over anything, its
      // own runs included. Postgres ends a session idle in a transaction for longer than this
      // (releasing the lock); a live sweep never idles that long between its queries.
      await client.query(`SET LOCAL idle_in_transaction_session_timeout = ${idleLimitMs}`);
      const lock = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
        [`gemloop.takeover:${appName}`],
      );
      if (lock.rows[0]?.locked !== true) return;
      const dead = await client.query<{ executor_id: string }>(
        `SELECT executor_id FROM gemloop.workers
         WHERE app = $1 AND executor_id <> $2 AND seen_at < now() - make_interval(secs => $3)`,
        [appName, executorId, deadAfterMs / 1000],
      );
      for (const { executor_id: deadId } of dead.rows) {
        const pending = await DBOS.listWorkflows({ status: 'PENDING', executorId: deadId });
        for (const workflow of pending) {
          await DBOS.resumeWorkflow(workflow.workflowID, {
            ...(workflow.queueName === undefined ? {} : { queueName: workflow.queueName }),
          });
        }
        await client.query('DELETE FROM gemloop.workers WHERE app = $1 AND executor_id = $2', [
          appName,
          deadId,
        ]);
      }
    } finally {
      await client.query('COMMIT').catch(() => {});
      client.release();
    }
  };
  await beat();
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => beat().then(sweep)).catch(onError);
  }, heartbeatMs);
  timer.unref();
  return {
    async stop({ dead }) {
      clearInterval(timer);
      await running;
      // A worker that leaves for good says so, so its paused runs move on at the next sweep.
      if (dead) {
        await pool
          .query(
            `UPDATE gemloop.workers SET seen_at = 'epoch' WHERE app = $1 AND executor_id = $2`,
            [appName, executorId],
          )
          .catch(onError);
      }
    },
  };
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await borrowClient(pool);
  try {
    await client.query('BEGIN');
    // Two workers starting at once would race on CREATE ... IF NOT EXISTS (a unique violation in
    // the catalog); the lock makes the second wait and find everything there.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('gemloop.schema'))`);
    await client.query('CREATE SCHEMA IF NOT EXISTS gemloop');
    await client.query(
      `CREATE TABLE IF NOT EXISTS gemloop.workers (
         app text NOT NULL, executor_id text NOT NULL, seen_at timestamptz NOT NULL,
         PRIMARY KEY (app, executor_id))`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
