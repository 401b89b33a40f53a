import { createDatabase } from '@gemloop/dbos/testing';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's one Postgres (scripts/postgres-setup.ts, the root config's global setup). */
    postgresUrl: string;
  }
}

/**
 * `DATABASE_URL` for an example that runs durable workflows: a fresh database of its own on the
 * run's one Postgres, as a user with their own server runs the example (it then starts no
 * embedded server). Every durable example runs this way (the suite shares one Postgres); the
 * embedded path itself, `startEmbeddedPostgres` with no `databaseUrl`, is tested in
 * packages/dbos/src/testing/start-embedded-postgres.test.ts.
 */
export async function databaseEnv(prefix: string): Promise<Record<string, string>> {
  const url = inject('postgresUrl');
  if (typeof url !== 'string' || url === '') {
    throw new Error(
      'The run has no Postgres: scripts/postgres-setup.ts (the root global setup) did not provide one.',
    );
  }
  return { DATABASE_URL: await createDatabase(url, prefix) };
}
