import type pg from 'pg';

/**
 * Checks a client out of `pool` with an `error` listener on it for as long as it is held.
 *
 * node-postgres reports a connection that dies under a checked-out client (Postgres restarted:
 * `57P01 terminating connection due to administrator command`) as an `error` event on that client.
 * The pool listens only to its idle clients, so without a listener of ours the event has none and
 * Node throws it at the process: a worker holding a client through a Postgres restart crashed,
 * and its run waited for a takeover instead of continuing once Postgres was back. DBOS guards its
 * own checkouts the same way (`borrowClient` in its `system_database.js`).
 *
 * The error is kept and handed to `release`, so the pool drops the broken connection instead of
 * lending it out again; the query that was running fails on its own, typed by node-postgres.
 * @internal
 */
export async function borrowClient(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  // Attached before any await, so there is no turn of the event loop with the client unguarded.
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  const release = client.release.bind(client);
  client.release = (error?: Error | boolean) => {
    client.removeListener('error', onError);
    release(error ?? broken);
  };
  return client;
}
