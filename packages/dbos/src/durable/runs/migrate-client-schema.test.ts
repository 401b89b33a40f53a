// The migrations of a runs client's start (migrate-client-schema.ts, createDurableRuns) against
// the suite's real Postgres: a fresh database is made ready, a current one costs one statement
// (so does one a worker migrated), an older one is migrated, a newer one left alone. And, without
// a database, the statements of each schema version pinned by their fingerprint.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshDatabase, workerDatabase } from '../../__fixtures__/fleet.ts';
import {
  countingPool,
  fingerprintOf,
  holdVersionReads,
  statementsOfSteps,
} from '../../__fixtures__/schema-statements.ts';
import { migrateWorkerSchema } from '../worker/migrate-worker-schema.ts';
import { createDurableRuns } from './create-durable-runs.ts';
import {
  CLIENT_SCHEMA_STEPS,
  CLIENT_SCHEMA_VERSION,
  migrateClientSchema,
} from './migrate-client-schema.ts';

/**
 * The fingerprint of each version's statements (what the steps send to an empty database). Never
 * edit a line: a changed step is a new version (bump CLIENT_SCHEMA_VERSION) and a new line here.
 */
const FINGERPRINTS: Readonly<Record<number, string>> = {
  1: '9b79d1ecc596bf013029338f5f45e84a773109adf39be767b59d142ed6c957ed',
  2: '3655fab5438ce2d804e02037b11c1161a8873c85e24a5343a87389f9b66a5fbd',
  3: '5f64944bcb8995afc9108b868b2ca3f6dd1f4e3490d405de9fe64abfcbe114b8',
};

describe("the client's schema version", () => {
  it('pins the statements of its version: a changed step without a version bump fails here', async () => {
    const statements = await statementsOfSteps(CLIENT_SCHEMA_STEPS);
    expect(statements.length).toBeGreaterThan(8);
    const fingerprint = fingerprintOf(statements);
    expect(
      { version: CLIENT_SCHEMA_VERSION, fingerprint },
      'The statements of migrate-client-schema.ts changed: bump CLIENT_SCHEMA_VERSION and add its fingerprint to FINGERPRINTS (a migrated database skips the steps of a version it has)',
    ).toEqual({ version: CLIENT_SCHEMA_VERSION, fingerprint: FINGERPRINTS[CLIENT_SCHEMA_VERSION] });
  });
});

describe('migrateClientSchema on a real Postgres', () => {
  let databaseUrl: string;
  let statements: string[] = [];
  let pool: pg.Pool;
  let admin: pg.Pool;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('client_schema');
    pool = countingPool(databaseUrl, () => statements);
    admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
    await admin?.end();
  });

  /** The tables a client needs that are missing, and the client's version recorded. */
  async function schema(): Promise<{ missing: string[]; client: number }> {
    const missing: string[] = [];
    for (const table of ['gemloop.approvals', 'gemloop.interaction_waits']) {
      const { rows } = await admin.query('SELECT to_regclass($1) AS found', [table]);
      if (rows[0]?.found === null) missing.push(table);
    }
    const { rows } = await admin.query<{ version: number }>(
      `SELECT version FROM gemloop_schema_versions WHERE name = 'durable-client'`,
    );
    return { missing, client: rows[0]?.version ?? 0 };
  }

  it('makes a fresh database ready, two clients starting at once', async () => {
    // Both read the missing version before either runs a step, as two processes starting at once
    // do: left to the scheduler, on a loaded machine the second's read came after the first's
    // whole migration and found it current (a whole-suite run got [true, false]), and the steps
    // were never run side by side.
    const held = holdVersionReads(pool);
    try {
      expect(await Promise.all([migrateClientSchema(pool), migrateClientSchema(pool)])).toEqual([
        true,
        true,
      ]);
    } finally {
      held.restore();
    }
    expect(held.checked()).toBe(2);
    expect(await schema()).toEqual({ missing: [], client: CLIENT_SCHEMA_VERSION });
  });

  it('finds a current database with one statement and changes nothing', async () => {
    statements = [];
    expect(await migrateClientSchema(pool)).toBe(false);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('gemloop_schema_versions');
  });

  it('migrates a database of an older version (a column it lacked added)', async () => {
    await admin.query('ALTER TABLE gemloop.approvals DROP COLUMN decided_at');
    await admin.query(
      `UPDATE gemloop_schema_versions SET version = $1 WHERE name = 'durable-client'`,
      [CLIENT_SCHEMA_VERSION - 1],
    );
    statements = [];
    expect(await migrateClientSchema(pool)).toBe(true);
    expect(statements.length).toBeGreaterThan(8);
    const { rows } = await admin.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = 'gemloop' AND table_name = 'approvals' AND column_name = 'decided_at'`,
    );
    expect(rows).toHaveLength(1);
    expect((await schema()).client).toBe(CLIENT_SCHEMA_VERSION);
  });

  it('leaves a newer version alone (a newer client of a rolling upgrade wrote it)', async () => {
    await admin.query(
      `UPDATE gemloop_schema_versions SET version = $1 WHERE name = 'durable-client'`,
      [CLIENT_SCHEMA_VERSION + 1],
    );
    statements = [];
    expect(await migrateClientSchema(pool)).toBe(false);
    expect(statements).toHaveLength(1);
    expect((await schema()).client).toBe(CLIENT_SCHEMA_VERSION + 1);
  });
});

describe("a worker's migration and createDurableRuns", () => {
  it("records the client's version: a client of a fleet whose worker migrated starts in one statement", async () => {
    const databaseUrl = await freshDatabase('client_after_worker');
    let statements: string[] = [];
    const pool = countingPool(databaseUrl, () => statements);
    try {
      expect(await migrateWorkerSchema(databaseUrl, pool)).toBe(true);
      statements = [];
      expect(await migrateClientSchema(pool)).toBe(false);
      expect(statements).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });

  it("createDurableRuns sends one statement of gemloop's schema to a current database (12 in two transactions before)", async () => {
    const databaseUrl = await workerDatabase('client_start');
    const setup = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    try {
      // A template made by an older build may lack the client's row: the first start records it.
      await migrateClientSchema(setup);
    } finally {
      await setup.end();
    }
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      const text = args[0] as string | { text?: string };
      sent.push(String(typeof text === 'string' ? text : text?.text));
      return (query as (...a: unknown[]) => never).apply(this, args);
    });
    try {
      const runs = await createDurableRuns({ databaseUrl });
      await runs.close();
    } finally {
      spy.mockRestore();
    }
    const gemloops = sent.filter((text) => /gemloop\.|gemloop_schema_versions/.test(text));
    expect(gemloops).toHaveLength(1);
    expect(gemloops[0]).toContain('gemloop_schema_versions');
    // No transaction, no advisory lock: nothing that waits behind another process's migration.
    expect(sent.filter((text) => /^\s*BEGIN|pg_advisory/.test(text))).toEqual([]);
  });
});
