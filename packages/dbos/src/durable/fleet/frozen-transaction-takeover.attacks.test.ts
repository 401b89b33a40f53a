import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// A worker frozen (SIGSTOP, a suspended VM) in the middle of DBOS's record of a step: the record's
// transaction has locked the run's row (`#checkOwner`, `SELECT owner_xid ... FOR NO KEY UPDATE`,
// `dist/src/system_database.js` of `@dbos-inc/dbos-sdk` 5.3) and the process stopped before its
// COMMIT. Its session stays open, idle in that transaction, and the takeover's resume (an UPDATE
// of the same row) waits behind the lock: the run sat with no owner for as long as Postgres kept
// the session, DBOS's `idle_in_transaction_session_timeout`, 60 s by default
// (`DEFAULT_IDLE_TRANSACTION_TIMEOUT_MS`), whatever the worker's `deadAfterMs`.
describe('a worker frozen or killed inside a DBOS transaction', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let databaseUrl: string;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  const counter = createCounter();
  const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

  beforeAll(async () => {
    fake = createFakeGemini({
      script: (_request, context) =>
        context.functionResponses.some((response) => response.name === 'slow')
          ? turn.text('Order 7 checked.')
          : turn.call('slow', { order: '7' }),
    });
    await fake.listen();
    databaseUrl = await workerDatabase('frozen_transaction');
    env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      HOLD_DIR: holdDirectory,
      LOG_LEVEL: 'warn',
    };
    // The owner: alone when the run starts, so it picks the run. Its deadAfterMs (3 s) is what
    // its own open transactions may outlive; frozen, it judges no one.
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'frozen-tx-a', DEAD_AFTER_MS: '3000' }));
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    rmSync(holdDirectory, { recursive: true, force: true });
    await runs?.close();
    for (const worker of workers) {
      worker.child.kill('SIGCONT');
      await stopWorker(worker, 'SIGKILL');
    }
    await fake?.close();
  });

  it('holds the takeover back no longer than its deadAfterMs: Postgres ends the frozen transaction and the new owner runs the step', async () => {
    const owner = workers[0] as WorkerProcess;
    const runId = 'frozen-record';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('support', { runId, input: 'Check order 7' });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    expect((await runs.status(runId))?.executorId).toBe(owner.executorId);
    // The new owner: never judges by silence (the fixture's 10 minutes); told of the freeze below.
    const taker = await startWorker({ ...env, EXECUTOR_ID: 'frozen-tx-b' });
    workers.push(taker);

    const locker = new pg.Client({ connectionString: databaseUrl });
    const watcher = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    await watcher.connect();
    // The owner's DBOS sessions (DBOS names them after the executor) and what each is doing.
    const ownerSessions = async (): Promise<{ state: string; waiting: string | null }[]> => {
      const { rows } = await watcher.query<{ state: string; waiting: string | null }>(
        `SELECT state, wait_event_type AS waiting FROM pg_stat_activity
         WHERE datname = current_database() AND starts_with(application_name, $1)`,
        [`dbos_transact_${owner.executorId}_`],
      );
      return rows;
    };
    try {
      // The run's row locked here, so the owner's record of slow waits inside its transaction.
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM dbos.workflow_status WHERE workflow_uuid = $1 FOR UPDATE`, [
        runId,
      ]);
      rmSync(join(holdDirectory, runId));
      await waitFor(
        async () => (await ownerSessions()).some((session) => session.waiting === 'Lock'),
        "the owner's record of the step to wait for the run's row",
      );
      // Frozen while it waits; the lock is then granted to its transaction, with no COMMIT to come.
      owner.child.kill('SIGSTOP');
      const frozenAt = Date.now();
      await locker.query('COMMIT');
      await waitFor(
        async () =>
          (await ownerSessions()).some((session) => session.state === 'idle in transaction'),
        "the frozen owner's transaction to hold the run's row",
      );

      // Told gone (again at each look: a beat sent before the stop may land after the word). A
      // row the sweep has claimed (deleted in its transaction, open while its resume waits for
      // the run's row) is skipped: waiting for it here would wait for that resume.
      // A hang guard well under DBOS's 60 s default: the takeover waited that long before.
      await waitFor(
        async () => {
          await watcher.query(
            `UPDATE gemloop.workers SET seen_at = 'epoch' WHERE executor_id = (
           SELECT executor_id FROM gemloop.workers WHERE executor_id = $1 FOR UPDATE SKIP LOCKED)`,
            [owner.executorId],
          );
          return counter.count(`start slow ${runId}:`) === 2;
        },
        "the new owner to run the step (the frozen owner's transaction held the run's row)",
        30_000,
        100,
      );
      expect((await runs.result(runId)).text).toBe('Order 7 checked.');
      expect(await runs.status(runId)).toMatchObject({
        status: 'SUCCESS',
        executorId: taker.executorId,
      });
      // One record of the step, the new owner's: the frozen transaction's was rolled back.
      const { rows } = await watcher.query<{ started: string }>(
        `SELECT started_at_epoch_ms AS started FROM dbos.operation_outputs
         WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.tool:slow@%'`,
        [runId],
      );
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]?.started)).toBeGreaterThanOrEqual(frozenAt);
      const modelCalls = fake.modelRequests.length;
      expect(modelCalls).toBe(2);

      // Thawed: its session is gone, and the run is not its own any more. It stays up, and
      // neither starts a tool nor calls the model again.
      owner.child.kill('SIGCONT');
      await waitFor(
        () =>
          owner.output().includes(`Workflow ${runId} is no longer owned by this execution`) ||
          owner.child.exitCode !== null,
        'the thawed execution to find the run gone',
      );
      expect(owner.child.exitCode, owner.output()).toBeNull();
      expect(counter.count(`start slow ${runId}:`)).toBe(2);
      expect(fake.modelRequests).toHaveLength(modelCalls);
    } finally {
      await locker.end();
      await watcher.end();
    }
  });

  // A killed worker's statement that was waiting on the run's row finishes after the takeover
  // began (the kill leaves its backend waiting: Postgres sees the closed connection only when it
  // next writes to it or reads from it): it gets the lock once the row is free, cannot send its
  // rows, and its session ends with the transaction rolled back. No COMMIT comes from a dead
  // process, and DBOS records a step only inside BEGIN ... COMMIT (`#inTransaction`).
  it("lets a killed worker's statement finish after the takeover began without recording anything", async () => {
    // Neither worker judges by silence from here: the thawed one (3 s) leaves, a fresh one comes.
    await stopWorker(workers[0] as WorkerProcess, 'SIGKILL');
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'frozen-tx-c' }));
    const runId = 'killed-record';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('support', { runId, input: 'Check order 9' });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const ownerId = (await runs.status(runId))?.executorId;
    const owner = workers.find((worker) => worker.executorId === ownerId) as WorkerProcess;
    const survivor = workers.find(
      (worker) =>
        worker.executorId !== ownerId &&
        worker.child.exitCode === null &&
        worker.child.signalCode === null,
    ) as WorkerProcess;
    expect([owner.executorId, survivor.executorId].sort()).toEqual(['frozen-tx-b', 'frozen-tx-c']);

    const locker = new pg.Client({ connectionString: databaseUrl });
    const watcher = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    await watcher.connect();
    const waitingOnLock = async (worker: WorkerProcess): Promise<boolean> => {
      const { rows } = await watcher.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
         WHERE datname = current_database() AND starts_with(application_name, $1) AND wait_event_type = 'Lock'`,
        [`dbos_transact_${worker.executorId}_`],
      );
      return (rows[0]?.waiting ?? 0) > 0;
    };
    try {
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM dbos.workflow_status WHERE workflow_uuid = $1 FOR UPDATE`, [
        runId,
      ]);
      rmSync(join(holdDirectory, runId));
      await waitFor(
        () => waitingOnLock(owner),
        "the owner's record of the step to wait for the row",
      );
      await stopWorker(owner, 'SIGKILL');
      const killedAt = Date.now();
      // The takeover begins (told at once, as crashWorker does) and its resume waits for the row
      // too, queued behind the dead worker's statement.
      await waitFor(async () => {
        await watcher.query(
          `UPDATE gemloop.workers SET seen_at = 'epoch' WHERE executor_id = (
           SELECT executor_id FROM gemloop.workers WHERE executor_id = $1 FOR UPDATE SKIP LOCKED)`,
          [owner.executorId],
        );
        return waitingOnLock(survivor);
      }, "the survivor's takeover to wait for the run's row");
      await locker.query('COMMIT');

      const story = async (): Promise<string> => {
        const { rows: sessions } = await watcher.query(
          `SELECT application_name, state, wait_event_type, left(query, 120) AS query FROM pg_stat_activity WHERE datname = current_database()`,
        );
        return `${JSON.stringify(await runs.status(runId))}\n${JSON.stringify(sessions, null, 1)}\n--- survivor:\n${survivor.output()}\n--- counter:\n${counter.lines().join('\n')}`;
      };
      try {
        await waitFor(
          async () => (await runs.status(runId))?.status === 'SUCCESS',
          'the run to end',
          60_000,
          200,
        );
      } catch (error) {
        throw new Error(`${String(error)}\n${await story()}`);
      }
      expect((await runs.result(runId)).text).toBe('Order 7 checked.');
      expect(await runs.status(runId)).toMatchObject({
        status: 'SUCCESS',
        executorId: survivor.executorId,
      });
      const { rows } = await watcher.query<{ started: string }>(
        `SELECT started_at_epoch_ms AS started FROM dbos.operation_outputs
         WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.tool:slow@%'`,
        [runId],
      );
      // One record of the step, the survivor's: the dead worker's never committed.
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]?.started)).toBeGreaterThanOrEqual(killedAt);
      expect(counter.count(`start slow ${runId}:`)).toBe(2);
    } finally {
      await locker.end();
      await watcher.end();
    }
  });
});
