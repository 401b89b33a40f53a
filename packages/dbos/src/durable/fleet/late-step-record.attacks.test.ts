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

// A worker taken over that comes back: frozen inside a tool (SIGSTOP), its run taken over, the
// new owner records that tool's step and ends the run, then the old process is thawed, its tool
// returns and DBOS writes that step's result late, after the new owner's record of the same step.
// DBOS (5.3) fences every write of an execution by the run's ownership token: a step's record is
// one transaction that first locks the run's row and compares its `owner_xid` with the
// execution's (`recordOperationResultInternal` -> `#checkOwner`, `SELECT owner_xid ... FOR NO KEY
// UPDATE`, `dist/src/system_database.js`), and a takeover gives the run a new token (the resume
// clears it, the dequeue sets a new one); the insert keeps the first row of a step
// (`ON CONFLICT (workflow_uuid, function_id) DO UPDATE SET completed_at_epoch_ms =
// operation_outputs.completed_at_epoch_ms`). So the late record is refused
// (`DBOSWorkflowConflictError`) and the execution parks ("is no longer owned by this execution",
// `dist/src/dbos-executor.js`): the new owner's record and answer stand, and the old execution
// makes no model call or tool start of its own after the thaw. The one call it had in flight
// finishes (a takeover makes that call again: at-least-once, the idempotency key says so).
//
// No silence is waited out: the frozen worker is told gone as a worker that leaves says it
// (`seen_at = 'epoch'`, worker-liveness.ts), so no live worker's late heartbeat at load can
// change who owns what (every worker keeps the fixture's 10 minutes of `deadAfterMs`).
describe('a taken-over worker that comes back and records its step late', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let databaseUrl: string;
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
    databaseUrl = await workerDatabase('late_record');
    const env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      HOLD_DIR: holdDirectory,
      // DBOS's word when an execution ends without owning its run (at `warn`).
      LOG_LEVEL: 'warn',
    };
    // One after the other: the first migrates the fresh database.
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'late-a' }));
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'late-b' }));
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    rmSync(holdDirectory, { recursive: true, force: true });
    await runs?.close();
    for (const worker of workers) {
      // A frozen worker must be thawed to take a signal other than SIGKILL.
      worker.child.kill('SIGCONT');
      await stopWorker(worker, 'SIGKILL');
    }
    await fake?.close();
  });

  it("refuses the old owner's late record of a step the new owner recorded: the new owner's record and answer stand", async () => {
    const runId = 'late-record';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('support', { runId, input: 'Check order 7' });
    // Frozen once the events before the tool are written (a write holds the run's row locked
    // while it commits: a process frozen there would hold the takeover back, see the report of
    // cancel-takeover.test.ts), and inside the tool, held there.
    for await (const { event } of runs.events(runId)) {
      if (event.type === 'tool-call' && event.toolName === 'slow') break;
    }
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const ownerId = (await runs.status(runId))?.executorId;
    const [owner, taker] = (
      ownerId === 'late-a' ? [workers[0], workers[1]] : [workers[1], workers[0]]
    ) as [WorkerProcess, WorkerProcess];
    expect(ownerId).toBe(owner.executorId);
    owner.child.kill('SIGSTOP');
    const frozenAt = Date.now();

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // Told gone, again at each look: a beat the frozen process had sent before the stop may
      // land after the first word and say it is alive. A row a sweep has claimed (deleted in its
      // transaction, still open while it resumes the runs) is skipped, never waited for.
      await waitFor(async () => {
        await client.query(
          `UPDATE gemloop.workers SET seen_at = 'epoch' WHERE executor_id = (
           SELECT executor_id FROM gemloop.workers WHERE executor_id = $1 FOR UPDATE SKIP LOCKED)`,
          [owner.executorId],
        );
        return counter.count(`start slow ${runId}:`) === 2;
      }, 'the new owner to start the slow tool');
      expect((await runs.status(runId))?.executorId).toBe(taker.executorId);

      // The new owner records the step and answers; the old one is still frozen in the tool.
      rmSync(join(holdDirectory, runId));
      expect((await runs.result(runId)).text).toBe('Order 7 checked.');
      const slowStep = async (): Promise<{
        started: number;
        completed: number;
        output: string;
      }> => {
        const { rows } = await client.query<{ started: string; completed: string; output: string }>(
          `SELECT started_at_epoch_ms AS started, completed_at_epoch_ms AS completed, output
           FROM dbos.operation_outputs
           WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.tool:slow@%'`,
          [runId],
        );
        expect(rows).toHaveLength(1);
        const row = rows[0] as { started: string; completed: string; output: string };
        return {
          started: Number(row.started),
          completed: Number(row.completed),
          output: row.output,
        };
      };
      const recorded = await slowStep();
      // Started after the freeze: the new owner's execution of the tool, not the frozen one's.
      expect(recorded.started).toBeGreaterThanOrEqual(frozenAt);
      const modelCallsBeforeThaw = fake.modelRequests.length;
      // The old owner's call that asked for the tool (recorded before it froze), the new owner's answer.
      expect(modelCallsBeforeThaw).toBe(2);

      // Thawed: its tool returns (the hold is gone) and DBOS records the step late.
      owner.child.kill('SIGCONT');
      await waitFor(
        () =>
          owner.output().includes(`Workflow ${runId} is no longer owned by this execution`) ||
          owner.child.exitCode !== null,
        'the thawed execution to find the run gone',
      );
      expect(owner.child.exitCode, owner.output()).toBeNull();
      // The call it had in flight ran to its end (the takeover made it again): nothing else.
      expect(counter.lines().filter((line) => line.includes(` ${runId}:`))).toEqual([
        expect.stringMatching(new RegExp(`^start slow ${runId}:`)),
        expect.stringMatching(new RegExp(`^start slow ${runId}:`)),
        expect.stringMatching(new RegExp(`^done slow ${runId}:`)),
        expect.stringMatching(new RegExp(`^done slow ${runId}:`)),
      ]);
      // The first record stands, byte for byte; the run's outcome is the new owner's.
      expect(await slowStep()).toEqual(recorded);
      expect(await runs.status(runId)).toMatchObject({
        status: 'SUCCESS',
        executorId: taker.executorId,
      });
      expect((await runs.result(runId)).text).toBe('Order 7 checked.');
      // No model call after the thaw; the answer call was the new owner's.
      expect(fake.modelRequests).toHaveLength(modelCallsBeforeThaw);
      const senders = fake.requests.map((request) => request.headers['x-test-worker']);
      expect(senders.at(-1)).toBe(taker.executorId);
    } finally {
      await client.end();
    }

    // The fleet goes on: a next run ends on whichever worker picks it.
    const next = 'late-record-next';
    await runs.start('support', { runId: next, input: 'Check order 8' });
    expect((await runs.result(next)).text).toBe('Order 7 checked.');
  });
});
