import { workerDatabase } from '../../../packages/dbos/src/__fixtures__/worker-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's one Postgres (scripts/postgres-setup.ts, the root config's global setup). */
    postgresUrl: string;
  }
}

/**
 * `DATABASE_URL` for an example that runs durable workflows: a database of its own on the run's
 * one Postgres, as a user with their own server runs the example (it then starts no embedded
 * server). Every durable example runs this way (the suite shares one Postgres); the embedded path
 * itself, `startEmbeddedPostgres` with no `databaseUrl`, is tested in
 * packages/dbos/src/testing/start-embedded-postgres.test.ts.
 *
 * The database is a copy of the dbos fleet tests' template, DBOS's and gemloop's schemas already
 * migrated (packages/dbos/src/__fixtures__/worker-database.ts): each of these examples' processes
 * (its workers, its runs client) then finds the schema current with one statement, as on a
 * user's second run, instead of the first of them running every migration. The migration of an
 * empty database is the dbos tests' subject (migrate-worker-schema.test.ts, the worker-database
 * fixture's `freshDatabase` users).
 */
export async function databaseEnv(prefix: string): Promise<Record<string, string>> {
  return { DATABASE_URL: await workerDatabase(prefix) };
}
