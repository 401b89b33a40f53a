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
  createDurableRuns,
  DurableReplayMismatchError,
  DurableRunError,
  type DurableRuns,
} from '../../index.ts';

// A run paused for an approval resumes by a replay. When the code that resumes it is not the code
// that recorded it (here its record says the call's tool step ran where this worker's code asks
// for the approval: a tool that gained `needsApproval` in a deploy while the run was paused, the
// record's step renamed to stand in for the old code), the approval's step meets another step's
// record. Only the model, tool and plugin steps turned DBOS's `DBOSUnexpectedStepError` into the
// typed mismatch (attack45a); the approval's step let DBOS's own error end the run
// (leftovers54: one `runDurableStep` for every step).
describe("a paused run resumed by code whose approval step is not the record's", () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  let databaseUrl: string;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini({
      script: (_request, context) =>
        context.functionResponses.length > 0
          ? turn.text('refunded')
          : turn.call('refund', { order: '7', amount: 30 }),
    });
    await fake.listen();
    databaseUrl = await workerDatabase('approval_mismatch');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  it('ends with DurableReplayMismatchError naming both steps; the tool never runs', async () => {
    const runId = 'approval-mismatch';
    await runs.start('approver', { runId, input: 'refund order 7' });
    await waitFor(
      async () => (await runs.status(runId))?.awaitingApproval === true,
      `${runId} to pause`,
    );
    const [pending] = await runs.pendingApprovals(runId);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const renamed = await client.query(
        `UPDATE dbos.operation_outputs SET function_name = 'gemloop.tool:refund@1.0:old-code'
         WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.approval-request@%'`,
        [runId],
      );
      expect(renamed.rowCount).toBe(1);
    } finally {
      await client.end();
    }
    await runs.approve(runId, pending?.toolCallId as string, { type: 'approve' });
    const error = await runs.result(runId).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(DurableRunError.isInstance(error)).toBe(true);
    const { cause } = error as DurableRunError;
    expect(DurableReplayMismatchError.isInstance(cause)).toBe(true);
    expect(cause).toMatchObject({
      runId,
      recordedStep: 'gemloop.tool:refund@1.0:old-code',
      expectedStep: 'gemloop.approval-request@1.0',
    });
    expect((cause as Error).message).toContain('The run was recorded by other code');
    expect(counter.lines().filter((line) => line.includes(runId))).toEqual([]);
    // The model was asked once (before the pause), never on the replay.
    expect(fake.modelRequests).toHaveLength(1);
  });

  // The approval publishes its pending state (`DBOS.setEvent`, twice) before its step: a run
  // whose old code had a tool step there meets the first event's record first. DBOS's
  // `DBOSUnexpectedStepError` came out as it is (leftovers57: `durableSetEvent`).
  it("types the mismatch at the approval's event, before its step", async () => {
    const runId = 'approval-event-mismatch';
    await runs.start('approver', { runId, input: 'refund order 7' });
    await waitFor(
      async () => (await runs.status(runId))?.awaitingApproval === true,
      `${runId} to pause`,
    );
    const [pending] = await runs.pendingApprovals(runId);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // The first of the two events right before the approval's step.
      const renamed = await client.query(
        `UPDATE dbos.operation_outputs SET function_name = 'gemloop.tool:refund@1.0:old-code'
         WHERE workflow_uuid = $1 AND function_name = 'DBOS.setEvent' AND function_id = (
           SELECT function_id - 2 FROM dbos.operation_outputs
           WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.approval-request@%')`,
        [runId],
      );
      expect(renamed.rowCount).toBe(1);
    } finally {
      await client.end();
    }
    await runs.approve(runId, pending?.toolCallId as string, { type: 'approve' });
    const error = await runs.result(runId).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(DurableRunError.isInstance(error)).toBe(true);
    const { cause } = error as DurableRunError;
    expect(DurableReplayMismatchError.isInstance(cause)).toBe(true);
    expect(cause).toMatchObject({
      runId,
      recordedStep: 'gemloop.tool:refund@1.0:old-code',
      expectedStep: 'DBOS.setEvent',
    });
    expect(counter.lines().filter((line) => line.includes(runId))).toEqual([]);
  });
});
