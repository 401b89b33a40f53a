// The databases of the tests that run durable workers: copies of one that DBOS's and gemloop's
// schemas were migrated into once per server, shared by the dbos fleet tests and the durable
// examples' tests (examples/test/__fixtures__/database-env.ts). This file imports no other module of
// @gemloop/dbos, so that the examples' TypeScript project can include it alone.
import pg from 'pg';
import { inject } from 'vitest';

/** The suite's Postgres (started by the global setup). */
export function suitePostgres(): string {
  const url = inject('postgresUrl');
  if (typeof url !== 'string' || url === '') {
    throw new Error('The global setup provided no Postgres URL: scripts/postgres-setup.ts did not run or failed.');
  }
  return url;
}

/** The database {@link workerDatabase} copies: DBOS's system schema and gemloop's, migrated once per server. */
const WORKER_TEMPLATE = 'gemloop_test_worker_template';
/**
 * The worker's migration, imported only by the process that makes the template, and by a URL:
 * a static import would put DBOS's and gemloop's migration modules into every program that
 * includes this file (the examples' TypeScript project lists its files) and into every test
 * process that copies the template.
 */
const MIGRATE_WORKER_SCHEMA = new URL('../durable/worker/migrate-worker-schema.ts', import.meta.url).href;
/** The template's `CREATE DATABASE` clause for this server, once per process (see copyStrategy). */
let workerTemplate: Promise<string> | undefined;
let workerDatabaseCounter = 0;

/**
 * A fresh database for a file's worker processes, copied (`CREATE DATABASE ... TEMPLATE`) from
 * one that DBOS's system schema was migrated into once per Postgres server. The first worker on
 * a fresh database (fleet.ts `freshDatabase`) runs every DBOS migration itself: measured (a probe, four
 * rounds at load ~25), 0.33-0.57 s of Postgres CPU and 0.97-1.37 s of the worker's to its `ready`,
 * against 0.09-0.18 s and 0.74-1.04 s on a copy. gemloop's tables are in the template too: a
 * worker's start finds the schema current with one statement (migrate-worker-schema.ts). A test of migrating an empty database uses
 * fleet.ts's `freshDatabase`.
 */
export async function workerDatabase(prefix: string): Promise<string> {
  const url = suitePostgres();
  workerTemplate ??= makeWorkerTemplate(url);
  const strategy = await workerTemplate;
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${Date.now().toString(36)}_w${workerDatabaseCounter++}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}" TEMPLATE ${WORKER_TEMPLATE}${strategy}`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

/**
 * Makes the template unless a test process of this run (or of an earlier run on the same
 * DATABASE_URL server) made it: one builder at a time under an advisory lock, polled as in
 * migrate-system-database.ts; a template is used only once its comment says it is complete (a
 * builder that died halfway left one that is dropped and made again). Nobody connects to it
 * afterwards, which `CREATE DATABASE ... TEMPLATE` needs. On a server kept between runs, a newer
 * DBOS migrates the copy on top, as it would any system database.
 */
async function makeWorkerTemplate(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const strategy = await copyStrategy(client);
    const lock = `SELECT pg_try_advisory_lock(hashtext('${WORKER_TEMPLATE}')) AS locked`;
    while ((await client.query<{ locked: boolean }>(lock)).rows[0]?.locked !== true) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { rows } = await client.query<{ note: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname = $1`,
      [WORKER_TEMPLATE],
    );
    if (rows[0]?.note !== 'complete') {
      await client.query(`DROP DATABASE IF EXISTS ${WORKER_TEMPLATE}`);
      await client.query(`CREATE DATABASE ${WORKER_TEMPLATE}`);
      const template = new URL(url);
      template.pathname = `/${WORKER_TEMPLATE}`;
      // DBOS's schema and gemloop's, so a worker's start finds both current (one statement).
      const pool = new pg.Pool({ connectionString: template.toString(), max: 1 });
      try {
        const { migrateWorkerSchema } = (await import(MIGRATE_WORKER_SCHEMA)) as {
          migrateWorkerSchema: (databaseUrl: string, pool: pg.Pool) => Promise<boolean>;
        };
        await migrateWorkerSchema(template.toString(), pool);
      } finally {
        await pool.end();
      }
      await client.query(`COMMENT ON DATABASE ${WORKER_TEMPLATE} IS 'complete'`);
    }
    return strategy;
  } finally {
    await client.query(`SELECT pg_advisory_unlock(hashtext('${WORKER_TEMPLATE}'))`).catch(() => {});
    await client.end();
  }
}

/**
 * How the copies are made (the clause exists from Postgres 15). Postgres copies a template by
 * writing each of its pages into the WAL (`STRATEGY WAL_LOG`, the default); `FILE_COPY` copies
 * its files and asks for a checkpoint before and after, which flushes every dirty page of the
 * server to disk: cheap on the suite's server, which runs with fsync off
 * (scripts/postgres-setup.ts), costly on a DATABASE_URL server that flushes. Measured on fsync-off
 * servers, 40 copies of this template five at a time, three pairs at load 22-38: Postgres's CPU
 * 6.6, 6.6, 8.7 s (WAL_LOG) -> 0.8, 6.5, 5.7 s, written 446 -> 371 MB; in the dbos projects at
 * load 17-31, Postgres's system CPU 25.9 s a run with WAL_LOG copies (one run) and 15.4, 12.9 s
 * with FILE_COPY (two).
 */
async function copyStrategy(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ cheap: boolean }>(
    `SELECT current_setting('fsync') = 'off' AND current_setting('server_version_num')::int >= 150000 AS cheap`,
  );
  return rows[0]?.cheap === true ? ' STRATEGY FILE_COPY' : '';
}
