import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase, waitFor } from '../../__fixtures__/fleet.ts';
import { migrateWorkerLiveness, startWorkerLiveness, type TakeOver } from './worker-liveness.ts';

// Issue 26: a takeover takes a run from whoever runs it, and the call that execution has in
// flight is made again by the next owner. So a live worker must never look silent, and a sweep
// must not act on a view that stopped being true while it stalled. DBOS is replaced by
// `takeOverRuns`, which the tests hold to make a sweep slow exactly where they want.

/** A function to call later, and a promise of its call. */

function gate(): { open: () => void; opened: Promise<void> } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('worker liveness', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  // The last database's URL, for a connection of a test's own.
  let databaseUrl = '';
  async function database(): Promise<pg.Pool> {
    databaseUrl = await freshDatabase('liveness');
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    pool.on('error', () => {});
    cleanups.push(() => pool.end());
    return pool;
  }

  const seenAt = async (pool: pg.Pool, executorId: string): Promise<number | undefined> => {
    const { rows } = await pool.query<{ seen_at: Date }>(
      'SELECT seen_at FROM gemloop.workers WHERE executor_id = $1',
      [executorId],
    );
    return rows[0]?.seen_at.getTime();
  };

  it('sweeps an idle fleet with one statement a heartbeat, the beat and the read: no transaction, no lock, until a worker is silent', async () => {
    const pool = await database();
    // What the liveness does with the pool: each query's text, and each client it checks out
    // (a sweep's transaction holds one; a plain query is the pool's own).
    const used: string[] = [];
    const watched = new Proxy(pool, {
      get(target, key) {
        if (key === 'query') {
          return (text: string, values?: unknown[]) => {
            used.push(text);
            return target.query(text, values);
          };
        }
        if (key === 'connect') {
          return () => {
            used.push('checkout');
            return target.connect();
          };
        }
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const swept: string[] = [];
    const liveness = await startWorkerLiveness({
      pool: watched,
      appName: 'app',
      executorId: 'alone',
      heartbeatMs: 50,
      // 'other' beats only once (below), so it must stay alive through the ten beats however long a
      // loaded machine makes them (at load 63 they passed 1 s); it goes silent when the test says so.
      deadAfterMs: 600_000,
      onError: () => {},
      takeOverRuns: async (silentId): Promise<TakeOver> => {
        swept.push(silentId);
        return { runIds: [], resume: async () => {} };
      },
    });
    cleanups.push(() => liveness.stop({ dead: false }));
    // A fresh worker beside it, beating on its own.
    await pool.query(`INSERT INTO gemloop.workers VALUES ('app', 'other', now())`);
    used.splice(0);
    const count = (what: string): number => used.filter((text) => text.includes(what)).length;
    // Ten beats, each reading whether anyone is silent.
    await waitFor(() => count('INSERT INTO gemloop.workers') >= 10, 'ten heartbeats', 60_000);
    // Each heartbeat is one statement, the beat with its read (a beat and a read apart were two
    // every `heartbeatMs` on every worker), and found nobody silent: none checked a client out
    // for the election.
    expect(
      used.filter(
        (text) => !(text.includes('INSERT INTO gemloop.workers') && text.includes('EXISTS')),
      ),
    ).toEqual([]);
    expect(swept).toEqual([]);
    // Once 'other' is silent, a sweep runs the election and takes it over.
    await pool.query(`UPDATE gemloop.workers SET seen_at = 'epoch' WHERE executor_id = 'other'`);
    await waitFor(() => swept.includes('other'), 'the sweep to take the silent worker over');
    expect(used).toContain('checkout');
  });

  it('counts another worker’s silence only from its own first beat: a silence it may have shared (Postgres away) is not a death', async () => {
    const pool = await database();
    const swept: string[] = [];
    // Silent for an hour, not told gone: what every worker's row looks like to the first worker
    // that beats after an outage of an hour.
    await migrateWorkerLiveness(pool);
    await pool.query(
      `INSERT INTO gemloop.workers VALUES ('app', 'other', now() - interval '1 hour')`,
    );
    // This worker's last beat as each sweep takes a worker over (the beat the sweep followed, or
    // one after it): read there, not by the test half-way. A check of `swept` once the beats
    // were half a second along asserted before a timer with no event: at load 20 the test's
    // read could come after the takeover, when 'other' was rightly gone.
    const beatAtTakeover: (number | undefined)[] = [];
    const liveness = await startWorkerLiveness({
      pool,
      appName: 'app',
      executorId: 'back',
      heartbeatMs: 50,
      deadAfterMs: 1000,
      onError: () => {},
      takeOverRuns: async (silentId): Promise<TakeOver> => {
        beatAtTakeover.push(await seenAt(pool, 'back'));
        swept.push(silentId);
        return { runIds: [], resume: async () => {} };
      },
    });
    cleanups.push(() => liveness.stop({ dead: false }));
    const first = (await seenAt(pool, 'back')) as number;
    // Silent for deadAfterMs while this worker beat: taken over.
    await waitFor(() => swept.includes('other'), 'the sweep to take the silent worker over');
    expect(swept).toEqual(['other']);
    // Not before this worker had beaten for deadAfterMs (by the server's clock), however long
    // 'other' was silent before: less one heartbeat, as `seen_at` is each beat's start and the
    // count runs from the end of the first beat's statement to the end of the deciding one's.
    expect(beatAtTakeover[0] as number).toBeGreaterThanOrEqual(first + 1000 - 50);
    expect((await seenAt(pool, 'back')) as number).toBeGreaterThanOrEqual(first + 1000);
  });

  it('keeps beating while its sweep waits on a takeover: a slow sweep does not make a live worker look silent', async () => {
    const pool = await database();
    const inTakeover = gate();
    const release = gate();
    const errors: unknown[] = [];
    const liveness = await startWorkerLiveness({
      pool,
      appName: 'app',
      executorId: 'live',
      heartbeatMs: 50,
      deadAfterMs: 1000,
      onError: (error) => errors.push(error),
      takeOverRuns: async (): Promise<TakeOver> => {
        inTakeover.open();
        await release.opened;
        return { runIds: [], resume: async () => {} };
      },
    });
    cleanups.push(async () => {
      release.open();
      await liveness.stop({ dead: false });
    });
    // A worker that died long ago: the next sweep takes it over, and waits there.
    await pool.query(`INSERT INTO gemloop.workers VALUES ('app', 'gone', 'epoch')`);
    await inTakeover.opened;
    const before = await seenAt(pool, 'live');
    // Before the fix the beats were chained behind the sweeps: none came until the sweep ended.
    await waitFor(
      async () => ((await seenAt(pool, 'live')) ?? 0) > (before ?? 0),
      'a heartbeat while the sweep waits',
      60_000,
    );
    release.open();
  });

  it('checks a silent worker again right before taking its runs: one that beat while the sweep stalled keeps them', async () => {
    const pool = await database();
    const stalled = gate();
    const release = gate();
    const resumed: string[] = [];
    const liveness = await startWorkerLiveness({
      pool,
      appName: 'app',
      executorId: 'sweeper',
      heartbeatMs: 50,
      // Long: 'back' stays fresh after its one beat however slow the machine, and the stalled
      // sweep keeps its lock (Postgres ends a transaction idle for longer than this).
      deadAfterMs: 30_000,
      onError: () => {},
      takeOverRuns: async (silentId): Promise<TakeOver> => {
        // Swept in executor-id order: 'back' first. The sweep stalls after reading it silent.
        if (silentId === 'back') {
          stalled.open();
          await release.opened;
        }
        return {
          runIds: [`run-of-${silentId}`],
          resume: async (runId) => void resumed.push(runId),
        };
      },
    });
    cleanups.push(async () => {
      release.open();
      await liveness.stop({ dead: false });
    });
    await pool.query(
      `INSERT INTO gemloop.workers VALUES ('app', 'back', 'epoch'), ('app', 'dead', 'epoch')`,
    );
    await stalled.opened;
    // 'back' was only frozen: it beats again while the sweep that read it silent is stalled.
    await pool.query(`UPDATE gemloop.workers SET seen_at = now() WHERE executor_id = 'back'`);
    release.open();
    await waitFor(() => resumed.includes('run-of-dead'), 'the sweep to take the dead worker over');
    // Within that sweep, 'back' (read first) was left alone; only the silent one's run moved.
    expect(resumed.slice(0, resumed.indexOf('run-of-dead') + 1)).toEqual(['run-of-dead']);
    expect(await seenAt(pool, 'back')).toBeDefined();
    expect(await seenAt(pool, 'dead')).toBeUndefined();
  });

  // leftovers36b: a live worker whose event loop was held for 3 s on a loaded machine looked as
  // dead as a killed one, and was taken over (its calls in flight made twice) in the dbos files
  // that wait out a 3 s silence. A killed process's connection is closed by its operating system,
  // and Postgres ends its session: that ends it, not a silence any live worker can reach.
  it('takes over a worker whose session ended, not one that is only silent with its session open', async () => {
    const pool = await database();
    const swept: string[] = [];
    const liveness = await startWorkerLiveness({
      pool,
      appName: 'app',
      executorId: 'watcher',
      heartbeatMs: 50,
      // A silence no test waits out: only an ended session can make 'other' taken over here.
      deadAfterMs: 600_000,
      onError: () => {},
      takeOverRuns: async (silentId): Promise<TakeOver> => {
        swept.push(silentId);
        return { runIds: [], resume: async () => {} };
      },
    });
    cleanups.push(() => liveness.stop({ dead: false }));
    // 'other' beats once on a connection of its own (as a worker's beat does), then stalls.
    const other = new pg.Client({ connectionString: databaseUrl });
    other.on('error', () => {});
    await other.connect();
    await other.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at, session_pid, session_server)
       VALUES ('app', 'other', now(), pg_backend_pid(), pg_postmaster_start_time())`,
    );
    const beaten = (await seenAt(pool, 'other')) as number;
    // Silent for a second of the watcher's beats (twenty heartbeats) with its session open: kept.
    await waitFor(
      async () => ((await seenAt(pool, 'watcher')) ?? 0) >= beaten + 1000,
      'a second of beats',
      60_000,
    );
    expect(swept).toEqual([]);
    // Its process killed: the socket closes without a goodbye, and Postgres ends the session.
    (
      other as unknown as { connection: { stream: { destroy(): void } } }
    ).connection.stream.destroy();
    await waitFor(() => swept.includes('other'), 'the sweep to take the ended worker over');
    // Its row is claimed in the sweep's transaction, seen by others once the sweep commits (read
    // right after the sweep listed the runs, it was still there 1 in a CI run at load 20).
    await waitFor(
      async () => (await seenAt(pool, 'other')) === undefined,
      "the sweep's claim of the ended worker to commit",
    );
  });

  it('takes no one over for a session recorded on another server (a failover, a restart)', async () => {
    const pool = await database();
    const swept: string[] = [];
    await migrateWorkerLiveness(pool);
    // A beat from before a restart: its session is gone, as every session of that server is.
    await pool.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at, session_pid, session_server)
       VALUES ('app', 'other', now(), 1, pg_postmaster_start_time() - interval '1 hour')`,
    );
    const beaten = (await seenAt(pool, 'other')) as number;
    const liveness = await startWorkerLiveness({
      pool,
      appName: 'app',
      executorId: 'watcher',
      heartbeatMs: 50,
      deadAfterMs: 600_000,
      onError: () => {},
      takeOverRuns: async (silentId): Promise<TakeOver> => {
        swept.push(silentId);
        return { runIds: [], resume: async () => {} };
      },
    });
    cleanups.push(() => liveness.stop({ dead: false }));
    await waitFor(
      async () => ((await seenAt(pool, 'watcher')) ?? 0) >= beaten + 1000,
      'a second of beats',
      60_000,
    );
    expect(swept).toEqual([]);
  });
});
