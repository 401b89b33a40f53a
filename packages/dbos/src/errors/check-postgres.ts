import pg from 'pg';
import { PostgresUnreachableError } from './postgres-unreachable-error.ts';
import {
  describeConnection,
  redactConnectionString,
  UNPARSED_URL_PASSWORD,
} from './redact-connection-string.ts';

/** @defaultValue of the connection check's time limit. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/**
 * Opens one connection and runs `SELECT 1`, so a wrong URL fails at start with a
 * {@link PostgresUnreachableError} that says what to check, not later inside DBOS or a query.
 * @internal
 */
export async function checkPostgres({
  connectionString,
  timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
  purpose,
  missingDatabaseOk = false,
}: {
  connectionString: string;
  /** A database that does not exist yet passes (DBOS creates its system database). */
  missingDatabaseOk?: boolean | undefined;
  timeoutMs?: number | undefined;
  /** What the connection is for, e.g. `the DBOS system database`. */
  purpose: string;
}): Promise<void> {
  let client: pg.Client | undefined;
  try {
    // In the try: the driver parses the string here, and a malformed URL threw a bare
    // `TypeError: Invalid URL` past the typed error.
    client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
    // A connection that fails after connecting must not crash the process through 'error'.
    client.on('error', () => {});
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    if (missingDatabaseOk && (error as { code?: unknown }).code === '3D000') return;
    throw toUnreachableError(error, connectionString, purpose);
  } finally {
    await client?.end().catch(() => {});
  }
}

/**
 * A pool whose first connection is {@link checkPostgres}'s check (the same time limit on its
 * connect, `SELECT 1`, the same typed error, the pool ended when it fails), left open in the pool
 * for the caller's next statement: a start that queries through a pool of its own right after its
 * check opens one Postgres session fewer (a login, and on a remote server a TLS handshake). Only
 * that first connect is limited, as the check's own client was: the pool's `connectionTimeoutMillis`
 * would also limit every later wait for a free client. The pool ignores a client's `error`.
 * @internal
 */
export async function openCheckedPool({
  connectionString,
  max,
  timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
  purpose,
  missingDatabaseOk = false,
}: {
  connectionString: string;
  max: number;
  /** A database that does not exist yet passes (DBOS creates its system database). */
  missingDatabaseOk?: boolean | undefined;
  timeoutMs?: number | undefined;
  /** What the connection is for, e.g. `the DBOS system database`. */
  purpose: string;
}): Promise<pg.Pool> {
  let firstConnectLimitMs: number | undefined = timeoutMs;
  class FirstConnectLimited extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: firstConnectLimitMs });
      firstConnectLimitMs = undefined;
    }
  }
  const pool = new pg.Pool({ connectionString, max, Client: FirstConnectLimited });
  pool.on('error', () => {});
  try {
    // The driver parses the string at the first connect, here: a malformed URL is typed too.
    await pool.query('SELECT 1');
    return pool;
  } catch (error) {
    if (missingDatabaseOk && (error as { code?: unknown }).code === '3D000') return pool;
    await pool.end().catch(() => {});
    throw toUnreachableError(error, connectionString, purpose);
  }
}

/** @internal */
export function toUnreachableError(
  error: unknown,
  connectionString: string,
  purpose: string,
): PostgresUnreachableError {
  const connection = redactConnectionString(connectionString);
  const { host, port, database } = describeConnection(connectionString);
  const reason = readCode(error);
  const where = `${host ?? '(default host)'}:${port ?? 5432}`;
  const hint = hintFor(reason, where, database);
  const detail = error instanceof Error ? error.message : String(error);
  // The driver's message may quote the connection string; never let the password through.
  const safeDetail = scrubPassword(detail, connectionString);
  return new PostgresUnreachableError({
    message: `Could not connect to Postgres for ${purpose} at ${connection} (${reason ?? 'error'}: ${safeDetail}). ${hint}`,
    connection,
    host,
    port,
    database,
    reason,
    cause: new Error(safeDetail),
  });
}

function hintFor(reason: string | undefined, where: string, database: string | undefined): string {
  switch (reason) {
    case 'ERR_INVALID_URL':
      return 'The connection string is not a valid URL: percent-encode the characters # / ? @ : % and spaces in the user name and password (encodeURIComponent), and check that the port is a number up to 65535.';
    case 'ECONNREFUSED':
      return `Nothing listens on ${where}: is Postgres running, and are the host and port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host of ${where} does not resolve: check the host name.`;
    case 'ETIMEDOUT':
      return `No answer from ${where} in time: check the host, the port, and any firewall between.`;
    case '28P01':
    case '28000':
      return 'Postgres refused the user or password: check the credentials in the connection string.';
    case '3D000':
      return `The database "${database ?? ''}" does not exist: create it, or point the URL at one that does.`;
    // too_many_connections: the server's max_connections (less its reserved ones), or the role's
    // or database's CONNECTION LIMIT, is reached.
    case '53300':
      return `Postgres at ${where} has no connection to spare (its max_connections, or a CONNECTION LIMIT of this role or database, is reached): close idle clients, give the workers smaller pools (systemDatabasePoolSize) or put a pooler in front, or raise the limit.`;
    // cannot_connect_now: starting up, shutting down, or in recovery (a failover under way).
    case '57P03':
      return `Postgres at ${where} is starting up, shutting down or recovering, and takes no connections yet: retry once it is up.`;
    default:
      return `Check that Postgres runs at ${where}, that the user and password are right, and that the database exists.`;
  }
}

function readCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node wraps a refusal on every address of a host in an AggregateError without a code.
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) return readCode(errors[0]);
  if (error instanceof Error && /timeout/i.test(error.message)) return 'ETIMEDOUT';
  return undefined;
}

function scrubPassword(text: string, connectionString: string): string {
  const passwords = passwordsOf(connectionString);
  let redacted = text.split(connectionString).join(redactConnectionString(connectionString));
  // Longest first, so a password that contains another is replaced whole.
  for (const password of passwords.sort((a, b) => b.length - a.length))
    redacted = redacted.split(password).join('***');
  return redacted;
}

/**
 * Every form a password of the connection string can take in a driver's message: a URL's
 * userinfo password (decoded and as written) and each `password` query parameter (node-postgres
 * reads it: `pg-connection-string`), or a key-value `password=` with and without its quotes.
 */
function passwordsOf(connectionString: string): string[] {
  const found = new Set<string>();
  try {
    const url = new URL(connectionString);
    if (url.password !== '') {
      found.add(url.password);
      try {
        found.add(decodeURIComponent(url.password));
      } catch {
        // A malformed escape: node-postgres would send it as written, kept above.
      }
    }
    for (const value of url.searchParams.getAll('password')) found.add(value);
  } catch {
    const userinfo = UNPARSED_URL_PASSWORD.exec(connectionString)?.[2];
    if (userinfo !== undefined) found.add(userinfo);
    for (const match of connectionString.matchAll(/password\s*=\s*('[^']*'|\S+)/gi)) {
      const value = match[1] as string;
      found.add(value);
      if (value.startsWith("'") && value.endsWith("'")) found.add(value.slice(1, -1));
    }
  }
  found.delete('');
  return [...found];
}

/**
 * Whether a failed query failed to reach Postgres (a socket error, a refused login, a missing
 * database, a connect timeout) rather than in the query itself. @internal
 */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (typeof code === 'string' &&
      (/^E[A-Z]+$/.test(code) ||
        code.startsWith('28') ||
        code === '3D000' ||
        // No connection to spare, or a server starting up or shutting down: refused at login.
        code === '53300' ||
        code === '57P03' ||
        // The driver could not parse the connection string: nothing was reached.
        code === 'ERR_INVALID_URL')) ||
    (error instanceof Error && /timeout|connect/i.test(error.message))
  );
}
