import type pg from 'pg';
import { borrowClient } from './borrow-client.ts';

/** One table's versioned layout, as {@link migrateTable} brings it up to date. @internal */
export type TableLayout = {
  /** Its key in `gemloop_schema_versions` and its advisory lock: `chat:<table>`, `artifacts:<table>`. */
  readonly name: string;
  /** How an error names it: `'chat table gemloop_chat_turns'`. */
  readonly label: string;
  /**
   * The steps from layout version 1 up, in order: step `i` brings a table at version `i` to
   * `i + 1`, so the latest version is `steps.length`. Each must be safe to run again.
   */
  readonly steps: readonly ((client: pg.PoolClient) => Promise<unknown>)[];
};

/**
 * Brings a table of one of gemloop's Postgres stores to its latest layout, once, whichever process
 * gets there first (an advisory lock held by the transaction): the steps its recorded version has
 * not run yet, then the version. A table at a newer layout than this package knows is refused
 * rather than written in a shape it does not understand. @internal
 */
export async function migrateTable(pool: pg.Pool, layout: TableLayout): Promise<void> {
  const latest = layout.steps.length;
  const client = await borrowClient(pool);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gemloop.${layout.name}`]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS gemloop_schema_versions (name text PRIMARY KEY, version integer NOT NULL)`,
    );
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM gemloop_schema_versions WHERE name = $1',
      [layout.name],
    );
    const current = rows[0]?.version ?? 0;
    if (current > latest) {
      throw new Error(
        `The ${layout.label} is at layout version ${current}, newer than this @gemloop/dbos knows (${latest}): upgrade the package.`,
      );
    }
    for (const step of layout.steps.slice(current)) await step(client);
    await client.query(
      `INSERT INTO gemloop_schema_versions (name, version) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version`,
      [layout.name, latest],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
