import type pg from 'pg';
import { isConnectionError, toUnreachableError } from '../errors/check-postgres.ts';
import { borrowClient } from './borrow-client.ts';

/**
 * A store's table made ready once, on its first call: `migrate` runs the first time the returned
 * function is called, and again only after it failed (a Postgres that was down). A connection
 * failure of a store that made its own pool (`connectionString`) becomes a
 * `PostgresUnreachableError` naming `what` (`'the chat history table gemloop_chat_turns'`).
 * @internal
 */
export function tableOnce(
  connectionString: string | undefined,
  what: string,
  migrate: () => Promise<void>,
): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () =>
    (ready ??= migrate().catch((error: unknown) => {
      ready = undefined;
      throw connectionString !== undefined && isConnectionError(error)
        ? toUnreachableError(error, connectionString, what)
        : error;
    }));
}

/**
 * Runs `body` in a transaction on a client of `pool`: committed when it returns, rolled back when
 * it throws (the throw goes on), the client released either way. @internal
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await borrowClient(pool);
  try {
    await client.query('BEGIN');
    const value = await body(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
