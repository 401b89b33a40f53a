import type pg from 'pg';
import { borrowClient } from './borrow-client.ts';

/**
 * Runs `work` in one transaction on a client of `pool`: committed when it returns, rolled back
 * when it throws (the error rethrown), the client released either way. @internal
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await borrowClient(pool);
  try {
    await client.query('BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
