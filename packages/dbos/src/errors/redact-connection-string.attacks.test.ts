// attack61d: connection strings whose secret is not the one `password` (libpq's `sslpassword`, the
// client key's passphrase, in URLs copied from libpq's docs and platforms; a `PASSWORD=` in
// capitals). They reached PostgresUnreachableError's message and `connection` whole.

import { describe, expect, it } from 'vitest';
import { toUnreachableError } from './check-postgres.ts';
import { redactConnectionString } from './redact-connection-string.ts';

const SECRET = 'KeyPass4711';

describe('redactConnectionString: every parameter named as a secret', () => {
  it.each([
    ['libpq sslpassword', `postgres://app@db/orders?sslmode=require&sslpassword=${SECRET}`],
    ['a password in capitals', `postgres://app@db/orders?PASSWORD=${SECRET}`],
    ['a repeated password', `postgres://app@db/orders?password=one&password=${SECRET}`],
    ['a passphrase', `postgres://app@db/orders?passphrase=${SECRET}`],
    ['a token', `postgres://app@db/orders?access_token=${SECRET}`],
    [
      'sslpassword of a URL that URL parsing refuses',
      `postgres://app@db:99999/x?sslpassword=${SECRET}`,
    ],
    ['key-value sslpassword', `host=db dbname=orders sslpassword='${SECRET} 2'`],
  ])('%s: never in the message, the connection or JSON', (_name, connectionString) => {
    const redacted = redactConnectionString(connectionString);
    expect(redacted).not.toContain(SECRET);
    const error = toUnreachableError(new Error('connect ECONNREFUSED'), connectionString, 'p');
    expect(error.message).not.toContain(SECRET);
    expect(error.connection).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it('keeps what names where it connects', () => {
    expect(
      redactConnectionString(`postgres://app@db/orders?sslmode=require&sslpassword=${SECRET}`),
    ).toBe('postgres://app@db/orders?sslmode=require&sslpassword=***');
    expect(redactConnectionString('postgres://app@db/orders?sslkey=/keys/app.key')).toBe(
      'postgres://app@db/orders?sslkey=/keys/app.key',
    );
  });
});
