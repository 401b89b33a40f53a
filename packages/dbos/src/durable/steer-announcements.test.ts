import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, waitFor } from '../__fixtures__/fleet.ts';
import {
  createSteerCheck,
  createSteerWatch,
  STEER_TOPIC,
  type SteerCheck,
} from './durable-steering.ts';
import { migrateSystemDatabase } from './migrate-system-database.ts';
import { createSteerAnnouncements, type SteerAnnouncements } from './steer-announcements.ts';

// The look a durable run's steps make for a waiting steer (issue 35): heard from DBOS's NOTIFY,
// not read from Postgres at every step; read once per execution, and again after the LISTEN
// connection was replaced, so a steer sent while nobody listened is not missed.
describe('steer watch', () => {
  let databaseUrl: string;
  let pool: pg.Pool;
  let reads = 0;
  let announcements: SteerAnnouncements;
  const checks = new Map<string, SteerCheck>();
  let current = 'run-a';

  beforeAll(async () => {
    databaseUrl = await freshDatabase('steerwatch');
    await migrateSystemDatabase(databaseUrl);
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    for (const runId of ['run-a', 'run-b', 'elsewhere']) {
      await pool.query(
        `INSERT INTO dbos.workflow_status (workflow_uuid, status) VALUES ($1, 'PENDING')`,
        [runId],
      );
    }
    announcements = createSteerAnnouncements({
      connectionString: databaseUrl,
      topic: STEER_TOPIC,
      tracked: (runId) => checks.has(runId),
    });
  });

  afterAll(async () => {
    await announcements?.close();
    await pool?.end();
  });

  const counting = (): pg.Pool => {
    const spy = Object.create(pool) as pg.Pool;
    spy.query = ((...args: Parameters<pg.Pool['query']>) => {
      reads++;
      return (pool.query as (...a: unknown[]) => unknown)(...args);
    }) as pg.Pool['query'];
    return spy;
  };
  const send = (runId: string, topic = STEER_TOPIC): Promise<unknown> =>
    pool.query(
      `INSERT INTO dbos.notifications (destination_uuid, topic, message) VALUES ($1, $2, '{}')`,
      [runId, topic],
    );

  it('reads once per execution, then hears steers without a statement', async () => {
    const watch = createSteerWatch({
      pool: counting(),
      checks,
      runIdOf: () => current,
      announcements,
    });
    checks.set('run-a', createSteerCheck());
    current = 'run-a';
    expect(await watch.probe()).toBe(false);
    expect(reads).toBe(1);
    // Nine more steps, nobody steers: no statement.
    for (let step = 0; step < 9; step++) expect(await watch.probe()).toBe(false);
    expect(reads).toBe(1);
    // Another topic, another run: not this run's steer.
    await send('run-a', 'other-topic');
    await send('elsewhere');
    await send('run-a');
    await waitFor(() => announcements.has('run-a'), 'the steer to be announced');
    expect(await watch.probe()).toBe(true);
    expect(reads).toBe(1);
    // A run that does not execute here is not remembered.
    expect(announcements.has('elsewhere')).toBe(false);
    // Its boundary reads: what was announced is read now, and later steps look again.
    watch.reading();
    // (DBOS.recv consumes it.)
    await pool.query(
      `UPDATE dbos.notifications SET consumed = true WHERE destination_uuid = 'run-a'`,
    );
    expect(await watch.probe()).toBe(false);
    expect(reads).toBe(1);
  });

  it('reads a steer sent before this execution listened, and marks the boundary after a step that saw one', async () => {
    const watch = createSteerWatch({
      pool: counting(),
      checks,
      runIdOf: () => current,
      announcements,
    });
    const before = reads;
    await send('run-b');
    const check = createSteerCheck();
    check.due = false;
    checks.set('run-b', check);
    current = 'run-b';
    expect(await watch.probe()).toBe(true);
    expect(reads).toBe(before + 1);
    watch.note(true);
    expect(check.due).toBe(true);
    check.due = false;
    watch.note(false);
    expect(check.due).toBe(false);
    // A step recorded by an older version, without the answer: the boundary reads.
    watch.note(undefined);
    expect(check.due).toBe(true);
  });

  it('reads again once the LISTEN connection was replaced (a notice may have been lost with it)', async () => {
    const watch = createSteerWatch({
      pool: counting(),
      checks,
      runIdOf: () => current,
      announcements,
    });
    current = 'run-a';
    expect(await watch.probe()).toBe(false);
    const before = reads;
    const generation = announcements.generation();
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN dbos_notifications_channel%'`,
    );
    await waitFor(() => announcements.generation() === undefined, 'the LISTEN connection to drop');
    expect(await watch.probe()).toBe(false);
    expect(reads).toBe(before + 1);
    expect(announcements.generation()).not.toBe(generation);
    expect(announcements.generation()).toBeDefined();
  });
});
