// The approvals table on its own, against the suite's real Postgres (no DBOS, no worker): each
// statement the approvals flow relies on, at the edges that decide who resumes a run.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../__fixtures__/fleet.ts';
import {
  approvalIdsOfCall,
  claimRunsToResume,
  lookupApproval,
  markCancelled,
  markPaused,
  migrateRunPauses,
  recordDecision,
  waitingRuns,
} from './run-pauses.ts';

const HOUR_MS = 60 * 60 * 1000;

let pool: pg.Pool;
let runs = 0;
/** A run id of its own per test: the tests share one table. */
const newRun = (): string => `run-${++runs}`;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshDatabase('pauses'), max: 4 });
  await migrateRunPauses(pool);
  // Twice, as every worker and client does at start: the second is a no-op.
  await migrateRunPauses(pool);
  // A stand-in for DBOS's workflow_status, in a schema of its own (claimRunsToResume's
  // `systemSchema`): the sweep's stale-run branch reads only these three columns.
  await pool.query('CREATE SCHEMA fake_dbos');
  await pool.query(
    'CREATE TABLE fake_dbos.workflow_status (workflow_uuid text PRIMARY KEY, status text, updated_at bigint)',
  );
  // And under DBOS's own name, empty: lookupApproval, markPaused and waitingRuns read the run's
  // workflow there (a cancel made with DBOS's own tools); these tests have no DBOS.
  await pool.query('CREATE SCHEMA dbos');
  await pool.query(
    'CREATE TABLE dbos.workflow_status (workflow_uuid text PRIMARY KEY, status text, updated_at bigint)',
  );
});
afterAll(async () => {
  await pool?.end();
});

async function row(runId: string, approvalId: string) {
  const { rows } = await pool.query(
    'SELECT decision, waiting, paused, deadline FROM gemloop.approvals WHERE run_id = $1 AND tool_call_id = $2',
    [runId, approvalId],
  );
  return rows[0] as
    | { decision: unknown; waiting: boolean; paused: boolean; deadline: Date | null }
    | undefined;
}

async function setWorkflow(runId: string, status: string, updatedAt: number): Promise<void> {
  await pool.query(
    `INSERT INTO fake_dbos.workflow_status VALUES ($1, $2, $3)
     ON CONFLICT (workflow_uuid) DO UPDATE SET status = $2, updated_at = $3`,
    [runId, status, updatedAt],
  );
}

describe('lookupApproval', () => {
  it('opens a waiting row with a deadline on first sight, and keeps that deadline after', async () => {
    const runId = newRun();
    expect(await lookupApproval(pool, runId, '1.0:c1', HOUR_MS)).toEqual({
      type: 'none',
      cancelled: false,
    });
    const first = await row(runId, '1.0:c1');
    expect(first).toMatchObject({ decision: null, waiting: true, paused: false });
    // A replay (or another worker) asks again with a shorter timeout: the first deadline holds,
    // so a run cannot be timed out early by whoever looks last.
    expect(await lookupApproval(pool, runId, '1.0:c1', 0)).toEqual({
      type: 'none',
      cancelled: false,
    });
    expect((await row(runId, '1.0:c1'))?.deadline).toEqual(first?.deadline);
  });

  it('says timed-out once the deadline has passed with no decision, and stops waiting', async () => {
    const runId = newRun();
    expect(await lookupApproval(pool, runId, '1.0:c1', 0)).toEqual({ type: 'timed-out' });
    expect(await row(runId, '1.0:c1')).toMatchObject({ waiting: false });
    expect(await lookupApproval(pool, runId, '1.0:c1', HOUR_MS)).toEqual({ type: 'timed-out' });
  });

  it('returns the decision recorded before the run looked, as stored', async () => {
    const runId = newRun();
    const decision = { type: 'edit', args: { amount: 5, note: 'halved' } } as const;
    expect(await recordDecision(pool, runId, '2.1:refund', decision)).toEqual({ paused: false });
    expect(await lookupApproval(pool, runId, '2.1:refund', HOUR_MS)).toEqual({
      type: 'decided',
      decision,
    });
    // Decided: not waiting any more, whatever the deadline.
    expect(await row(runId, '2.1:refund')).toMatchObject({ waiting: false });
  });
});

describe('recordDecision', () => {
  it('takes the first decision only; a second one for the same call changes nothing', async () => {
    const runId = newRun();
    await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
    expect(await recordDecision(pool, runId, '1.0:c1', { type: 'approve' })).toEqual({
      paused: false,
    });
    expect(
      await recordDecision(pool, runId, '1.0:c1', { type: 'reject', reason: 'too late' }),
    ).toBeUndefined();
    expect((await row(runId, '1.0:c1'))?.decision).toEqual({ type: 'approve' });
  });

  it('of many decisions sent at once for one call, exactly one is recorded', async () => {
    const runId = newRun();
    await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
    const reasons = ['a', 'b', 'c', 'd', 'e', 'f'];
    const results = await Promise.all(
      reasons.map((reason) => recordDecision(pool, runId, '1.0:c1', { type: 'reject', reason })),
    );
    expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    const winner = reasons[results.findIndex((result) => result !== undefined)];
    expect((await row(runId, '1.0:c1'))?.decision).toEqual({ type: 'reject', reason: winner });
  });

  it('tells the approver to resume a run that paused, and clears the pause', async () => {
    const runId = newRun();
    await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
    expect(await markPaused(pool, runId, '1.0:c1')).toBe('paused');
    expect(await recordDecision(pool, runId, '1.0:c1', { type: 'approve' })).toEqual({
      paused: true,
    });
    expect(await row(runId, '1.0:c1')).toMatchObject({ paused: false });
  });
});

describe('markPaused', () => {
  it('pauses a run with no decision before its deadline', async () => {
    const runId = newRun();
    await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
    expect(await markPaused(pool, runId, '1.0:c1')).toBe('paused');
    expect(await row(runId, '1.0:c1')).toMatchObject({ paused: true, waiting: true });
  });

  it('says resume when the decision came while the run stopped (the run resumes itself)', async () => {
    const runId = newRun();
    await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
    // The approver came first: it saw no pause, so it resumes nothing.
    expect(await recordDecision(pool, runId, '1.0:c1', { type: 'approve' })).toEqual({
      paused: false,
    });
    expect(await markPaused(pool, runId, '1.0:c1')).toBe('resume');
  });

  it('says resume when the deadline passed while the run stopped', async () => {
    const runId = newRun();
    expect(await lookupApproval(pool, runId, '1.0:c1', 0)).toEqual({ type: 'timed-out' });
    expect(await markPaused(pool, runId, '1.0:c1')).toBe('resume');
  });

  it('says cancelled for a cancelled run, and for a call it has no row of', async () => {
    const runId = newRun();
    await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
    await markCancelled(pool, runId);
    expect(await markPaused(pool, runId, '1.0:c1')).toBe('cancelled');
    expect(await row(runId, '1.0:c1')).toMatchObject({ paused: false, waiting: false });
    expect(await markPaused(pool, newRun(), '1.0:c1')).toBe('cancelled');
  });
});

describe('waitingRuns and markCancelled', () => {
  it('names the runs with a call waiting, leaving out decided and cancelled ones', async () => {
    const [waiting, decided, cancelled, unknown] = [newRun(), newRun(), newRun(), newRun()];
    for (const runId of [waiting, decided, cancelled])
      await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
    await recordDecision(pool, decided, '1.0:c1', { type: 'approve' });
    await lookupApproval(pool, decided, '1.0:c1', HOUR_MS);
    await markCancelled(pool, cancelled);
    // Twice: the marker row is inserted once.
    await markCancelled(pool, cancelled);
    expect(await waitingRuns(pool, [waiting, decided, cancelled, unknown])).toEqual(
      new Set([waiting]),
    );
    expect(await waitingRuns(pool, [])).toEqual(new Set());
  });
});

describe('approvalIdsOfCall', () => {
  it("lists a model id's approval ids in call order, numerically, ids with colons included", async () => {
    const runId = newRun();
    for (const approvalId of ['10.0:c1', '2.1:c1', '2.0:c1', '3.0:other', '4.0:x:c1', '5.0:a:b']) {
      await lookupApproval(pool, runId, approvalId, HOUR_MS);
    }
    // The cancel marker (an empty id) is never taken for a call.
    await markCancelled(pool, runId);
    expect(await approvalIdsOfCall(pool, runId, 'c1')).toEqual(['2.0:c1', '2.1:c1', '10.0:c1']);
    expect(await approvalIdsOfCall(pool, runId, 'a:b')).toEqual(['5.0:a:b']);
    expect(await approvalIdsOfCall(pool, runId, 'x:c1')).toEqual(['4.0:x:c1']);
    expect(await approvalIdsOfCall(pool, runId, '')).toEqual([]);
    expect(await approvalIdsOfCall(pool, newRun(), 'c1')).toEqual([]);
  });
});

describe('claimRunsToResume (the sweep)', () => {
  const sweep = (staleMs = 60_000) =>
    claimRunsToResume(pool, { systemSchema: 'fake_dbos', staleMs });
  const mine = async (runIds: string[], staleMs?: number) =>
    (await sweep(staleMs)).filter((runId) => runIds.includes(runId)).sort();

  it('claims a paused run whose deadline passed, once', async () => {
    const runId = newRun();
    // Paused with an hour to go, then its deadline moved into the past (time passing).
    await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
    expect(await markPaused(pool, runId, '1.0:c1')).toBe('paused');
    await pool.query(
      "UPDATE gemloop.approvals SET deadline = now() - interval '1 second' WHERE run_id = $1",
      [runId],
    );
    expect(await mine([runId])).toEqual([runId]);
    // Claimed: the next sweep (another worker's) leaves it alone.
    expect(await mine([runId])).toEqual([]);
  });

  it('leaves a paused run before its deadline, and a cancelled one after it', async () => {
    const [early, cancelled] = [newRun(), newRun()];
    for (const runId of [early, cancelled]) {
      await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
      await markPaused(pool, runId, '1.0:c1');
    }
    await pool.query(
      "UPDATE gemloop.approvals SET deadline = now() - interval '1 second' WHERE run_id = $1",
      [cancelled],
    );
    await markCancelled(pool, cancelled);
    expect(await mine([early, cancelled])).toEqual([]);
  });

  it('claims a decided run whose workflow stopped long enough ago (a resume that was lost), not a fresh one', async () => {
    const [stale, fresh, running] = [newRun(), newRun(), newRun()];
    for (const runId of [stale, fresh, running]) {
      await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
      await recordDecision(pool, runId, '1.0:c1', { type: 'approve' });
      // The run saw the decision while stopping and said "waiting" again (not paused); the
      // decision came ten minutes ago (time passing), so its resume is lost, not under way.
      await pool.query(
        "UPDATE gemloop.approvals SET waiting = true, decided_at = now() - interval '10 minutes' WHERE run_id = $1",
        [runId],
      );
    }
    const now = Date.now();
    await setWorkflow(stale, 'CANCELLED', now - 10 * 60_000);
    await setWorkflow(fresh, 'CANCELLED', now);
    await setWorkflow(running, 'PENDING', now - 10 * 60_000);
    expect(await mine([stale, fresh, running])).toEqual([stale]);
  });

  it('leaves a run stopped long ago whose decision just came: its approver resumes it next', async () => {
    // A parent paused on its subagent ten minutes ago; the subagent's end has just recorded the
    // decision (`childEnded`) and is about to resume it, as an approver does after `approve()`.
    // Claimed here as well, the parent got a second execution beside the approver's (the
    // load-30 hang of child-approval-timeout.test.ts).
    const runId = newRun();
    await lookupApproval(pool, runId, 'child:1.0:c1', HOUR_MS);
    expect(await markPaused(pool, runId, 'child:1.0:c1')).toBe('paused');
    await setWorkflow(runId, 'CANCELLED', Date.now() - 10 * 60_000);
    expect(await recordDecision(pool, runId, 'child:1.0:c1', { type: 'approve' })).toEqual({
      paused: true,
    });
    expect(await mine([runId])).toEqual([]);
    // The approver died before resuming it: once the decision is older than staleMs, the sweep does.
    await pool.query(
      "UPDATE gemloop.approvals SET decided_at = now() - interval '2 minutes' WHERE run_id = $1",
      [runId],
    );
    expect(await mine([runId])).toEqual([runId]);
  });

  it('claims a decided run made by an older version (no decided_at) once its workflow stopped long ago', async () => {
    const runId = newRun();
    await lookupApproval(pool, runId, '1.0:c1', HOUR_MS);
    await recordDecision(pool, runId, '1.0:c1', { type: 'approve' });
    await pool.query(
      'UPDATE gemloop.approvals SET waiting = true, decided_at = NULL WHERE run_id = $1',
      [runId],
    );
    await setWorkflow(runId, 'CANCELLED', Date.now() - 10 * 60_000);
    expect(await mine([runId])).toEqual([runId]);
  });
});

describe('a paused run cancelled with DBOS’s own cancel (not runs.cancel())', () => {
  const setDbos = (runId: string, status: string, updatedAt: number) =>
    pool.query(
      `INSERT INTO dbos.workflow_status VALUES ($1, $2, $3)
       ON CONFLICT (workflow_uuid) DO UPDATE SET status = $2, updated_at = $3`,
      [runId, status, updatedAt],
    );

  it('a run already CANCELLED when it reaches the call is told so (it was cancelled while it ran)', async () => {
    const runId = newRun();
    await setDbos(runId, 'CANCELLED', 1000);
    expect(await lookupApproval(pool, runId, '1.0:c1', HOUR_MS)).toEqual({
      type: 'none',
      cancelled: true,
    });
  });

  it('is no longer waiting, and the sweep leaves it, once DBOS’s cancel moved its workflow after the pause', async () => {
    const runId = newRun();
    await setDbos(runId, 'PENDING', 1000);
    await lookupApproval(pool, runId, '1.0:c1', 0.001);
    // It stopped itself (DBOS's cancel, at 2000), then marked the row paused.
    await setDbos(runId, 'CANCELLED', 2000);
    await pool.query(
      `UPDATE gemloop.approvals SET paused = true, deadline = now() - interval '1 hour', waiting = true WHERE run_id = $1`,
      [runId],
    );
    expect(await markPaused(pool, runId, '1.0:c1')).toBe('resume');
    await pool.query(`UPDATE gemloop.approvals SET paused = true WHERE run_id = $1`, [runId]);
    expect(await waitingRuns(pool, [runId])).toEqual(new Set([runId]));
    // An operator's DBOS cancel of the CANCELLED workflow: only its updated_at moves.
    await setDbos(runId, 'CANCELLED', 3000);
    expect(await waitingRuns(pool, [runId])).toEqual(new Set());
    expect(await claimRunsToResume(pool, { staleMs: 0 })).not.toContain(runId);
  });
});
