import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { MixedFleetError } from '../../errors/mixed-fleet-error.ts';
import { checkFleetVersions } from './fleet-versions.ts';
import { startWorkerLiveness } from './worker-liveness.ts';
import { gemloopDbosVersion, STORAGE_FORMAT } from './worker-versions.ts';

// The fleet's version fence (attack48b): an older gemloop worker of the same application version
// took over a run a newer one started and failed it, untyped ("undefined is not a function"), on
// the packed stream record it could not read. Other workers are rows of `gemloop.workers` here,
// written as each version writes them; the worker processes' start is start-durable-worker's test
// (mixed-fleet.workers.test.ts).
describe('checkFleetVersions', () => {
  let pool: pg.Pool;
  let databaseUrl = '';
  const version = gemloopDbosVersion();

  beforeAll(async () => {
    databaseUrl = await workerDatabase('fence');
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    pool.on('error', () => {});
  });
  afterAll(async () => {
    await pool?.end();
  });
  beforeEach(async () => {
    await pool.query('DELETE FROM gemloop.workers');
    await pool.query('DELETE FROM dbos.workflow_status');
  });

  /** A worker from before the columns beats: only what it knew. */
  const oldWorkerBeats = (executorId: string, seenAt = 'now()'): Promise<unknown> =>
    pool.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at, session_pid, session_server)
       VALUES ('gemloop', $1, ${seenAt}, NULL, NULL)`,
      [executorId],
    );
  const start = (
    executorId: string,
    options: { applicationVersion?: string; storageFormat?: number } = {},
  ): Promise<unknown> =>
    checkFleetVersions({
      pool,
      appName: 'gemloop',
      executorId,
      applicationVersion: 'v1',
      heartbeatMs: 300,
      deadAfterMs: 60_000,
      ...options,
    }).then(
      () => 'started',
      (error: unknown) => error,
    );
  const rowOf = async (executorId: string): Promise<unknown> =>
    (
      await pool.query(
        `SELECT app_version, gemloop_version, storage_format FROM gemloop.workers WHERE executor_id = $1`,
        [executorId],
      )
    ).rows[0];

  it('refuses to join an application version a live worker from before the columns runs, naming both, the version and the fix', async () => {
    await oldWorkerBeats('old-1');
    // It ran a run of v1 (DBOS recorded the version): it would take v1's runs.
    await pool.query(
      `INSERT INTO dbos.workflow_status (workflow_uuid, status, name, executor_id, application_version)
       VALUES ('run-1', 'SUCCESS', 'gemloop.run', 'old-1', 'v1')`,
    );
    const error = await start('new-1');
    expect(MixedFleetError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'mixed-fleet',
      applicationVersion: 'v1',
      executorId: 'old-1',
      otherStorageFormat: undefined,
      storageFormat: STORAGE_FORMAT,
      gemloopVersion: version,
    });
    const message = (error as Error).message;
    expect(message).toContain('"old-1"');
    expect(message).toContain('application version "v1"');
    expect(message).toContain('from before workers recorded their version');
    expect(message).toContain(`storage format ${STORAGE_FORMAT}`);
    expect(message).toContain('the older one cannot read the records this one writes');
    expect(message).toContain(
      'Give this deploy its own applicationVersion, or stop the old workers first',
    );
    // Refused before it was counted in the fleet: no row of its own.
    expect(await rowOf('new-1')).toBeUndefined();
  });

  it('lets a new worker join its own application version beside live old workers of another one', async () => {
    await oldWorkerBeats('old-1');
    await pool.query(
      `INSERT INTO dbos.workflow_status (workflow_uuid, status, name, executor_id, application_version)
       VALUES ('run-1', 'SUCCESS', 'gemloop.run', 'old-1', 'v1')`,
    );
    expect(await start('new-2', { applicationVersion: 'v2' })).toBe('started');
    expect(await rowOf('new-2')).toEqual({
      app_version: 'v2',
      gemloop_version: version ?? null,
      storage_format: STORAGE_FORMAT,
    });
  });

  it('takes a live old worker that ran nothing yet for one of its own application version (it would take its runs)', async () => {
    await oldWorkerBeats('old-idle');
    const error = await start('new-1');
    expect(MixedFleetError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('may run application version "v1"');
  });

  it('refuses nothing for old workers that are dead: silent past deadAfterMs, gone, or their session ended', async () => {
    await oldWorkerBeats('silent', `now() - interval '2 minutes'`);
    await oldWorkerBeats('gone', `'epoch'`);
    // A session that does not exist on this server, beaten before the grace of two heartbeats.
    await pool.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at, session_pid, session_server)
       VALUES ('gemloop', 'killed', now() - interval '5 seconds', 2147483000, pg_postmaster_start_time())`,
    );
    expect(await start('new-1')).toBe('started');
  });

  it('lets workers of one storage format share an application version, and records them', async () => {
    expect(await start('a')).toBe('started');
    expect(await start('b')).toBe('started');
    expect(await rowOf('b')).toMatchObject({ app_version: 'v1', storage_format: STORAGE_FORMAT });
  });

  it('refuses a worker whose live peers of the application version write a newer format', async () => {
    await pool.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at, app_version, gemloop_version, storage_format)
       VALUES ('gemloop', 'newer', now(), 'v1', '9.0.0', $1)`,
      [STORAGE_FORMAT + 1],
    );
    const error = await start('this');
    expect(error).toMatchObject({
      otherGemloopVersion: '9.0.0',
      otherStorageFormat: STORAGE_FORMAT + 1,
    });
    expect((error as Error).message).toContain(
      'this one cannot read the records the newer one writes',
    );
    expect((error as Error).message).toContain('stop the other workers first');
  });

  it('lets one of two workers of different formats starting at the same moment in: the other is refused', async () => {
    // Each start's row is written 300 ms after its check: both checks ran before either row was
    // there, and both joined, unless the second check waits for the first start to commit.
    const slow = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    slow.on('error', () => {});
    slow.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      Object.assign(client, {
        query: async (...args: unknown[]) => {
          if (String(args[0]).includes('INSERT INTO gemloop.workers')) {
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
          return query(...args);
        },
      });
    });
    const startOn = (executorId: string, storageFormat: number): Promise<unknown> =>
      checkFleetVersions({
        pool: slow,
        appName: 'gemloop',
        executorId,
        applicationVersion: 'v1',
        storageFormat,
      }).then(
        () => 'started',
        (error: unknown) => error,
      );
    const results = await Promise.all([
      startOn('first', STORAGE_FORMAT),
      startOn('second', STORAGE_FORMAT + 1),
    ]).finally(() => slow.end());
    expect(results.filter((result) => result === 'started')).toHaveLength(1);
    expect(results.filter((result) => MixedFleetError.isInstance(result))).toHaveLength(1);
  });

  it("records the versions with each heartbeat of a worker's liveness", async () => {
    const liveness = await startWorkerLiveness({
      pool,
      appName: 'gemloop',
      executorId: 'beating',
      applicationVersion: 'v7',
      heartbeatMs: 60_000,
      migrated: true,
      onError: () => {},
      takeOverRuns: async () => ({ runIds: [], resume: async () => {} }),
    });
    try {
      expect(await rowOf('beating')).toEqual({
        app_version: 'v7',
        gemloop_version: version ?? null,
        storage_format: STORAGE_FORMAT,
      });
    } finally {
      await liveness.stop({ dead: true });
    }
  });
});
