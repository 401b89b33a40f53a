/**
 * A Postgres connection string with its password replaced by `***`, for error messages and logs.
 * Handles URLs (`postgres://user:secret@host/db`, `?password=`, and any parameter named as a
 * secret: `sslpassword`, `passphrase`, a token) and key-value strings (`host=... password=secret`).
 */
export function redactConnectionString(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    // Every parameter named as a secret, whatever its case: libpq's `sslpassword` (the client
    // key's passphrase, in URLs copied from libpq's docs and platforms) was shown whole, and a
    // `PASSWORD=` or a repeated `password=` too (attack61d).
    for (const name of new Set(url.searchParams.keys())) {
      if (SECRET_PARAMETER.test(name)) url.searchParams.set(name, '***');
    }
    return url.toString();
  } catch {
    return connectionString
      .replace(UNPARSED_URL_PASSWORD, '$1***@')
      .replace(/((?:pass|secret|token)\w*\s*=\s*)('[^']*'|\S+)/gi, '$1***');
  }
}

/** Names of connection parameters that hold a secret (`password`, `sslpassword`, `passphrase`, a token). */
const SECRET_PARAMETER = /pass|secret|token/i;

/**
 * The userinfo password of a URL-shaped connection string that `new URL` refuses (a `#`, `/` or
 * `?` in the password not percent-encoded, a port out of range): everything after the user's
 * colon up to the last `@`. Such a string was returned whole, password and all. Taking too much
 * (an `@` later in the query) only hides more. @internal
 */
export const UNPARSED_URL_PASSWORD: RegExp = /^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)(.*)@/is;

/** Host, port and database of a connection string, for messages. @internal */
export function describeConnection(connectionString: string): {
  host: string | undefined;
  port: number | undefined;
  database: string | undefined;
} {
  try {
    const url = new URL(connectionString);
    return {
      host: url.hostname || undefined,
      port: url.port === '' ? 5432 : Number(url.port),
      database: url.pathname.replace(/^\//, '') || undefined,
    };
  } catch {
    const read = (key: string): string | undefined =>
      new RegExp(`${key}\\s*=\\s*('[^']*'|\\S+)`, 'i').exec(connectionString)?.[1];
    const port = read('port');
    return {
      host: read('host'),
      port: port === undefined ? undefined : Number(port),
      database: read('dbname'),
    };
  }
}
