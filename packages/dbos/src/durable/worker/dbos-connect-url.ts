/**
 * The longest `connect_timeout` DBOS can be given, in seconds: DBOS multiplies it into
 * node-postgres's `connectionTimeoutMillis`, a `setTimeout` delay, and Node fires a delay past
 * 2^31 − 1 ms at once (with a warning), which would make "no limit" the shortest one.
 */
const LONGEST_CONNECT_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);

/**
 * The database URL handed to DBOS (its launch's check, its system pool, its notification
 * listener and its client), with `connectTimeoutMs` as DBOS's own limit on a connect. DBOS reads
 * that limit from the URL's `connect_timeout` (seconds) and, without one, gives every connect 10 s
 * of wall time (`getClientConfig`, `dist/src/utils.js` in `@dbos-inc/dbos-sdk` 5.3): a worker
 * whose own first connect had no limit (`connectTimeoutMs: 0`, a fixture's start watched by its
 * CPU-aware hang guard) still failed its launch with `timeout expired` at load 36, when Postgres
 * took more than 10 s to start a session. `undefined` leaves the URL as it is (DBOS's 10 s), and a
 * `connect_timeout` the URL already has is the caller's and kept.
 * @internal
 */
export function dbosConnectUrl(databaseUrl: string, connectTimeoutMs: number | undefined): string {
  if (connectTimeoutMs === undefined) return databaseUrl;
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return databaseUrl; // not a URL: DBOS refuses it with its own message, as before
  }
  if (url.searchParams.has('connect_timeout')) return databaseUrl;
  // DBOS takes 0 as "unset" (its 10 s): no limit is the longest it can be given.
  const seconds =
    connectTimeoutMs === 0
      ? LONGEST_CONNECT_TIMEOUT_S
      : Math.min(LONGEST_CONNECT_TIMEOUT_S, Math.max(1, Math.ceil(connectTimeoutMs / 1000)));
  url.searchParams.set('connect_timeout', String(seconds));
  return url.href;
}
