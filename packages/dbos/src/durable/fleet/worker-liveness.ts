import { DBOS } from '@dbos-inc/dbos-sdk';
import { InvalidArgumentError } from '@gemloop/core';
import type pg from 'pg';
import { borrowClient } from '../../postgres/borrow-client.ts';
import { inTransaction } from '../../postgres/in-transaction.ts';
import { gemloopDbosVersion, STORAGE_FORMAT } from './worker-versions.ts';

/** Liveness settings of `startWorkerLiveness` (internal). */
export type TakeoverOptions = {
  /** How often a worker says it is alive. @defaultValue 2000 */
  heartbeatMs?: number | undefined;
  /**
   * How long without a heartbeat before a worker's runs are taken over, counted while the worker
   * that takes them over was beating itself (Postgres away stops every beat). @defaultValue 15000
   */
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
 * writes a heartbeat row, and every `heartbeatMs` each worker reads whether any other is silent;
 * when one is, one worker (a transaction-scoped advisory lock elects it) re-enqueues the
 * PENDING workflows of executors silent for `deadAfterMs` with
 * the public `DBOS.resumeWorkflow` on their own queue. Any live worker then dequeues them and
 * replays them from their last checkpoint. A worker that was only slow, not dead, loses the run
 * to the new owner at its next checkpoint (DBOS's ownership check), never runs a step twice
 * into the record.
 *
 * A takeover takes the run from whoever runs it, and the call that execution has in flight is
 * made again by the next one: so a live worker must never look silent. Its heartbeats have a
 * timer and a connection of their own (`beatPool`), never waiting behind a sweep (DBOS calls
 * that are slow under load, a resume waiting on a row lock) or behind the worker's other queries
 * (a checked-out client of a small pool): a live worker chained its beats behind its sweeps and
 * went silent for as long as a sweep took. And a sweep acts on what it read only while that is
 * still true: each silent executor is checked again on the lock's own connection right before its
 * runs are resumed (by the clock at that moment, not the transaction's start), so a sweeper that
 * stalled between reading and acting (a frozen process, its lock already lost) resumes nothing
 * of a worker that has beaten since.
 *
 * A silence this worker shared is not evidence either: while Postgres is away (a restart, a
 * failover, a network cut) no worker beats, and when it is back every worker's last beat is as
 * old as the outage. So another worker's silence counts only from the start of this worker's own
 * unbroken run of beats (a gap in it longer than half of `deadAfterMs` starts it again): a worker
 * is taken over once it has been silent for `deadAfterMs` while this one was beating. A worker
 * that said it left (`seen_at = 'epoch'`: a shutdown with `handOver`) is taken over at once.
 *
 * A worker whose process ended is found without its silence: each beat records the Postgres
 * session it came on (`session_pid`, and the server's start, `session_server`), and when the
 * process dies its operating system closes the connection and Postgres ends that session. A
 * worker whose recorded session is gone from `pg_stat_activity` on the server it beat on, and
 * which has not beaten for two heartbeats since (a live worker that lost its connection beats
 * again on a new one within one), is taken over then. A worker that is only slow, its event loop
 * held for seconds on a loaded machine, keeps its session: it is taken over only after
 * `deadAfterMs`, as a frozen process or a host gone with its connections open is. (A worker
 * stalled for seconds at load 20 was taken over at a 3 s `deadAfterMs`, each call it had in
 * flight made twice.) A session the server cannot show (another server after a failover, a
 * restarted one, a worker of a version that records none) counts as alive.
 * @internal
 */
export async function startWorkerLiveness({
  pool,
  beatPool = pool,
  appName,
  executorId,
  heartbeatMs = DEFAULT_HEARTBEAT_MS,
  deadAfterMs = DEFAULT_DEAD_AFTER_MS,
  onError,
  onTakeover = () => {},
  takeOverRuns = resumePendingRuns,
  migrated = false,
  applicationVersion,
}: {
  pool: pg.Pool;
  /** The heartbeats' own connection (a pool of one): nothing else queues on it. @defaultValue pool */
  beatPool?: pg.Pool | undefined;
  appName: string;
  executorId: string;
  heartbeatMs?: number | undefined;
  deadAfterMs?: number | undefined;
  onError: (error: unknown) => void;
  /** Told once the runs of a worker found silent are re-enqueued (a log line: it is rare). */
  onTakeover?:
    | ((takeover: {
        executorId: string;
        runIds: string[];
        otherVersions?: ReadonlyMap<string, string[]> | undefined;
      }) => void)
    | undefined;
  /**
   * Lists the PENDING runs of a silent executor, and returns a function that re-enqueues them.
   * @defaultValue DBOS's `listWorkflows` and `resumeWorkflow` (a test stands in for DBOS)
   */
  takeOverRuns?: ((silentId: string) => Promise<TakeOver>) | undefined;
  /** `gemloop.workers` exists already (the worker's versioned tables made it). @defaultValue false */
  migrated?: boolean | undefined;
  /**
   * This worker's DBOS application version, recorded with each beat beside its @gemloop/dbos
   * version and storage format (the fleet's version fence reads them: fleet-versions.ts).
   */
  applicationVersion?: string | undefined;
}): Promise<{ stop(options: { dead: boolean }): Promise<void> }> {
  if (!migrated) await migrateWorkerLiveness(pool);
  // deadAfterMs as a Postgres timeout: an integer of milliseconds, at least 1 s, at most 2^31-1.
  const idleLimitMs = Number.isFinite(deadAfterMs)
    ? Math.min(2_147_483_647, Math.max(1000, Math.round(deadAfterMs)))
    : DEFAULT_DEAD_AFTER_MS;
  // By the clock when the query runs: now() is the sweep transaction's start, which a stalled
  // sweep would compare a worker's last beat with.
  const silentFor = (param: string): string =>
    `seen_at < clock_timestamp() - make_interval(secs => ${param})`;
  // A worker that left for good said so (`stop({ dead: true })`): nothing to wait for.
  const toldGone = `seen_at = 'epoch'`;
  // Who may be taken over: told gone, or silent while this worker watched ($4, see beat).
  // Whose process ended: its beats' session is gone from the server it beat on, and it has not
  // beaten since for `grace` (a live worker whose connection broke beats again on a new one).
  const ended = (grace: string): string =>
    `(session_pid IS NOT NULL AND session_server = pg_postmaster_start_time()
      AND seen_at < clock_timestamp() - make_interval(secs => ${grace})
      AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = session_pid))`;
  const takeable = (param: string, watched: string, grace: string): string =>
    `(${toldGone} OR ${ended(grace)} OR (${watched} AND ${silentFor(param)}))`;
  // Two heartbeats, in seconds (at most the silence a takeover waits anyway).
  const graceSeconds = Math.min(2 * heartbeatMs, deadAfterMs) / 1000;
  // One statement a heartbeat, on the beats' own connection: the beat, and one read of whether
  // anyone else is silent (Postgres runs a data-modifying WITH once, read or not). Almost every
  // beat finds no one, and the election below is five statements on a checked-out client
  // (BEGIN, the timeout, the lock, the read, COMMIT): it runs only when the read found someone,
  // and reads everything again under the lock. The beat and the read were two statements on two
  // connections every `heartbeatMs` on every worker of the fleet, and before that the election
  // ran on every sweep: an idle test worker's liveness made 20 statements a second at 300 ms
  // (bench/RESULTS.md, the dbos suites' test-speed passes).
  // This worker's unbroken run of beats, by the server's clock (ms): its start, and the last beat.
  const beats = { since: Number.NaN, last: Number.NaN };
  // Whether others' silence counts yet: this worker has beaten without a break for deadAfterMs.
  const watchedLongEnough = (): boolean => beats.last - beats.since >= deadAfterMs;
  // Who this worker is, with each beat: a row written by a version without these reads NULL.
  const recorded = [applicationVersion ?? null, gemloopDbosVersion() ?? null, STORAGE_FORMAT];
  const beat = async (): Promise<boolean> => {
    const { rows } = await beatPool.query<{ at: number; gone: boolean; silent: boolean }>(
      `WITH beat AS (
         INSERT INTO gemloop.workers (app, executor_id, seen_at, session_pid, session_server,
           app_version, gemloop_version, storage_format)
         VALUES ($1, $2, now(), pg_backend_pid(), pg_postmaster_start_time(), $5, $6, $7)
         ON CONFLICT (app, executor_id) DO UPDATE SET seen_at = now(),
           session_pid = EXCLUDED.session_pid, session_server = EXCLUDED.session_server,
           app_version = EXCLUDED.app_version, gemloop_version = EXCLUDED.gemloop_version,
           storage_format = EXCLUDED.storage_format)
       SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS at,
         EXISTS (SELECT 1 FROM gemloop.workers
           WHERE app = $1 AND executor_id <> $2 AND (${toldGone} OR ${ended('$4')})) AS gone,
         EXISTS (SELECT 1 FROM gemloop.workers
           WHERE app = $1 AND executor_id <> $2 AND ${silentFor('$3')}) AS silent`,
      [appName, executorId, deadAfterMs / 1000, graceSeconds, ...recorded],
    );
    const { at = Number.NaN, gone = false, silent = false } = rows[0] ?? {};
    // A gap this long in its own beats: Postgres (or this process) was away, and so, maybe, was
    // everyone else's beat. Their silence is counted again from here.
    if (!(at - beats.last <= deadAfterMs / 2)) beats.since = at;
    beats.last = at;
    return gone || (silent && watchedLongEnough());
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
      const watched = watchedLongEnough();
      const dead = await client.query<{ executor_id: string }>(
        `SELECT executor_id FROM gemloop.workers
         WHERE app = $1 AND executor_id <> $2 AND ${takeable('$3', '$4', '$5')}
         ORDER BY executor_id`,
        [appName, executorId, deadAfterMs / 1000, watched, graceSeconds],
      );
      for (const { executor_id: deadId } of dead.rows) {
        const takeOver = await takeOverRuns(deadId);
        // Read again, on the lock's connection, right before acting: since the first read this
        // sweep may have stalled (DBOS's calls, a frozen process). The row claimed here (deleted
        // only if still silent) says the executor has not beaten since; a lost lock (the session
        // ended for idling) fails the query, and the sweep ends without resuming anything.
        const claimed = await client.query(
          `DELETE FROM gemloop.workers WHERE app = $1 AND executor_id = $2
             AND ${takeable('$3', '$4', '$5')}`,
          [appName, deadId, deadAfterMs / 1000, watched, graceSeconds],
        );
        if (claimed.rowCount !== 1) continue;
        for (const runId of takeOver.runIds) {
          // The lock is still this sweep's (the query fails once Postgres ended the session):
          // no other sweeper took these runs meanwhile. What is left is this one round trip.
          await client.query('SELECT 1');
          await takeOver.resume(runId);
        }
        // Told once the runs are re-enqueued: told before, a reader of the word (an operator, a
        // test) could find a run still PENDING on the dead executor.
        onTakeover({
          executorId: deadId,
          runIds: takeOver.runIds,
          otherVersions: takeOver.otherVersions,
        });
      }
    } finally {
      await client.query('COMMIT').catch(() => {});
      client.release();
    }
  };
  // A sweep runs beside the beats, never in their chain: a live worker chained its beats behind
  // its sweeps and went silent for as long as a sweep took (DBOS's calls under load, a resume
  // waiting on a row lock). A beat that finds someone silent starts one unless one is under way.
  let sweeping: Promise<void> | undefined;
  let beating: Promise<void> | undefined;
  const tick = async (): Promise<void> => {
    if (!(await beat()) || sweeping !== undefined) return;
    sweeping = sweep()
      .catch(onError)
      .finally(() => {
        sweeping = undefined;
      });
  };
  await beat();
  // Every `heartbeatMs`, skipping a tick while the previous beat is under way.
  const timer = setInterval(() => {
    if (beating !== undefined) return;
    beating = tick()
      .catch(onError)
      .finally(() => {
        beating = undefined;
      });
  }, heartbeatMs);
  timer.unref();
  return {
    async stop({ dead }) {
      clearInterval(timer);
      await beating;
      await sweeping;
      // A worker that leaves for good says so, so its paused runs move on at the next sweep.
      if (dead) {
        await beatPool
          .query(
            `UPDATE gemloop.workers SET seen_at = 'epoch' WHERE app = $1 AND executor_id = $2`,
            [appName, executorId],
          )
          .catch(onError);
      }
    },
  };
}

/**
 * Waits, before DBOS launches, until no other live process beats under this worker's executor id,
 * and throws when one does. DBOS recovers the PENDING workflows of its executor id when it
 * launches (`recoverPendingWorkflows`, `dist/src/dbos-executor.js` of `@dbos-inc/dbos-sdk` 5.3),
 * taking it for a restart of the same process: a second process given the id of a live one
 * re-ran every run the first was running, each tool call in flight made twice. A row beaten
 * within `deadAfterMs` is watched for two heartbeats: a crashed predecessor's stays still and the
 * start goes on (a restart waits that long, only when its predecessor beat recently); a live
 * one's moves, and the start fails naming the id. A predecessor stalled for the whole watch is
 * read as gone, as the fleet's takeover would read it.
 * @throws {@link InvalidArgumentError} (`executorId`) when a live process beats under the id.
 * @internal
 */
export async function checkExecutorIdFree({
  pool,
  appName,
  executorId,
  heartbeatMs = DEFAULT_HEARTBEAT_MS,
  deadAfterMs = DEFAULT_DEAD_AFTER_MS,
}: {
  pool: pg.Pool;
  appName: string;
  executorId: string;
  heartbeatMs?: number | undefined;
  deadAfterMs?: number | undefined;
}): Promise<void> {
  const lastBeat = async (): Promise<number | undefined> => {
    const { rows } = await pool.query<{ seen: number }>(
      `SELECT (extract(epoch FROM seen_at) * 1000)::float8 AS seen FROM gemloop.workers
       WHERE app = $1 AND executor_id = $2
         AND seen_at > clock_timestamp() - make_interval(secs => $3)`,
      [appName, executorId, deadAfterMs / 1000],
    );
    return rows[0]?.seen;
  };
  const first = await lastBeat();
  if (first === undefined) return;
  const watchUntil = Date.now() + Math.min(2 * heartbeatMs + 100, deadAfterMs);
  while (Date.now() < watchUntil) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(20, heartbeatMs / 3)));
    const seen = await lastBeat();
    if (seen !== undefined && seen !== first) {
      throw new InvalidArgumentError({
        argument: 'executorId',
        message: `startDurableWorker: a live worker of "${appName}" already runs as executor "${executorId}" (it beat while this one started). DBOS would recover that worker's runs here and run each call in flight a second time: give every process its own executorId (the default is unique), or stop the other process first.`,
      });
    }
  }
}

/**
 * The PENDING runs of a silent executor, and how to re-enqueue one (see {@link startWorkerLiveness}).
 * `otherVersions`: those recorded by another application version than this worker's, by version:
 * DBOS's queue gives them only to a worker of their version, so they wait for one.
 * @internal
 */
export type TakeOver = {
  runIds: string[];
  otherVersions?: ReadonlyMap<string, string[]> | undefined;
  resume(runId: string): Promise<void>;
};

async function resumePendingRuns(silentId: string): Promise<TakeOver> {
  const pending = await DBOS.listWorkflows({ status: 'PENDING', executorId: silentId });
  const queues = new Map(pending.map((workflow) => [workflow.workflowID, workflow.queueName]));
  const otherVersions = new Map<string, string[]>();
  for (const workflow of pending) {
    const version = workflow.applicationVersion;
    if (version === undefined || version === DBOS.applicationVersion) continue;
    otherVersions.set(version, [...(otherVersions.get(version) ?? []), workflow.workflowID]);
  }
  return {
    runIds: [...queues.keys()],
    otherVersions,
    async resume(runId) {
      const queueName = queues.get(runId);
      await DBOS.resumeWorkflow(runId, queueName === undefined ? {} : { queueName });
    },
  };
}

/**
 * Creates `gemloop.workers` when missing (idempotent, safe for processes starting at once). A
 * worker runs it among its versioned tables (migrate-worker-schema.ts), not at each start.
 * @internal
 */
export async function migrateWorkerLiveness(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    // Two workers starting at once would race on CREATE ... IF NOT EXISTS (a unique violation in
    // the catalog); the lock makes the second wait and find everything there.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('gemloop.schema'))`);
    await client.query('CREATE SCHEMA IF NOT EXISTS gemloop');
    await client.query(
      `CREATE TABLE IF NOT EXISTS gemloop.workers (
         app text NOT NULL, executor_id text NOT NULL, seen_at timestamptz NOT NULL,
         PRIMARY KEY (app, executor_id))`,
    );
    // The session a worker's last beat came on (see startWorkerLiveness): its process's end is
    // seen without waiting out its silence. NULL for a worker of a version that records none.
    await client.query(
      `ALTER TABLE gemloop.workers ADD COLUMN IF NOT EXISTS session_pid integer,
         ADD COLUMN IF NOT EXISTS session_server timestamptz`,
    );
    // Which versions a worker runs (fleet-versions.ts): NULL for a worker from before them.
    await client.query(
      `ALTER TABLE gemloop.workers ADD COLUMN IF NOT EXISTS app_version text,
         ADD COLUMN IF NOT EXISTS gemloop_version text,
         ADD COLUMN IF NOT EXISTS storage_format integer`,
    );
  });
}
