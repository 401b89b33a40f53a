import { Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { stopOwnedRun } from './stop-owned-run.ts';

// leftovers42: a run pauses (approval, paused child) or parks (webhook) itself by stopping its
// workflow. With DBOS's `cancelWorkflow` (no owner check), an execution that froze before its
// stop while another worker took the run over cancelled the taker's run when it thawed. The
// workflow rows are forged as DBOS leaves them (owner_xid of the execution that holds the run).
describe('a run’s stop is fenced by the calling execution’s owner token', () => {
  let pool: pg.Pool;
  const row = async (runId: string) =>
    (
      await pool.query<{ status: string; owner_xid: string | null; queue_name: string | null }>(
        `SELECT status, owner_xid, queue_name FROM dbos.workflow_status WHERE workflow_uuid = $1`,
        [runId],
      )
    ).rows[0];
  const forge = async (runId: string, status: string, owner: string | null) => {
    await pool.query(
      `INSERT INTO dbos.workflow_status (workflow_uuid, status, owner_xid, queue_name, updated_at)
       VALUES ($1, $2, $3, 'gemloop.runs', 1)`,
      [runId, status, owner],
    );
  };

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await workerDatabase('stop_owned_run'), max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
  });

  it('leaves a run taken over by another execution running: the stale one gets a conflict', async () => {
    await forge('taken', 'PENDING', 'xid-N');
    await expect(stopOwnedRun(pool, 'taken', 'xid-O')).rejects.toBeInstanceOf(
      DBOSErrors.DBOSWorkflowConflictError,
    );
    expect(await row('taken')).toEqual({
      status: 'PENDING',
      owner_xid: 'xid-N',
      queue_name: 'gemloop.runs',
    });
  });

  it('stops the run for the execution that owns it, as DBOS’s cancel does', async () => {
    await forge('owned', 'PENDING', 'xid-O');
    await stopOwnedRun(pool, 'owned', 'xid-O');
    expect(await row('owned')).toEqual({ status: 'CANCELLED', owner_xid: null, queue_name: null });
    const { rows } = await pool.query<{ updated_at: string }>(
      `SELECT updated_at FROM dbos.workflow_status WHERE workflow_uuid = 'owned'`,
    );
    // The time the paused-run readers compare an outside cancel with (run-pauses.ts, stopped_at).
    expect(Number(rows[0]?.updated_at)).toBeGreaterThan(1);
  });

  it('does not re-stamp a run DBOS’s own cancel stopped meanwhile (its owner cleared)', async () => {
    await forge('cancelled', 'CANCELLED', null);
    await expect(stopOwnedRun(pool, 'cancelled', 'xid-O')).rejects.toBeInstanceOf(
      DBOSErrors.DBOSWorkflowConflictError,
    );
    const { rows } = await pool.query<{ updated_at: string }>(
      `SELECT updated_at FROM dbos.workflow_status WHERE workflow_uuid = 'cancelled'`,
    );
    expect(rows[0]?.updated_at).toBe('1');
  });

  it('leaves an ended run as it is, and stops without a check when no execution calls it', async () => {
    await forge('ended', 'SUCCESS', null);
    await expect(stopOwnedRun(pool, 'ended', 'xid-O')).rejects.toBeInstanceOf(
      DBOSErrors.DBOSWorkflowConflictError,
    );
    expect((await row('ended'))?.status).toBe('SUCCESS');
    await forge('outside', 'PENDING', 'xid-N');
    await stopOwnedRun(pool, 'outside', undefined);
    expect((await row('outside'))?.status).toBe('CANCELLED');
  });
});
