// The migrations of a worker's start (migrate-worker-schema.ts) against the suite's real Postgres:
// a fresh database is made whole, a current one costs one statement, an older one is migrated.
// And, without a database, the statements of each schema version pinned by their fingerprint.

import { allMigrations } from '@dbos-inc/dbos-sdk/internal/sysdb_migrations/internal/migrations';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, workerDatabase } from '../../__fixtures__/fleet.ts';
import {
  countingPool,
  fingerprintOf,
  holdVersionReads,
  statementsOfSteps,
} from '../../__fixtures__/schema-statements.ts';
import {
  migrateWorkerSchema,
  WORKER_SCHEMA_STEPS,
  WORKER_SCHEMA_VERSION,
} from './migrate-worker-schema.ts';

/**
 * The fingerprint of each version's statements (what the steps send to an empty database). Never
 * edit a line: a changed step is a new version (bump WORKER_SCHEMA_VERSION) and a new line here.
 */
const FINGERPRINTS: Readonly<Record<number, string>> = {
  1: '26cb1ce3d53d3bf733451a96066ca901e64611a76f6d0a6bb446ae4a9c083795',
  2: 'e327075c3ac3c57ad5dd62b445258c112f8a64d5708c3c0874031030897acaa3',
  3: '3618f047efc6969f15ff46d2eaedbfadc6dd431b7397310b77d8ff85cfe5b309',
  4: 'd9ff430bac7ca7bf7850a17ce5c901cdaaca8a9d550607d889861423cb101e91',
  5: '76bb4948d52a84c72b8a14c28f34e161732139147ace55a6547ffbe80d46fcd5',
  6: 'b9c9c9c0fd1b0381eea09e1a2b9698bd2736ca122cda3c1c1c824831ecba46f2',
};

describe('the schema version', () => {
  it('pins the statements of its version: a changed step without a version bump fails here', async () => {
    const statements = await statementsOfSteps(WORKER_SCHEMA_STEPS);
    // Every step reached Postgres (an empty list would fingerprint nothing).
    expect(statements.length).toBeGreaterThan(20);
    const fingerprint = fingerprintOf(statements);
    expect(
      { version: WORKER_SCHEMA_VERSION, fingerprint },
      'The statements of migrate-worker-schema.ts changed: bump WORKER_SCHEMA_VERSION and add its fingerprint to FINGERPRINTS (a migrated database skips the steps of a version it has)',
    ).toEqual({ version: WORKER_SCHEMA_VERSION, fingerprint: FINGERPRINTS[WORKER_SCHEMA_VERSION] });
  });
});

describe('migrateWorkerSchema on a real Postgres', () => {
  let databaseUrl: string;
  /** Statements sent through the worker's pool (its clients count them). */
  let statements: string[] = [];
  let pool: pg.Pool;
  let admin: pg.Pool;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('worker_schema');
    pool = countingPool(databaseUrl, () => statements);
    admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
    await admin?.end();
  });

  /** The tables and trigger a worker needs, and the two versions recorded. */
  async function schema(): Promise<{ missing: string[]; worker: number; dbos: number }> {
    const wanted = [
      'dbos.workflow_status',
      'gemloop.approvals',
      'gemloop.interaction_waits',
      'gemloop.live_sessions',
      'gemloop.live_calls',
      'gemloop.workers',
    ];
    const missing: string[] = [];
    for (const table of wanted) {
      const { rows } = await admin.query('SELECT to_regclass($1) AS found', [table]);
      if (rows[0]?.found === null) missing.push(table);
    }
    const trigger = await admin.query(`SELECT 1 FROM pg_trigger WHERE tgname = 'gemloop_run_end'`);
    if (trigger.rowCount === 0) missing.push('trigger gemloop_run_end');
    const { rows } = await admin.query<{ worker: number; dbos: string }>(
      `SELECT (SELECT version FROM gemloop_schema_versions WHERE name = 'durable-worker') AS worker,
              (SELECT max(version) FROM dbos.dbos_migrations)::text AS dbos`,
    );
    return { missing, worker: rows[0]?.worker ?? 0, dbos: Number(rows[0]?.dbos ?? 0) };
  }

  it('makes a fresh database whole, two workers starting at once', async () => {
    // Both read the missing version before either migrates (holdVersionReads says why).
    const held = holdVersionReads(pool);
    try {
      expect(
        await Promise.all([
          migrateWorkerSchema(databaseUrl, pool),
          migrateWorkerSchema(databaseUrl, pool),
        ]),
      ).toEqual([true, true]);
    } finally {
      held.restore();
    }
    expect(held.checked()).toBe(2);
    expect(await schema()).toEqual({
      missing: [],
      worker: WORKER_SCHEMA_VERSION,
      dbos: allMigrations('dbos').length,
    });
  });

  it('finds a current database with one statement and changes nothing', async () => {
    statements = [];
    expect(await migrateWorkerSchema(databaseUrl, pool)).toBe(false);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('gemloop_schema_versions');
    expect(statements[0]).toContain('dbos_migrations');
  });

  it('migrates a database of an older gemloop version (a table it lacked made)', async () => {
    await admin.query('DROP TABLE gemloop.live_calls');
    await admin.query(
      `UPDATE gemloop_schema_versions SET version = $1 WHERE name = 'durable-worker'`,
      [WORKER_SCHEMA_VERSION - 1],
    );
    statements = [];
    expect(await migrateWorkerSchema(databaseUrl, pool)).toBe(true);
    expect(statements.length).toBeGreaterThan(20);
    expect((await schema()).missing).toEqual([]);
    expect((await schema()).worker).toBe(WORKER_SCHEMA_VERSION);
    statements = [];
    expect(await migrateWorkerSchema(databaseUrl, pool)).toBe(false);
    expect(statements).toHaveLength(1);
  });

  it('adds live_calls.idless to a version 4 table, whose rows read as calls with an id', async () => {
    await admin.query('ALTER TABLE gemloop.live_calls DROP COLUMN idless');
    await admin.query(
      `INSERT INTO gemloop.live_calls (session_id, call_id, tool_name, args) VALUES ('s', 'r1', 'report', '{}')`,
    );
    await admin.query(
      `UPDATE gemloop_schema_versions SET version = 4 WHERE name = 'durable-worker'`,
    );
    expect(await migrateWorkerSchema(databaseUrl, pool)).toBe(true);
    const { rows } = await admin.query(`SELECT call_id, idless FROM gemloop.live_calls`);
    expect(rows).toEqual([{ call_id: 'r1', idless: false }]);
    await admin.query('DELETE FROM gemloop.live_calls');
  });

  it("adds the workers' versions to a version 5 table, whose rows read as workers from before them (NULL)", async () => {
    await admin.query(
      `ALTER TABLE gemloop.workers DROP COLUMN app_version, DROP COLUMN gemloop_version,
         DROP COLUMN storage_format`,
    );
    await admin.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at) VALUES ('a', 'old', now())`,
    );
    await admin.query(
      `UPDATE gemloop_schema_versions SET version = 5 WHERE name = 'durable-worker'`,
    );
    // Two workers of this version starting at once, on the same old table.
    expect(
      await Promise.all([
        migrateWorkerSchema(databaseUrl, pool),
        migrateWorkerSchema(databaseUrl, pool),
      ]),
    ).toEqual([true, true]);
    const { rows } = await admin.query(
      `SELECT executor_id, app_version, gemloop_version, storage_format FROM gemloop.workers`,
    );
    expect(rows).toEqual([
      { executor_id: 'old', app_version: null, gemloop_version: null, storage_format: null },
    ]);
    // A worker of version 5 still beats into it: its INSERT names only the columns it knows.
    await admin.query(
      `INSERT INTO gemloop.workers (app, executor_id, seen_at, session_pid, session_server)
       VALUES ('a', 'old', now(), pg_backend_pid(), pg_postmaster_start_time())
       ON CONFLICT (app, executor_id) DO UPDATE SET seen_at = now()`,
    );
    expect((await schema()).worker).toBe(WORKER_SCHEMA_VERSION);
    await admin.query('DELETE FROM gemloop.workers');
  });

  it("migrates when DBOS's own tables are behind this SDK (an upgraded DBOS)", async () => {
    const required = allMigrations('dbos').length;
    await admin.query('UPDATE dbos.dbos_migrations SET version = $1', [required - 1]);
    expect(await migrateWorkerSchema(databaseUrl, pool)).toBe(true);
    expect((await schema()).dbos).toBe(required);
  });

  it('leaves a newer version alone, as DBOS does (a newer worker of a rolling upgrade wrote it)', async () => {
    await admin.query(
      `UPDATE gemloop_schema_versions SET version = $1 WHERE name = 'durable-worker'`,
      [WORKER_SCHEMA_VERSION + 1],
    );
    expect(await migrateWorkerSchema(databaseUrl, pool)).toBe(false);
    expect((await schema()).worker).toBe(WORKER_SCHEMA_VERSION + 1);
  });
});

// The copies the fleet tests' workers start on (worker-database.ts) hold gemloop's tables as well
// as DBOS's: each of ~160 worker starts in a run then sends the one statement above, not gemloop's
// ~30 migration statements in five transactions (a copy of a DBOS-only template, measured: 78
// statements over 11 sessions and ~80 ms of Postgres's CPU a start, against 34 over 9 and ~25 ms).
// A template made without them would still pass every other test, only slower.
describe("the fleet tests' database copies", () => {
  it('are current: a worker started on one migrates nothing (one statement)', async () => {
    const statements: string[] = [];
    const databaseUrl = await workerDatabase('worker_schema_copy');
    const pool = countingPool(databaseUrl, () => statements);
    try {
      expect(await migrateWorkerSchema(databaseUrl, pool)).toBe(false);
      expect(statements).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });
});
