import { chmod, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import { locatePostgresBinaries, type PostgresBinaries } from './locate-postgres-binaries.ts';
import { runInitdb, startPostgresServer } from './postgres-processes.ts';
import { resolveServerUser } from './postgres-user.ts';
import { startEmbeddedPostgres } from './start-embedded-postgres.ts';

describe('startEmbeddedPostgres from a folder other users cannot enter', () => {
  // A checkout under a 0700 folder, as /root/gemloop is: the binaries copied there.
  let closed: string;
  let checkout: PostgresBinaries;

  beforeAll(async () => {
    closed = await mkdtemp(join(tmpdir(), 'gemloop-closed-'));
    await chmod(closed, 0o700);
    const installed = await locatePostgresBinaries();
    const native = join(closed, 'checkout', 'native');
    await cp(installed.directory, native, { recursive: true, verbatimSymlinks: true });
    checkout = await locatePostgresBinaries(native);
  });

  afterAll(async () => {
    await rm(closed, { recursive: true, force: true });
  });

  it('starts, serves queries and stops (as root, from a copy the postgres user can reach)', async () => {
    const postgres = await startEmbeddedPostgres({ binariesDirectory: checkout.directory });
    try {
      const client = new pg.Client({ connectionString: await postgres.createDatabase('closed') });
      await client.connect();
      const { rows } = await client.query<{ answer: number }>('SELECT 6 * 7 AS answer');
      await client.end();
      expect(rows).toEqual([{ answer: 42 }]);
    } finally {
      await postgres.stop();
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
