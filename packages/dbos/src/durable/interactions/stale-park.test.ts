import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { INTERACTION_WAITS_TABLE, parkInteractionWait } from './interaction-waits.ts';

// fence-writes41 (bench/RESULTS.md) left, by reading: owner O records its wait, freezes before
// its park; N takes the run over and parks it (row `parked`, workflow `CANCELLED`, which clears
// `owner_xid`). O thaws: its park deleted N's row and answered `resumed`, then DBOS refused its
// `recv`, so the run stayed `CANCELLED` with no row, resumed by no wake-up and no sweep. The
// workflow row is forged here as DBOS leaves it (`#cancelWorkflows`, `dist/src/system_database.js`
// 5.3); the park now checks the execution's token against it before it deletes.
describe('a stale execution’s park after a takeover', () => {
  let pool: pg.Pool;
  const state = async (runId: string) =>
    (
      await pool.query<{ state: string }>(
        `SELECT state FROM ${INTERACTION_WAITS_TABLE} WHERE run_id = $1`,
        [runId],
      )
    ).rows[0]?.state;
  const forge = async (runId: string, status: string, owner: string | null, row: string) => {
    await pool.query(
      `INSERT INTO dbos.workflow_status (workflow_uuid, status, owner_xid) VALUES ($1, $2, $3)`,
      [runId, status, owner],
    );
    await pool.query(
      `INSERT INTO ${INTERACTION_WAITS_TABLE} (interaction_id, run_id, state) VALUES ($1, $2, $3)`,
      [`i-${runId}`, runId, row],
    );
  };

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await workerDatabase('stale_park'), max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
  });

  it('leaves the taker’s parked row to its wake-up: the stale owner is told `taken`', async () => {
    await forge('taken-parked', 'CANCELLED', null, 'parked');
    expect(await parkInteractionWait(pool, 'i-taken-parked', 'taken-parked', 60_000, 'xid-O')).toBe(
      'taken',
    );
    expect(await state('taken-parked')).toBe('parked');
  });

  it('leaves a woken row of the taker (its confirm resumes the run)', async () => {
    await forge('taken-woken', 'CANCELLED', null, 'woken');
    expect(await parkInteractionWait(pool, 'i-taken-woken', 'taken-woken', 60_000, 'xid-O')).toBe(
      'taken',
    );
    expect(await state('taken-woken')).toBe('woken');
  });

  it('still deletes the row for the execution that owns the run: DBOS’s own resume, a woken run', async () => {
    await forge('owned-parked', 'PENDING', 'xid-N2', 'parked');
    expect(
      await parkInteractionWait(pool, 'i-owned-parked', 'owned-parked', 60_000, 'xid-N2'),
    ).toBe('resumed');
    expect(await state('owned-parked')).toBeUndefined();
    await forge('owned-resuming', 'PENDING', 'xid-N3', 'resuming');
    expect(
      await parkInteractionWait(pool, 'i-owned-resuming', 'owned-resuming', 60_000, 'xid-N3'),
    ).toBe('woken');
    expect(await state('owned-resuming')).toBeUndefined();
  });

  it('parks as before whatever the token (a waiting row is the caller’s own wait)', async () => {
    await forge('waiting', 'PENDING', 'xid-N', 'waiting');
    expect(await parkInteractionWait(pool, 'i-waiting', 'waiting', 60_000, 'xid-N')).toBe(
      'parking',
    );
    expect(await state('waiting')).toBe('parking');
  });
});
