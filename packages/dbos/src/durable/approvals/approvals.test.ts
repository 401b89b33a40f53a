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
import {
  ApprovalNotPendingError,
  createDurableRuns,
  DurableRunError,
  type DurableRuns,
} from '../../index.ts';

/**
 * Asks for a refund of 30 on order 7, then reports what the tool answered. "Refund twice": one
 * turn with two refund calls that share the id `dup` (orders 7 and 8), then a step that reuses
 * `dup` (order 9), then reports the answers.
 */
function refundScript(): FakeGemini {
  return createFakeGemini({
    script: (request, context) => {
      const contents = request.body.contents ?? [];
      const first = contents[0]?.parts?.[0];
      if (first !== undefined && 'text' in first && first.text === 'Refund twice') {
        if (contents.length === 1) {
          return turn.calls([
            { name: 'refund', args: { order: '7', amount: 30 }, id: 'dup' },
            { name: 'refund', args: { order: '8', amount: 40 }, id: 'dup' },
          ]);
        }
        if (contents.length === 3)
          return turn.calls([{ name: 'refund', args: { order: '9', amount: 50 }, id: 'dup' }]);
        return turn.text(`answers: ${JSON.stringify(context.functionResponses)}`);
      }
      const response = context.functionResponses[0];
      if (response !== undefined)
        return turn.text(`refund answered: ${JSON.stringify(response.response)}`);
      return turn.call('refund', { order: '7', amount: 30 });
    },
  });
}

describe('approvals across time', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  const counter = createCounter();

  beforeAll(async () => {
    fake = refundScript();
    await fake.listen();
    const databaseUrl = await workerDatabase('approvals');
    env = { DATABASE_URL: databaseUrl, FAKE_URL: fake.url, COUNTER_FILE: counter.file };
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'approvals-a' }));
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  const waitForApproval = async (runId: string): Promise<string> => {
    await waitFor(
      async () => (await runs.pendingApprovals(runId)).length === 1,
      `${runId} to wait for approval`,
    );
    const [pending] = await runs.pendingApprovals(runId);
    expect(pending).toMatchObject({
      toolName: 'refund',
      args: { order: '7', amount: 30 },
      stepNumber: 1,
    });
    return pending?.toolCallId as string;
  };

  it('waits across a worker restart, then runs the call once approved', async () => {
    const { runId } = await runs.start('approver', {
      runId: 'approve-restart',
      input: 'Refund order 7',
    });
    const toolCallId = await waitForApproval(runId);
    // The watcher sees the pending call before any decision.
    const seen: string[] = [];
    for await (const { event } of runs.events(runId)) {
      seen.push(event.type);
      if (event.type === 'tool-call') break;
    }
    expect(seen).toContain('tool-call');

    // The worker dies while the run waits; a new process with the same id recovers it.
    await stopWorker(workers.pop() as WorkerProcess, 'SIGKILL');
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'approvals-a' }));
    expect(await runs.pendingApprovals(runId)).toHaveLength(1);
    expect(counter.count('done refund')).toBe(0);

    await runs.approve(runId, toolCallId, { type: 'approve' });
    const result = await runs.result(runId);
    expect(result.text).toBe('refund answered: {"order":"7","amount":30,"refunded":true}');
    expect(counter.lines()).toEqual([`done refund ${runId}:1.0:${toolCallId} 7 30`]);
    expect(await runs.pendingApprovals(runId)).toEqual([]);
    // A second decision for the same call is refused, typed.
    const late = await runs
      .approve(runId, toolCallId, { type: 'approve' })
      .catch((error: unknown) => error);
    expect(ApprovalNotPendingError.isInstance(late)).toBe(true);
    expect(late).toMatchObject({ runId, toolCallId, state: 'decided' });
  });

  it('rejects with a reason: the tool does not run and the model gets the reason', async () => {
    const { runId } = await runs.start('approver', {
      runId: 'approve-reject',
      input: 'Refund order 7',
    });
    const toolCallId = await waitForApproval(runId);
    await runs.approve(runId, toolCallId, {
      type: 'reject',
      reason: 'Refunds over 20 need a manager.',
    });
    const result = await runs.result(runId);
    expect(result.text).toContain('Refunds over 20 need a manager.');
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
    expect(counter.count(`done refund ${runId}:`)).toBe(0);
  });

  it('edits the arguments: the tool runs with the edited ones, checked by its schema', async () => {
    const { runId } = await runs.start('approver', {
      runId: 'approve-edit',
      input: 'Refund order 7',
    });
    const toolCallId = await waitForApproval(runId);
    await runs.approve(runId, toolCallId, { type: 'edit', args: { order: '7', amount: 10 } });
    const result = await runs.result(runId);
    expect(result.text).toBe('refund answered: {"order":"7","amount":10,"refunded":true}');
    expect(counter.lines()).toContain(`done refund ${runId}:1.0:${toolCallId} 7 10`);
    // The model's own call stays in the history as it was.
    expect(result.steps[0]?.toolCalls[0]?.rawArgs).toEqual({ order: '7', amount: 30 });
  });

  it('cancels a run that waits: it is listed as PENDING, then ends CANCELLED without running the call', async () => {
    const { runId } = await runs.start('approver', {
      runId: 'approve-cancel',
      input: 'Refund order 7',
    });
    const toolCallId = await waitForApproval(runId);
    expect((await runs.list({ status: 'PENDING' })).map((run) => run.runId)).toContain(runId);
    await runs.cancel(runId);
    const error = await runs.result(runId).catch((caught: unknown) => caught);
    expect(DurableRunError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ runId, status: 'CANCELLED' });
    expect((await runs.list({ status: 'CANCELLED' })).map((run) => run.runId)).toEqual([runId]);
    expect(counter.count(`done refund ${runId}:1.0:${toolCallId}`)).toBe(0);
  });

  it('two calls with one id in a turn, and the id reused in a later step: each waits for its own decision, with its own idempotency key', async () => {
    const runId = 'approve-duplicate-ids';
    await runs.start('approver', { runId, input: 'Refund twice' });
    const waitingCall = async (approvalId: string): Promise<void> => {
      await waitFor(
        async () => (await runs.pendingApprovals(runId))[0]?.approvalId === approvalId,
        `${runId} to wait for ${approvalId}`,
      );
    };

    await waitingCall('1.0:dup');
    expect(await runs.pendingApprovals(runId)).toEqual([
      {
        approvalId: '1.0:dup',
        toolCallId: 'dup',
        toolName: 'refund',
        args: { order: '7', amount: 30 },
        stepNumber: 1,
        callIndex: 0,
      },
    ]);
    // The model's id names the one call that waits: approving it approves that call only.
    await runs.approve(runId, 'dup', { type: 'approve' });
    await waitingCall('1.1:dup');
    // Approved, the first call still waits for the turn's other decision: a turn's calls start
    // together (in call order) once every decision of the turn is made.
    expect(counter.lines().filter((line) => line.includes(runId))).toEqual([]);
    expect((await runs.pendingApprovals(runId))[0]).toMatchObject({ args: { order: '8' } });
    await runs.approve(runId, '1.1:dup', { type: 'reject', reason: 'Not order 8.' });

    // Step 2 reuses the id: not approved by step 1's decisions.
    await waitingCall('2.0:dup');
    expect(counter.lines().filter((line) => line.includes(runId))).toHaveLength(1);
    await runs.approve(runId, '2.0:dup', { type: 'approve' });

    const result = await runs.result(runId);
    expect(result.steps.map((step) => step.toolCalls.map((call) => call.outcome))).toEqual([
      ['success', 'denied'],
      ['success'],
      [],
    ]);
    // One execution per approved call, each with a key of its own.
    expect(counter.lines().filter((line) => line.includes(runId))).toEqual([
      `done refund ${runId}:1.0:dup 7 30`,
      `done refund ${runId}:2.0:dup 9 50`,
    ]);
  });

  it('a stored decision that is not approve, reject or edit denies the call (fails closed)', async () => {
    const runId = 'approve-unreadable';
    await runs.start('approver', { runId, input: 'Refund order 7' });
    const toolCallId = await waitForApproval(runId);
    // What an approver of another version (or a hand-edited row) could leave: a decision this
    // version cannot read, then the run resumed as approve() resumes it.
    const pool = new pg.Pool({ connectionString: env['DATABASE_URL'] as string, max: 1 });
    const client = await DBOSClient.create({ systemDatabaseUrl: env['DATABASE_URL'] as string });
    try {
      // Paused: the run's workflow stopped after it published the call.
      await waitFor(
        async () =>
          (
            await pool.query(
              'SELECT 1 FROM gemloop.approvals WHERE run_id = $1 AND tool_call_id = $2 AND paused',
              [runId, `1.0:${toolCallId}`],
            )
          ).rowCount === 1,
        `${runId} to pause`,
      );
      const updated = await pool.query(
        `UPDATE gemloop.approvals SET decision = $3, paused = false
         WHERE run_id = $1 AND tool_call_id = $2 AND paused`,
        [runId, `1.0:${toolCallId}`, JSON.stringify({ type: 'approve-all' })],
      );
      expect(updated.rowCount).toBe(1);
      await client.resumeWorkflow(runId, { queueName: 'gemloop.runs' });
    } finally {
      await pool.end();
      await client.destroy();
    }
    const result = await runs.result(runId);
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
    expect(result.text).toContain('could not be read');
    expect(counter.count(`done refund ${runId}:`)).toBe(0);
  });

  it('refuses a decision for a call that does not wait', async () => {
    const error = await runs
      .approve('approve-edit', 'no-such-call', { type: 'approve' })
      .catch((caught: unknown) => caught);
    expect(ApprovalNotPendingError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ state: 'unknown' });
  });
});
