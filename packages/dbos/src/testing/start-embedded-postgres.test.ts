import { existsSync } from 'node:fs';
import { chmod, cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { fixtureCommand } from '../__fixtures__/fleet.ts';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import { locatePostgresBinaries, type PostgresBinaries } from './locate-postgres-binaries.ts';
import { runInitdb, startPostgresServer } from './postgres-processes.ts';
import { resolveServerUser } from './postgres-user.ts';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './start-embedded-postgres.ts';

describe('startEmbeddedPostgres from a folder other users cannot enter', () => {
  // A checkout under a 0700 folder, as /root/gemloop is: the binaries copied there.
  let closed: string;
  let checkout: PostgresBinaries;
  // One server from that checkout for the two tests below (the first queries it, the second stops
  // it). Its initdb runs for real, with a cache of its own: the file's one initdb (the slowest
  // part of a start), which the suite's other starts copy from the run's cache instead.
  let postgres: EmbeddedPostgres | undefined;
  let initdbCache: string;
  const log: string[] = [];
  // What initdb prints as it starts making a cluster.
  const INITDB_LINE = 'The files belonging to this database system will be owned by user';

  beforeAll(async () => {
    closed = await mkdtemp(join(tmpdir(), 'gemloop-closed-'));
    await chmod(closed, 0o700);
    const installed = await locatePostgresBinaries();
    const native = join(closed, 'checkout', 'native');
    await cp(installed.directory, native, { recursive: true, verbatimSymlinks: true });
    checkout = await locatePostgresBinaries(native);
    initdbCache = join(closed, 'initdb-cache');
    postgres = await startEmbeddedPostgres({
      binariesDirectory: checkout.directory,
      initdbCache,
      onLog: (line) => log.push(line),
    });
  });

  afterAll(async () => {
    await postgres?.stop();
    await rm(closed, { recursive: true, force: true });
  });

  it('starts and serves queries (as root, from a copy the postgres user can reach)', async () => {
    const server = postgres as EmbeddedPostgres;
    expect(server.embedded).toBe(true);
    const client = new pg.Client({ connectionString: await server.createDatabase('closed') });
    await client.connect();
    const { rows } = await client.query<{ answer: number }>('SELECT 6 * 7 AS answer');
    // Crash-safe unless asked otherwise: users run fleets on it. Only the test suite's own
    // server (scripts/postgres-setup.ts) turns the flushes off.
    const { rows: durability } = await client.query<Record<string, string>>(
      `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit, current_setting('full_page_writes') AS full_page_writes`,
    );
    await client.end();
    expect(rows).toEqual([{ answer: 42 }]);
    expect(durability).toEqual([{ fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' }]);
    expect(log.some((line) => line.startsWith(INITDB_LINE))).toBe(true);
  });

  it('starts a second server from the cluster the first one kept, without initdb, and serves queries', async () => {
    const lines: string[] = [];
    const copied = await startEmbeddedPostgres({
      binariesDirectory: checkout.directory,
      initdbCache,
      onLog: (line) => lines.push(line),
    });
    try {
      const client = new pg.Client({ connectionString: await copied.createDatabase('copied') });
      await client.connect();
      const { rows } = await client.query<{ answer: number; directory: string }>(
        'SELECT 6 * 7 AS answer, current_setting($1) AS directory',
        ['data_directory'],
      );
      await client.end();
      expect(rows[0]?.answer).toBe(42);
      expect(lines.some((line) => line.startsWith(INITDB_LINE))).toBe(false);
      // Its data directory is its own, as Postgres requires: the server user's, mode 0700.
      const user = await resolveServerUser();
      const found = await stat(rows[0]?.directory ?? '');
      expect(found.mode & 0o777).toBe(0o700);
      expect(found.uid).toBe(user?.uid ?? process.geteuid?.());
      expect(rows[0]?.directory).not.toBe(
        await dataDirectoryOf((postgres as EmbeddedPostgres).url),
      );
    } finally {
      await copied.stop();
    }
  });

  it('lets a session still closing end on its own when it stops, instead of cutting it with an error', async () => {
    const server = postgres as EmbeddedPostgres;
    const client = new pg.Client({ connectionString: server.url });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    let stopping: Promise<void> | undefined;
    try {
      await client.connect();
      stopping = server.stop();
      // The server is shutting down once it refuses new sessions; a fast shutdown has cut the
      // open one by then ("terminating connection due to administrator command", which a pg
      // pool just ended reported from its idle clients as an "Unexpected error in pool").
      for (;;) {
        const probe = new pg.Client({ connectionString: server.url });
        probe.on('error', () => {});
        const refused = await probe.connect().then(
          () => false,
          () => true,
        );
        await probe.end().catch(() => {});
        if (refused) break;
      }
      await client.end();
      await stopping;
      expect(errors).toEqual([]);
    } finally {
      await (stopping ?? server.stop());
    }
  });

  it("types a spawn the postgres user may not make (EACCES) with the reason and a fix, instead of an unhandled 'error'", async () => {
    const user = await resolveServerUser();
    const lines: string[] = [];
    const options = {
      cwd: tmpdir(),
      log: (line: string) => lines.push(line),
      output: () => lines,
      dataDirectory: join(tmpdir(), 'gemloop-never-created'),
    };
    // As root, the postgres user cannot enter `closed`: the spawn of the checkout's own initdb
    // fails, as it did under /root/gemloop. Otherwise, a program without its execute bit does.
    let binaries = checkout;
    if (user === undefined) {
      const notExecutable = join(closed, 'initdb');
      await writeFile(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
      binaries = { ...checkout, initdb: notExecutable, postgres: notExecutable };
    }
    const initdb = await runInitdb({
      ...options,
      binaries,
      user,
      username: 'postgres',
      passwordFile: join(closed, 'password'),
    }).catch((error: unknown) => error);
    expect(EmbeddedPostgresError.isInstance(initdb)).toBe(true);
    expect((initdb as Error).message).toContain(`Could not run ${binaries.initdb} (spawn EACCES)`);
    expect((initdb as Error).message).toContain('set DATABASE_URL');
    if (user !== undefined) expect((initdb as Error).message).toContain('the postgres user');

    const server = await startPostgresServer({
      ...options,
      binaries,
      user,
      port: 1,
      flags: [],
    }).catch((error: unknown) => error);
    expect(EmbeddedPostgresError.isInstance(server)).toBe(true);
    expect((server as Error).message).toContain('(spawn EACCES)');
  });
});

describe('startEmbeddedPostgres in a process that ends', () => {
  const packageDirectory = new URL('../..', import.meta.url).pathname;
  // Starts a server and ends as its stdin says (see the fixture); on plain node when the build is
  // fresh, through tsx otherwise.
  const owner = new URL('../__fixtures__/postgres-owner.ts', import.meta.url).pathname;

  /** Whether a server still answers at `url` (a refused connection: it is gone). */
  async function answers(url: string): Promise<boolean> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      return false;
    }
  }

  for (const [how, ending] of [
    ['is terminated (SIGTERM)', 'SIGTERM'],
    ['exits', 'exit'],
  ] as const) {
    it(`stops its server when it ${how}: no Postgres outlives it, nor its data folder`, async () => {
      // Gone with this test process however that ends; what it leaves at its own end is what
      // this test proves, so that is not killed for it.
      const child = startGuarded(process.execPath, fixtureCommand(owner), {
        cwd: packageDirectory,
        stdio: ['pipe', 'pipe', 'inherit'],
        killLeftoversAtExit: false,
      });
      const exited = new Promise<string | null>((resolve) =>
        child.once('exit', (code, signal) => resolve(signal ?? String(code))),
      );
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('\n')) resolve(output.trim());
        });
        void exited.then(() =>
          reject(new Error(`the process ended before its server started: ${output}`)),
        );
      });
      expect(await answers(url)).toBe(true);
      // The temporary folder the server's data directory is in (gemloop-pg-*).
      const dataFolder = dirname(await dataDirectoryOf(url));
      expect(existsSync(join(dataFolder, 'data'))).toBe(true);
      child.stdin?.write(`${ending}\n`);
      expect(await exited).toBe(ending === 'SIGTERM' ? 'SIGTERM' : '0');
      // The server's fast shutdown takes a moment after the signal it was sent.
      const deadline = Date.now() + 120_000;
      while ((await answers(url)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await answers(url)).toBe(false);
      // Removed once the server has exited (a detached shell waits for it), as stop() would.
      while (existsSync(dataFolder) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(existsSync(dataFolder), dataFolder).toBe(false);
    });
  }
});

async function dataDirectoryOf(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    return rows[0]?.data_directory ?? '';
  } finally {
    await client.end();
  }
}
