// PostgresUnreachableError as built from a driver error, without a database: the password never
// reaches the message, the cause, the fields or JSON, in any connection-string form; each
// failure code gets the hint that says what to check.

import { describe, expect, it } from 'vitest';
import { toUnreachableError } from './check-postgres.ts';
import { PostgresUnreachableError } from './postgres-unreachable-error.ts';
import { describeConnection, redactConnectionString } from './redact-connection-string.ts';

/** A driver error that quotes what it was given, as some do. */
const quoting = (text: string, code?: string): Error =>
  Object.assign(new Error(`connect failed (${text})`), code === undefined ? {} : { code });

/** Every place the error carries text: none may hold `secret`. */
function expectNowhere(error: PostgresUnreachableError, secret: string): void {
  expect(error.message).not.toContain(secret);
  expect(error.connection).not.toContain(secret);
  expect(String(error)).not.toContain(secret);
  expect(JSON.stringify(error)).not.toContain(secret);
  expect((error.cause as Error).message).not.toContain(secret);
  expect(error.stack ?? '').not.toContain(secret);
}

describe('toUnreachableError', () => {
  const forms: [string, string, string][] = [
    ['a URL password', 'postgres://app:Hunter2pass@db.internal:6543/orders', 'Hunter2pass'],
    ['a percent-encoded URL password', 'postgres://app:p%40ss%2Fw0rd@db/orders', 'p@ss/w0rd'],
    ['a password query parameter', 'postgres://app@db/orders?password=QueryPass99', 'QueryPass99'],
    ['a quoted key-value password', "host=db dbname=orders password='kv pass 1'", 'kv pass 1'],
    ['a bare key-value password', 'host=db dbname=orders password=BarePass77', 'BarePass77'],
  ];
  for (const [name, connectionString, password] of forms) {
    it(`keeps ${name} out of every field, even when the driver quotes it`, () => {
      for (const quoted of [connectionString, password, `password=${password}`]) {
        const error = toUnreachableError(quoting(quoted, '28P01'), connectionString, 'the worker');
        expect(PostgresUnreachableError.isInstance(error)).toBe(true);
        expectNowhere(error, password);
        expect(error.message).toContain('Could not connect to Postgres for the worker at ');
        expect(error.message).toContain('***');
      }
    });
  }

  it('names where it tried: host, port (5432 when the URL has none) and database', () => {
    expect(
      toUnreachableError(quoting('x'), 'postgres://u:pw@db.internal:6543/orders', 'p'),
    ).toMatchObject({ host: 'db.internal', port: 6543, database: 'orders' });
    expect(toUnreachableError(quoting('x'), 'postgres://u:pw@db/orders', 'p')).toMatchObject({
      host: 'db',
      port: 5432,
      database: 'orders',
    });
    expect(
      toUnreachableError(quoting('x'), "host=kv.internal port=7000 dbname='orders'", 'p'),
    ).toMatchObject({ host: 'kv.internal', port: 7000, database: "'orders'" });
  });

  const hints: [string, Error, RegExp][] = [
    [
      'ECONNREFUSED',
      quoting('x', 'ECONNREFUSED'),
      /Nothing listens on db:5432: is Postgres running/,
    ],
    ['ENOTFOUND', quoting('x', 'ENOTFOUND'), /The host of db:5432 does not resolve/],
    ['EAI_AGAIN', quoting('x', 'EAI_AGAIN'), /does not resolve/],
    [
      'a timeout without a code',
      new Error('Connection terminated due to connection timeout'),
      /No answer from db:5432 in time/,
    ],
    ['28P01', quoting('x', '28P01'), /refused the user or password/],
    ['28000', quoting('x', '28000'), /refused the user or password/],
    ['3D000', quoting('x', '3D000'), /The database "orders" does not exist: create it/],
    [
      "Node's AggregateError (every address refused)",
      Object.assign(new AggregateError([quoting('x', 'ECONNREFUSED')], 'all failed'), {}),
      /Nothing listens on db:5432/,
    ],
    ['anything else', quoting('x', 'XX000'), /Check that Postgres runs at db:5432/],
  ];
  for (const [name, cause, hint] of hints) {
    it(`gives the hint for ${name}, with the reason`, () => {
      const error = toUnreachableError(cause, 'postgres://u:pw@db/orders', 'the runs API');
      expect(error.message).toMatch(hint);
      expect(error.code).toBe('postgres-unreachable');
    });
  }

  it('keeps the reason code as data', () => {
    expect(toUnreachableError(quoting('x', '3D000'), 'postgres://db/x', 'p').reason).toBe('3D000');
    expect(toUnreachableError('not an error', 'postgres://db/x', 'p').reason).toBeUndefined();
  });
});

describe('redactConnectionString and describeConnection', () => {
  it('redacts every password parameter of a URL, keeping the rest', () => {
    expect(redactConnectionString('postgres://u@db/x?password=a&sslmode=require')).toBe(
      'postgres://u@db/x?password=***&sslmode=require',
    );
    expect(redactConnectionString('postgres://u:a@db/x?password=b')).toBe(
      'postgres://u:***@db/x?password=***',
    );
    expect(redactConnectionString('postgres://u@db/x')).toBe('postgres://u@db/x');
  });

  it('redacts the password of a URL that URL parsing refuses (a raw # / ? or @, a bad port)', () => {
    const cases: [string, string][] = [
      ['postgres://app:pa#ss@db/x', 'pa#ss'],
      ['postgres://app:pa/ss?w@db/x', 'pa/ss?w'],
      ['postgres://app:p@ss@db/x', 'p@ss'],
      ['postgres://app:Hunter2@db:99999/x', 'Hunter2'],
      ['postgresql://app:Hunter2@db:port/x', 'Hunter2'],
    ];
    for (const [connectionString, password] of cases) {
      const redacted = redactConnectionString(connectionString);
      expect(redacted).not.toContain(password);
      expect(redacted).toMatch(/^postgres(ql)?:\/\/app:\*\*\*@db/);
      const error = toUnreachableError(quoting(password, 'ERR_X'), connectionString, 'p');
      expectNowhere(error, password);
    }
    // No password: nothing to take out.
    expect(redactConnectionString('postgres://db:99999/x')).toBe('postgres://db:99999/x');
  });

  it('redacts key-value passwords whatever the spacing and case', () => {
    expect(redactConnectionString('host=db PASSWORD = secret dbname=x')).toBe(
      'host=db PASSWORD = *** dbname=x',
    );
    expect(describeConnection('host=db dbname=x')).toEqual({
      host: 'db',
      port: undefined,
      database: 'x',
    });
  });
});
