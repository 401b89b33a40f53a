import { DBOSClient, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import type { RunPauser } from '../approvals/approvals.ts';
import { stopOwnedRun } from '../approvals/stop-owned-run.ts';
import { pauseForChild } from './child-waits.ts';

// leftovers44: a parent pauses while its child waits for an approval (pauseForChild), with the
// approval hook's stop. DBOS's own cancel of the parent (an operator's `cancelWorkflow`) that
// lands between its lookup and that stop clears its owner, so the fenced stop was refused: the
// parent ended with a conflict error, its wait row still `waiting` (listed as awaiting approval
// after a person cancelled it). The approval hook's `stopOrCancelled` (leftovers43) now stops it.
// Real statements against Postgres; the hold point is the pauser's stop, where DBOS's cancel is
// made before the real fenced stop.

vi.mock('@dbos-inc/dbos-sdk/internal/context', () => ({ currentOwnerXid: () => 'xid-O' }));

let pool: pg.Pool;
let client: DBOSClient;
let runs = 0;
let parent = '';
const child = (): string => `${parent}/1.0:c1`;

beforeAll(async () => {
  const databaseUrl = await workerDatabase('child_wait_race');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl });
});
afterAll(async () => {
  await client?.destroy();
  await pool?.end();
});
beforeEach(async () => {
  parent = `parent-${++runs}`;
  // The parent's workflow as DBOS leaves it while the execution xid-O runs it.
  await pool.query(
    `INSERT INTO dbos.workflow_status (workflow_uuid, status, owner_xid, queue_name, updated_at)
     VALUES ($1, 'PENDING', 'xid-O', 'gemloop.runs', 1)`,
    [parent],
  );
});

/** A pauser whose stop runs `meanwhile` (the hold point) right before the real fenced stop. */
function pauserWith(meanwhile: () => Promise<void>): RunPauser {
  return {
    pool,
    stop: async (id, ownerXid) => {
      await meanwhile();
      await stopOwnedRun(pool, id, ownerXid);
    },
    resume: async () => {
      throw new Error('not resumed in these tests');
    },
  };
}

async function rows() {
  const { rows: found } = await pool.query<{ tool_call_id: string; waiting: boolean }>(
    `SELECT tool_call_id, waiting FROM gemloop.approvals WHERE run_id = $1 ORDER BY tool_call_id`,
    [parent],
  );
  return found;
}

describe('a paused child’s parent when DBOS’s own cancel lands between its lookup and its stop', () => {
  it('ends cancelled, its wait on the child no longer waiting and its cancel marked', async () => {
    const pauser = pauserWith(() => client.cancelWorkflow(parent));
    await expect(pauseForChild(pauser, parent, child())).rejects.toBeInstanceOf(
      DBOSErrors.DBOSWorkflowCancelledError,
    );
    expect(await rows()).toEqual([
      { tool_call_id: '', waiting: false },
      { tool_call_id: 'child:1.0:c1', waiting: false },
    ]);
  });

  it('ends cancelled too when DBOS’s cancel came before its lookup', async () => {
    await client.cancelWorkflow(parent);
    await expect(
      pauseForChild(
        pauserWith(async () => {}),
        parent,
        child(),
      ),
    ).rejects.toBeInstanceOf(DBOSErrors.DBOSWorkflowCancelledError);
    expect(await rows()).toEqual([
      { tool_call_id: '', waiting: false },
      { tool_call_id: 'child:1.0:c1', waiting: false },
    ]);
  });

  it('still pauses when nothing lands meanwhile (stopped, then its row paused)', async () => {
    const pauser = pauserWith(async () => {});
    await expect(pauseForChild(pauser, parent, child())).resolves.toBe(true);
    const { rows: paused } = await pool.query<{ waiting: boolean; paused: boolean }>(
      'SELECT waiting, paused FROM gemloop.approvals WHERE run_id = $1',
      [parent],
    );
    expect(paused).toEqual([{ waiting: true, paused: true }]);
  });

  it('leaves a conflict from another execution that took the parent over as a conflict', async () => {
    const pauser = pauserWith(async () => {
      await pool.query(
        `UPDATE dbos.workflow_status SET owner_xid = 'xid-N' WHERE workflow_uuid = $1`,
        [parent],
      );
    });
    await expect(pauseForChild(pauser, parent, child())).rejects.toBeInstanceOf(
      DBOSErrors.DBOSWorkflowConflictError,
    );
    expect(await rows()).toEqual([{ tool_call_id: 'child:1.0:c1', waiting: true }]);
  });
});
