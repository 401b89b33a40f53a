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

// The clock across a crash: a call waits for approval for `approvalTimeoutMs`, then is denied.
// The fleet is down for longer than that (every worker gone, so no sweep denies it on time), and
// a person approves after the deadline: the decision was taken, and the refund ran when a worker
// came back, hours after the call's approval had expired.
describe('an approval that comes after the call’s deadline, while no worker runs', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let env: Record<string, string>;
  let databaseUrl: string;
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
    databaseUrl = await workerDatabase('approval_deadline');
    env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      // Long enough for the run to pause before it (a loaded machine), short for the test.
      APPROVAL_TIMEOUT_MS: '4000',
      APPROVAL_SWEEP_MS: '500',
    };
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'deadline-a' }));
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  it('refuses the late decision as timed out; the worker that comes back denies the call', async () => {
    const { runId } = await runs.start('approver', {
      runId: 'late-approval',
      input: 'Refund order 7',
    });
    await waitFor(
      async () => (await runs.pendingApprovals(runId)).length === 1,
      'the call to wait for approval',
    );
    const [pending] = await runs.pendingApprovals(runId);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // Paused: its row says so (the call is listed a moment before its worker looks it up).
      await waitFor(async () => {
        const { rows } = await client.query<{ paused: boolean }>(
          `SELECT paused FROM gemloop.approvals WHERE run_id = $1 AND tool_call_id <> ''`,
          [runId],
        );
        return rows[0]?.paused === true;
      }, 'the run to pause');
      // The fleet goes down while the call waits, until its deadline has passed (the database's clock).
      await stopWorker(workers.pop() as WorkerProcess, 'SIGKILL');
      await waitFor(async () => {
        const { rows } = await client.query<{ expired: boolean }>(
          `SELECT deadline <= now() AS expired FROM gemloop.approvals WHERE run_id = $1 AND tool_call_id <> ''`,
          [runId],
        );
        return rows[0]?.expired === true;
      }, 'the approval deadline to pass');
    } finally {
      await client.end();
    }

    const late = await runs
      .approve(runId, pending?.toolCallId as string, { type: 'approve' })
      .catch((error: unknown) => error);
    expect(ApprovalNotPendingError.isInstance(late)).toBe(true);
    expect(late).toMatchObject({ runId, state: 'timed-out' });

    // A worker comes back: its sweep denies the call, as it would have on time.
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'deadline-b' }));
    const result = await runs.result(runId);
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
    expect(counter.count('done refund')).toBe(0);
  });
});
