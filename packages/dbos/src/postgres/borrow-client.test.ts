import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { borrowClient } from './borrow-client.ts';

describe('borrowClient', () => {
  let pool: pg.Pool;
  let admin: pg.Pool;

  beforeAll(async () => {
    const url = await freshDatabase('borrow');
    pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => {});
    admin = new pg.Pool({ connectionString: url, max: 1 });
  });

  afterAll(async () => {
    await pool?.end();
    await admin?.end();
  });

  it('survives the connection dying while the client is held, and the pool drops it', async () => {
    const client = await borrowClient(pool);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0]?.pid;
    // What a Postgres restart does to every backend: 57P01, sent to the idle-in-checkout client.
    // Unguarded, node-postgres emits it on the client with no listener and the process dies
    // (vitest reports it as an unhandled error and fails this file).
    const ended = new Promise((resolve) => client.once('end', resolve));
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await ended;
      await expect(client.query('SELECT 1')).rejects.toThrow();
    } finally {
      client.release();
    }
    // The broken connection is not lent out again: the next checkout is a new backend.
    const next = await borrowClient(pool);
    const ours = next.listeners('error');
    try {
      const again = await next.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(again.rows[0]?.pid).not.toBe(pid);
      expect(next.listenerCount('error')).toBe(1);
    } finally {
      next.release();
    }
    // A released client carries no listener of ours (only the pool's own, for idle clients).
    expect(next.listeners('error')).not.toContain(ours[0]);
  });
});
