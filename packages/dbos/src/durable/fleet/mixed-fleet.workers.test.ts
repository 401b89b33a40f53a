import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { STORAGE_FORMAT } from './worker-versions.ts';

// attack48b: a worker of an older gemloop with the same applicationVersion took over a run a
// newer one started and ended it in ERROR, "undefined is not a function". A real worker process
// starting into that fleet refuses, typed; once the old worker is dead, it starts. The old
// worker is its row in gemloop.workers, as a version from before the columns beats it.
describe('a worker starting into an application version that a live older worker runs', () => {
  let databaseUrl: string;
  let admin: pg.Pool;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    databaseUrl = await workerDatabase('mixed_fleet');
    admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    admin.on('error', () => {});
  });
  afterAll(async () => {
    for (const worker of workers) await stopWorker(worker);
    await admin?.end();
  });

  it('refuses to start with a MixedFleetError, and starts once the old worker is dead', async () => {
    await admin.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at) VALUES ('gemloop', 'old-1', now())`,
    );
    // The fixture's workers run application version "test"; the old one ran a run of it.
    await admin.query(
      `INSERT INTO dbos.workflow_status (workflow_uuid, status, name, executor_id, application_version)
       VALUES ('old-run', 'SUCCESS', 'gemloop.run', 'old-1', 'test')`,
    );
    const env = { DATABASE_URL: databaseUrl, FAKE_URL: 'http://127.0.0.1:1', EXECUTOR_ID: 'new-1' };
    const refused = await startWorker(env).then(
      (worker) => {
        workers.push(worker);
        return 'started';
      },
      (error: unknown) => String(error),
    );
    expect(refused).toContain('MixedFleetError');
    expect(refused).toContain(
      'the live worker "old-1" of "gemloop" runs application version "test"',
    );
    expect(refused).toContain(
      'Give this deploy its own applicationVersion, or stop the old workers first',
    );
    // Nothing of the refused worker is left for the fleet to count.
    const rows = await admin.query(`SELECT executor_id FROM gemloop.workers ORDER BY executor_id`);
    expect(rows.rows).toEqual([{ executor_id: 'old-1' }]);

    // The old worker stopped beating long ago (dead: its runs are taken over, which this reads).
    await admin.query(`UPDATE gemloop.workers SET seen_at = now() - interval '1 hour'`);
    const worker = await startWorker(env);
    workers.push(worker);
    const recorded = await admin.query(
      `SELECT app_version, storage_format FROM gemloop.workers WHERE executor_id = 'new-1'`,
    );
    expect(recorded.rows).toEqual([{ app_version: 'test', storage_format: STORAGE_FORMAT }]);
  });

  it("refuses after DBOS's launch when the application version is DBOS's hash, and the process ends", async () => {
    await admin.query('DELETE FROM gemloop.workers');
    // An old worker that ran nothing: taken for the new worker's version, whatever DBOS computes.
    await admin.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at) VALUES ('gemloop', 'old-idle', now())`,
    );
    // APP_VERSION '': the fixture passes no version DBOS uses, so it is known only at launch.
    const env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: 'http://127.0.0.1:1',
      EXECUTOR_ID: 'new-hash',
      APP_VERSION: '',
    };
    const refused = await startWorker(env).then(
      (worker) => {
        workers.push(worker);
        return 'started';
      },
      (error: unknown) => String(error),
    );
    expect(refused).toContain('MixedFleetError');
    expect(refused).toMatch(
      /the live worker "old-idle" of "gemloop" may run application version "[0-9a-f]{32}"/,
    );
  });
});
