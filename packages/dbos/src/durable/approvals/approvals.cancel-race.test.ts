import { DBOS, DBOSClient, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import type { BeforeToolCallContext } from '@gemloop/core/agent';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { createApprovalHook, type RunPauser } from './approvals.ts';
import { stopOwnedRun } from './stop-owned-run.ts';

// leftovers43 (leftovers42's note): DBOS's own cancel (an operator's `DBOSClient.cancelWorkflow`)
// that lands between the approval hook's lookup (which saw the run running) and the run's stop
// clears the run's owner, so the fenced stop is refused. The run ended with a conflict error
// while its approval row stayed `waiting`: listed as awaiting approval after a person cancelled
// it. The hook runs here on its real statements against Postgres, with DBOS's workflow context
// stood in for (no worker); the hold point is the pauser's stop, where DBOS's cancel is made
// before the real fenced stop.

vi.mock('@dbos-inc/dbos-sdk/internal/context', () => ({ currentOwnerXid: () => 'xid-O' }));

let pool: pg.Pool;
let client: DBOSClient;
let runs = 0;
const newRun = (): string => `race-${++runs}`;
let runId = '';

beforeAll(async () => {
  const databaseUrl = await workerDatabase('approvals_race');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl });
});
afterAll(async () => {
  await client?.destroy();
  await pool?.end();
});
beforeEach(() => {
  runId = newRun();
  vi.spyOn(DBOS, 'workflowID', 'get').mockImplementation(() => runId);
  vi.spyOn(DBOS, 'setEvent').mockImplementation(async () => {});
  vi.spyOn(DBOS, 'runStep').mockImplementation(async (body) => body());
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The run's workflow as DBOS leaves it while the execution `owner` runs it. */
async function forgeRunning(owner: string): Promise<void> {
  await pool.query(
    `INSERT INTO dbos.workflow_status (workflow_uuid, status, owner_xid, queue_name, updated_at)
     VALUES ($1, 'PENDING', $2, 'gemloop.runs', 1)`,
    [runId, owner],
  );
}

/** A hook whose pause runs `meanwhile` (the hold point) right before the real fenced stop. */
function hookWith(meanwhile: () => Promise<void>) {
  const pauser: RunPauser = {
    pool,
    stop: async (id, ownerXid) => {
      await meanwhile();
      await stopOwnedRun(pool, id, ownerXid);
    },
    resume: async () => {
      throw new Error('not resumed in these tests');
    },
  };
  const { hook } = createApprovalHook({
    needsApproval: ['refund'],
    userHook: undefined,
    timeoutMs: 60_000,
    flush: async () => {},
    pauser,
    stateOf: () => undefined,
  });
  return hook as NonNullable<typeof hook>;
}

const call: BeforeToolCallContext = {
  toolName: 'refund',
  toolCallId: 'c1',
  args: { order: '7' },
  rawArgs: { order: '7' },
  stepNumber: 1,
  callIndex: 0,
  contents: [],
  signal: new AbortController().signal,
  path: [],
};

async function rows() {
  const { rows: found } = await pool.query<{
    tool_call_id: string;
    waiting: boolean;
    paused: boolean;
  }>(
    `SELECT tool_call_id, waiting, paused FROM gemloop.approvals WHERE run_id = $1 ORDER BY tool_call_id`,
    [runId],
  );
  return found;
}

describe('the approval hook when DBOS’s own cancel lands between its lookup and its stop', () => {
  it('ends the run cancelled, its approval no longer waiting and its cancel marked', async () => {
    await forgeRunning('xid-O');
    const hook = hookWith(() => client.cancelWorkflow(runId));
    await expect(hook(call)).rejects.toBeInstanceOf(DBOSErrors.DBOSWorkflowCancelledError);
    // The marker row ('') says a person cancelled it: no approve() resumes it, no listing shows it.
    expect(await rows()).toEqual([
      { tool_call_id: '', waiting: false, paused: false },
      { tool_call_id: '1.0:c1', waiting: false, paused: false },
    ]);
    const { rows: status } = await pool.query<{ status: string }>(
      'SELECT status FROM dbos.workflow_status WHERE workflow_uuid = $1',
      [runId],
    );
    expect(status[0]?.status).toBe('CANCELLED');
  });

  it('leaves a run another execution took over and paused as that one left it: a conflict', async () => {
    await forgeRunning('xid-O');
    const hook = hookWith(async () => {
      // The taker (xid-N) reached the same call and paused: its stop, then its row marked paused.
      await pool.query(
        `UPDATE dbos.workflow_status SET owner_xid = 'xid-N' WHERE workflow_uuid = $1`,
        [runId],
      );
      await stopOwnedRun(pool, runId, 'xid-N');
      await pool.query(
        `UPDATE gemloop.approvals SET paused = true WHERE run_id = $1 AND tool_call_id = '1.0:c1'`,
        [runId],
      );
    });
    await expect(hook(call)).rejects.toBeInstanceOf(DBOSErrors.DBOSWorkflowConflictError);
    expect(await rows()).toEqual([{ tool_call_id: '1.0:c1', waiting: true, paused: true }]);
  });

  it('leaves a run another execution took over and still runs: a conflict, nothing marked', async () => {
    await forgeRunning('xid-O');
    const hook = hookWith(async () => {
      await pool.query(
        `UPDATE dbos.workflow_status SET owner_xid = 'xid-N' WHERE workflow_uuid = $1`,
        [runId],
      );
    });
    await expect(hook(call)).rejects.toBeInstanceOf(DBOSErrors.DBOSWorkflowConflictError);
    expect(await rows()).toEqual([{ tool_call_id: '1.0:c1', waiting: true, paused: false }]);
  });
});
