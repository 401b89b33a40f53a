import { DBOSClient } from '@dbos-inc/dbos-sdk';
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
import { ApprovalNotPendingError, createDurableRuns, type DurableRuns } from '../../index.ts';
import { claimRunsToResume } from './run-pauses.ts';

// Runs paused for approval, acted on from outside gemloop's runs client while the clock runs: an
// operator's DBOS tools, and a fleet that is down past a call's deadline. Both describes share one
// fleet (their workers ran the same env: an approval timeout no test waits out, a 500 ms sweep); the deadline's
// test runs last, as it stops every worker (bench/RESULTS.md, helper speed-dbos52b:
// approval-deadline.attacks.test.ts folded in here). Each test reads its own run.

let fake: FakeGemini;
let runs: DurableRuns;
let client: DBOSClient;
let pool: pg.Pool;
let env: Record<string, string>;
const workers: WorkerProcess[] = [];
const counter = createCounter();

beforeAll(async () => {
  fake = createFakeGemini({
    script: (_request, context) => {
      const response = context.functionResponses[0];
      if (response !== undefined)
        return turn.text(`refund answered: ${JSON.stringify(response.response)}`);
      return turn.call('refund', { order: '7', amount: 30 });
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('dbos_admin');
  env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    // No call reaches its deadline by the clock: the tests that need it passed move it to now()
    // (expireDeadline). A 4 s timeout made the resume test a race: at load 50-80 its pause, DBOS's
    // resume, the second pause and the approval took longer, and the call timed out (a whole
    // run's failure, bench/RESULTS.md "Issue 53 at the forty-eighth session's end").
    APPROVAL_TIMEOUT_MS: '600000',
    APPROVAL_SWEEP_MS: '500',
  };
  workers.push(await startWorker({ ...env, EXECUTOR_ID: 'admin-a' }));
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
});

afterAll(async () => {
  await client?.destroy();
  await pool?.end();
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

/** Waits until `runId`'s call waits for approval; its tool call id. */
async function waitForApproval(runId: string): Promise<string> {
  await waitFor(
    async () => (await runs.pendingApprovals(runId)).length === 1,
    `${runId} to wait for approval`,
  );
  return (await runs.pendingApprovals(runId))[0]?.toolCallId as string;
}

/** Waits until `runId`'s approval row says its workflow stopped (listed a moment before). */
async function waitPaused(runId: string): Promise<void> {
  await waitFor(async () => {
    const { rows } = await pool.query<{ paused: boolean }>(
      `SELECT paused FROM gemloop.approvals WHERE run_id = $1 AND tool_call_id <> ''`,
      [runId],
    );
    return rows[0]?.paused === true;
  }, `${runId} to pause`);
}

/**
 * Moves the deadline of `runId`'s call (its row is written before the run says it pauses) to the
 * database's now: what the clock does at the end of `approvalTimeoutMs`, without a test waiting
 * on it. The sweep and `approve()` compare it with the database's clock as they would then.
 */
async function expireDeadline(runId: string): Promise<void> {
  const { rowCount } = await pool.query(
    `UPDATE gemloop.approvals SET deadline = now() WHERE run_id = $1 AND tool_call_id <> ''`,
    [runId],
  );
  expect(rowCount).toBe(1);
}

// An operator acts on gemloop's runs with DBOS's own tools (DBOSClient, the `dbos workflow` CLI),
// not through runs.cancel(). A run paused for approval is a CANCELLED workflow to DBOS, so DBOS's
// cancel of it changed nothing gemloop read: the run was still listed as awaiting approval, and
// a person's approve() afterwards resumed it and ran the refund the operator had cancelled.
describe('DBOS’s own admin actions on a run that waits for approval', () => {
  it('DBOS’s cancel ends the paused run: reported CANCELLED, a later approval refused, the refund never run', async () => {
    const { runId } = await runs.start('approver', {
      runId: 'outside-cancel',
      input: 'Refund order 7',
    });
    const toolCallId = await waitForApproval(runId);
    // Paused: its workflow stopped itself and its row says so.
    await waitPaused(runId);
    expect(await runs.status(runId)).toMatchObject({ status: 'PENDING', awaitingApproval: true });
    await client.cancelWorkflow(runId);

    expect(await runs.status(runId)).toMatchObject({
      status: 'CANCELLED',
      awaitingApproval: false,
    });
    expect(await runs.pendingApprovals(runId)).toEqual([]);
    const late = await runs
      .approve(runId, toolCallId, { type: 'approve' })
      .catch((error: unknown) => error);
    expect(ApprovalNotPendingError.isInstance(late)).toBe(true);
    expect(late).toMatchObject({ runId, state: 'cancelled' });
    // Past the call's deadline the sweep resumes paused runs to deny them: not this one. Its
    // claim is asked here too, once the deadline has passed by the database's clock.
    await expireDeadline(runId);
    expect(await claimRunsToResume(pool, { staleMs: 0 })).not.toContain(runId);
    expect((await client.getWorkflow(runId))?.status).toBe('CANCELLED');
    expect((await runs.status(runId))?.status).toBe('CANCELLED');
    expect(counter.count(`done refund ${runId}:`)).toBe(0);
    expect(
      fake.modelRequests.filter((request) =>
        JSON.stringify(request.body).includes('outside-cancel'),
      ),
    ).toEqual([]);
  });

  it('DBOS’s resume of a paused run: it pauses again, and one approval runs the refund once', async () => {
    const { runId } = await runs.start('approver', {
      runId: 'outside-resume',
      input: 'Refund order 7',
    });
    const toolCallId = await waitForApproval(runId);
    const stopped = (await client.getWorkflow(runId))?.updatedAt ?? 0;
    await client.resumeWorkflow(runId);
    // The replay reaches the call again and stops again (its workflow CANCELLED once more).
    await waitFor(async () => {
      const workflow = await client.getWorkflow(runId);
      return (
        workflow?.status === 'CANCELLED' &&
        (workflow.updatedAt ?? 0) > stopped &&
        (await runs.status(runId))?.awaitingApproval === true
      );
    }, 'the resumed run to pause again');
    await runs.approve(runId, toolCallId, { type: 'approve' });
    expect((await runs.result(runId)).text).toBe(
      'refund answered: {"order":"7","amount":30,"refunded":true}',
    );
    expect(counter.count(`done refund ${runId}:`)).toBe(1);
  });
});

// The clock across a crash: a call waits for approval for `approvalTimeoutMs`, then is denied.
// The fleet is down for longer than that (every worker gone, so no sweep denies it on time), and
// a person approves after the deadline: the decision was taken, and the refund ran when a worker
// came back, hours after the call's approval had expired.
describe('an approval that comes after the call’s deadline, while no worker runs', () => {
  it('refuses the late decision as timed out; the worker that comes back denies the call', async () => {
    const { runId } = await runs.start('approver', {
      runId: 'late-approval',
      input: 'Refund order 7',
    });
    const toolCallId = await waitForApproval(runId);
    // Paused: its row says so.
    await waitPaused(runId);
    // The fleet goes down while the call waits (its one worker), until its deadline has passed
    // (the database's clock, moved there).
    await stopWorker(workers.pop() as WorkerProcess, 'SIGKILL');
    expect(workers).toEqual([]);
    await expireDeadline(runId);

    const late = await runs
      .approve(runId, toolCallId, { type: 'approve' })
      .catch((error: unknown) => error);
    expect(ApprovalNotPendingError.isInstance(late)).toBe(true);
    expect(late).toMatchObject({ runId, state: 'timed-out' });

    // A worker comes back: its sweep denies the call, as it would have on time.
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'deadline-b' }));
    const result = await runs.result(runId);
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
    expect(counter.count(`done refund ${runId}:`)).toBe(0);
  });
});
