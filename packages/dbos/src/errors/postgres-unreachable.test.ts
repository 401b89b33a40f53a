import { createServer, type Socket } from 'node:net';
import { describe, expect, inject, it, vi } from 'vitest';
import {
  createDurableRuns,
  createPostgresHistoryStore,
  PostgresUnreachableError,
  redactConnectionString,
  startDurableWorker,
} from '../index.ts';
import { openCheckedPool } from './check-postgres.ts';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 1;
}

describe('Postgres unreachable at start', () => {
  it('fails a worker with a typed error naming the connection, password redacted, and what to check', async () => {
    const port = await closedPort();
    const url = `postgres://fleet:hunter2-secret@127.0.0.1:${port}/runs`;
    const error = await startDurableWorker({
      databaseUrl: url,
      agents: { support: {} as never },
    }).catch((caught: unknown) => caught);
    expect(PostgresUnreachableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      host: '127.0.0.1',
      port,
      database: 'runs',
      reason: 'ECONNREFUSED',
    });
    const message = (error as Error).message;
    expect(message).toContain(`postgres://fleet:***@127.0.0.1:${port}/runs`);
    expect(message).toContain('Nothing listens on');
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(message).not.toContain('hunter2');
  });

  it('names a wrong password and a missing database for what they are', async () => {
    const server = new URL(inject('postgresUrl'));
    const wrongPassword = new URL(server);
    wrongPassword.password = 'not-the-password';
    const refused = await createDurableRuns({ databaseUrl: wrongPassword.toString() }).catch(
      (caught: unknown) => caught,
    );
    expect(PostgresUnreachableError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ reason: '28P01' });
    expect((refused as Error).message).toContain('check the credentials');
    expect((refused as Error).message).not.toContain('not-the-password');

    const missing = new URL(server);
    missing.pathname = '/no_such_database';
    const absent = await createDurableRuns({ databaseUrl: missing.toString() }).catch(
      (caught: unknown) => caught,
    );
    expect(absent).toMatchObject({ reason: '3D000', database: 'no_such_database' });
    expect((absent as Error).message).toContain('does not exist');
  });

  it('says a URL the driver cannot parse is malformed, typed, password redacted', async () => {
    const url = 'postgres://fleet:hunt#er2@127.0.0.1:5432/runs';
    const errors = [
      await createDurableRuns({ databaseUrl: url }).catch((caught: unknown) => caught),
      await createPostgresHistoryStore({ connectionString: url })
        .load('s')
        .catch((caught: unknown) => caught),
    ];
    for (const error of errors) {
      expect(PostgresUnreachableError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ reason: 'ERR_INVALID_URL' });
      expect((error as Error).message).toContain('not a valid URL: percent-encode');
      expect((error as Error).message).toContain('postgres://fleet:***@');
      expect(JSON.stringify(error)).not.toContain('er2');
      expect((error as Error).message).not.toContain('er2');
    }
  });

  // A worker's and a runs client's start check Postgres through the first connection of their own
  // pool (openCheckedPool): one session fewer a start than a check client of its own.
  it('keeps the check`s session for the next statement, and limits only that first connect', async () => {
    // The 200 ms in fake time: in real time they also bounded the first connect, which must
    // succeed, and a loaded machine (load 20) can take longer than that to log in to Postgres.
    // The limit failing a connect is the next test's, on a server that never answers. Only
    // setTimeout is fake (the driver's connect and the pool's wait use it): the sockets run.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let pool: Awaited<ReturnType<typeof openCheckedPool>> | undefined;
    try {
      pool = await openCheckedPool({
        connectionString: inject('postgresUrl'),
        max: 1,
        timeoutMs: 200,
        purpose: 'the test',
      });
      expect([pool.totalCount, pool.idleCount]).toEqual([1, 1]);
      await pool.query('SELECT 1');
      expect(pool.totalCount).toBe(1);
      // A wait for a free client longer than the check's limit is no failure (the pool's own
      // connectionTimeoutMillis would have failed it after 200 ms).
      const held = await pool.connect();
      const waiting = pool.query<{ two: number }>('SELECT 2 AS two');
      await vi.advanceTimersByTimeAsync(600);
      held.release();
      expect((await waiting).rows).toEqual([{ two: 2 }]);
    } finally {
      vi.useRealTimers();
      await pool?.end();
    }
  });

  it('fails a connect that gets no answer at the check`s limit, typed, and closes its socket', async () => {
    const accepted: Socket[] = [];
    // Reads the startup message and never answers; read on, so the client's close ends it.
    const silent = createServer((socket) => accepted.push(socket.resume()));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const error = await openCheckedPool({
        connectionString: `postgres://fleet:hunter2-secret@127.0.0.1:${port}/runs`,
        max: 2,
        timeoutMs: 200,
        purpose: 'the test',
      }).catch((caught: unknown) => caught);
      expect(PostgresUnreachableError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ reason: 'ETIMEDOUT', port });
      expect((error as Error).message).not.toContain('hunter2');
      expect(accepted).toHaveLength(1);
      const socket = accepted[0] as Socket;
      if (!socket.closed) await new Promise((resolve) => socket.once('close', resolve));
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('redacts passwords in URLs and key-value connection strings', () => {
    expect(redactConnectionString('postgres://u:p%40ss@db:5432/x?sslmode=require')).toBe(
      'postgres://u:***@db:5432/x?sslmode=require',
    );
    expect(redactConnectionString('postgres://db/x?password=secret')).toBe(
      'postgres://db/x?password=***',
    );
    expect(redactConnectionString("host=db user=u password='s e c' dbname=x")).toBe(
      'host=db user=u password=*** dbname=x',
    );
  });
});
