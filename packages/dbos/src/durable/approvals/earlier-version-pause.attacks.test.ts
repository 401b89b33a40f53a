import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { ApprovalNotPendingError, createDurableRuns, type DurableRuns } from '../../index.ts';

// Change safety (attack48b): a run paused for approval by gemloop d5ff9c8 (before approval ids),
// read by this version after an upgrade with the same applicationVersion. Its rows are the old
// worker's, verbatim (__fixtures__/from-d5ff9c8, README there). Before: status() said
// `awaitingApproval: true` and pendingApprovals() listed nothing (its entries have no approvalId),
// so an approver's page showed a run waiting for nothing; approve() with the call id resumed it
// into a DurableReplayMismatchError that blamed the agent's plugins.

type Rows = {
  workflowEvents: { key: string; value: string; serialization: string }[];
  approvals: { tool_call_id: string; decision: null; waiting: boolean; paused: boolean }[];
  workflowStatus: string;
};

let runs: DurableRuns;
let pool: pg.Pool;
let rows: Rows;

beforeAll(async () => {
  const databaseUrl = await workerDatabase('earlier-version-pause');
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const file = new URL('../../__fixtures__/from-d5ff9c8/paused-run-rows.json', import.meta.url);
  rows = JSON.parse(await readFile(file, 'utf8')) as Rows;
});

afterAll(async () => {
  await runs?.close();
  await pool?.end();
});

/** A run of this version's client, its rows then made the old worker's paused run's. */
async function pausedByEarlierVersion(runId: string): Promise<void> {
  await runs.start('support', { runId, input: 'Refund order A-1.' });
  await pool.query('UPDATE dbos.workflow_status SET status = $2 WHERE workflow_uuid = $1', [
    runId,
    rows.workflowStatus,
  ]);
  for (const { key, value, serialization } of rows.workflowEvents) {
    await pool.query(
      `INSERT INTO dbos.workflow_events (workflow_uuid, key, value, serialization)
       VALUES ($1, $2, $3, $4)`,
      [runId, key, value, serialization],
    );
  }
  for (const row of rows.approvals) {
    await pool.query(
      `INSERT INTO gemloop.approvals (run_id, tool_call_id, decision, waiting, paused, deadline)
       VALUES ($1, $2, $3, $4, $5, now() + interval '7 days')`,
      [runId, row.tool_call_id, row.decision, row.waiting, row.paused],
    );
  }
}

describe('a run paused for approval by a gemloop from before approval ids', () => {
  it('is listed as waiting for its call, marked as the earlier version’s', async () => {
    await pausedByEarlierVersion('old-listed');
    expect(await runs.status('old-listed')).toMatchObject({ awaitingApproval: true });
    expect(await runs.pendingApprovals('old-listed')).toEqual([
      {
        approvalId: 'call_1_0',
        toolCallId: 'call_1_0',
        toolName: 'issue_refund',
        args: { order: 'A-1' },
        stepNumber: 1,
        callIndex: 0,
        earlierVersion: true,
      },
    ]);
  });

  it('refuses a decision, typed, saying why and what to do, and records nothing', async () => {
    await pausedByEarlierVersion('old-approved');
    const error = await runs
      .approve('old-approved', 'call_1_0', { type: 'approve' })
      .catch((thrown: unknown) => thrown);
    expect(ApprovalNotPendingError.isInstance(error)).toBe(true);
    const refused = error as ApprovalNotPendingError;
    expect(refused.state).toBe('earlier-version');
    expect(refused.message).toContain('before approval ids');
    expect(refused.message).toContain('runs.cancel');
    expect(refused.message).toContain('applicationVersion');
    const { rows: after } = await pool.query(
      'SELECT decision, paused FROM gemloop.approvals WHERE run_id = $1',
      ['old-approved'],
    );
    expect(after).toEqual([{ decision: null, paused: true }]);
    expect(await runs.status('old-approved')).toMatchObject({
      status: 'PENDING',
      awaitingApproval: true,
    });
  });

  it('can be cancelled', async () => {
    await pausedByEarlierVersion('old-cancelled');
    await runs.cancel('old-cancelled');
    expect(await runs.status('old-cancelled')).toMatchObject({
      status: 'CANCELLED',
      awaitingApproval: false,
    });
  });
});
