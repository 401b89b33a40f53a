import { DBOS } from '@dbos-inc/dbos-sdk';
import pg from 'pg';

/**
 * Creates or migrates the DBOS system database under a Postgres advisory lock. Workers of a
 * fleet start together; DBOS's own migration at launch, run by several processes at once, fails
 * with `deadlock detected` (seen with three workers on DBOS 5.3). With the lock, the first worker
 * migrates and the others find the schema current. The lock is taken in the `postgres`
 * maintenance database when the system database does not exist yet (DBOS creates it).
 * @internal
 */
export async function migrateSystemDatabase(databaseUrl: string): Promise<void> {
  const client = await connectForLock(databaseUrl);
  try {
    // Polled, not a blocking pg_advisory_lock: a session blocked in that call holds a snapshot,
    // and the migration's CREATE INDEX CONCURRENTLY waits for every such snapshot, forever.
    while (true) {
      const { rows } = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(hashtext('gemloop.dbos-migrate')) AS locked`,
      );
      if (rows[0]?.locked === true) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await DBOS.migrate(databaseUrl);
  } finally {
    await client
      .query(`SELECT pg_advisory_unlock(hashtext('gemloop.dbos-migrate'))`)
      .catch(() => {});
    await client.end().catch(() => {});
  }
}

async function connectForLock(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    if ((error as { code?: unknown }).code !== '3D000') throw error;
    const maintenance = new URL(databaseUrl);
    maintenance.pathname = '/postgres';
    const fallback = new pg.Client({ connectionString: maintenance.toString() });
    fallback.on('error', () => {});
    await fallback.connect();
    return fallback;
  }
}
