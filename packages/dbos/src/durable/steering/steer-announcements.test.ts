import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, workerDatabase } from '../../__fixtures__/fleet.ts';
import {
  createSteerCheck,
  createSteerWatch,
  STEER_TOPIC,
  type SteerCheck,
} from './durable-steering.ts';
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
    // DBOS's tables already migrated (a copy of the fleet tests' template): the subject is the
    // watch, not the migration (migrate-worker-schema.test.ts migrates an empty database).
    databaseUrl = await workerDatabase('steerwatch');
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    for (const runId of ['run-a', 'run-b', 'elsewhere']) {
      await pool.query(
        `INSERT INTO dbos.workflow_status (workflow_uuid, status) VALUES ($1, 'PENDING')`,
        [runId],
      );
    }
    announcements = createSteerAnnouncements({
      connectionString: databaseUrl,
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
      checkOf: () => checks.get(current),
      runIdOf: () => current,
      announcements,
    });
    const check = createSteerCheck();
    checks.set('run-a', check);
    current = 'run-a';
    // A run whose plugins read no topic yet: nothing to look for, no statement.
    expect(await watch.probe()).toBe(false);
    expect(reads).toBe(0);
    // Its boundary read steering's topic (core's steering plugin does at the first one).
    check.topics.set(STEER_TOPIC, false);
    expect(await watch.probe()).toBe(false);
    expect(reads).toBe(1);
    // Nine more steps, nobody steers: no statement.
    for (let step = 0; step < 9; step++) expect(await watch.probe()).toBe(false);
    expect(reads).toBe(1);
    // Another topic, another run: not this run's steer.
    await send('run-a', 'other-topic');
    await send('elsewhere');
    await send('run-a');
    await waitFor(() => announcements.has('run-a', [STEER_TOPIC]), 'the steer to be announced');
    expect(announcements.has('run-a', ['other-topic'])).toBe(true);
    expect(await watch.probe()).toBe(true);
    expect(reads).toBe(1);
    // A run that does not execute here is not remembered.
    expect(announcements.has('elsewhere', [STEER_TOPIC])).toBe(false);
    // Its boundary reads: what was announced is read now, and later steps look again.
    watch.reading(STEER_TOPIC);
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
      checkOf: () => checks.get(current),
      runIdOf: () => current,
      announcements,
    });
    const before = reads;
    await send('run-b');
    const check = createSteerCheck();
    check.topics.set(STEER_TOPIC, false);
    check.topics.set('operator', false);
    checks.set('run-b', check);
    current = 'run-b';
    expect(await watch.probe()).toBe(true);
    expect(reads).toBe(before + 1);
    // A step that saw a message marks every topic the run reads.
    watch.note(true);
    expect([...check.topics]).toEqual([
      [STEER_TOPIC, true],
      ['operator', true],
    ]);
    check.topics.set(STEER_TOPIC, false);
    check.topics.set('operator', false);
    watch.note(false);
    expect([...check.topics.values()]).toEqual([false, false]);
    // A step recorded by an older version, without the answer: the boundary reads.
    watch.note(undefined);
    expect([...check.topics.values()]).toEqual([true, true]);
  });

  it('hears a message on any topic a run reads, and not on one it does not', async () => {
    const watch = createSteerWatch({
      pool: counting(),
      checkOf: () => checks.get(current),
      runIdOf: () => current,
      announcements,
    });
    const check = createSteerCheck();
    check.topics.set('operator', false);
    checks.set('run-c', check);
    current = 'run-c';
    await pool.query(
      `INSERT INTO dbos.workflow_status (workflow_uuid, status) VALUES ('run-c', 'PENDING')`,
    );
    expect(await watch.probe()).toBe(false);
    const before = reads;
    await send('run-c', 'gemloop.interaction');
    await send('run-c', 'operator');
    await waitFor(() => announcements.has('run-c', ['operator']), 'the message to be announced');
    expect(await watch.probe()).toBe(true);
    expect(reads).toBe(before);
    watch.reading('operator');
    expect(announcements.has('run-c', ['operator'])).toBe(false);
    // The run ends here: all of it is forgotten.
    announcements.clear('run-c');
    expect(announcements.has('run-c', ['gemloop.interaction'])).toBe(false);
    checks.delete('run-c');
  });

  it('reads again once the LISTEN connection was replaced (a notice may have been lost with it)', async () => {
    const watch = createSteerWatch({
      pool: counting(),
      checkOf: () => checks.get(current),
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
