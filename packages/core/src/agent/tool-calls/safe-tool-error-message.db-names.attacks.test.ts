import { describe, expect, it } from 'vitest';
import { redactLocalDetails, safeToolErrorMessage } from './safe-tool-error-message.ts';

// leftovers80 (leftovers79b's probe): the default tool error kept a database's user name and a
// quoted host name with no port, as drivers write them. PostgreSQL's libpq and server
// (`password authentication failed for user "x"`, `role "x" does not exist`), MySQL's
// (`Access denied for user 'x'@'host'`, `Can't connect to MySQL server on 'host' (111)`) and
// SQL Server's (`Login failed for user 'x'.`). The words around them stay, and a quoted word in
// other prose stays too.

const leaks: [driver: string, message: string, secrets: string[]][] = [
  [
    'PostgreSQL, password',
    'password authentication failed for user "gemloop_app"',
    ['gemloop_app'],
  ],
  ['PostgreSQL, role', 'FATAL:  role "gemloop_app" does not exist', ['gemloop_app']],
  [
    'MySQL, access denied',
    "Access denied for user 'app_rw'@'db-7' (using password: YES)",
    ['app_rw', 'db-7'],
  ],
  ['MySQL, server on', "Can't connect to MySQL server on 'db-7' (111)", ['db-7']],
  ['SQL Server', "Login failed for user 'sa_orders'.", ['sa_orders']],
];

describe("the default tool error keeps a database's names out", () => {
  for (const [driver, message, secrets] of leaks) {
    it(`redacts the names of ${driver}`, () => {
      const text = safeToolErrorMessage('query', new Error(message));
      for (const secret of secrets) expect(text).not.toContain(secret);
    });
  }

  it('keeps the words around them', () => {
    expect(redactLocalDetails('password authentication failed for user "gemloop_app"')).toBe(
      'password authentication failed for user "<user>"',
    );
    expect(redactLocalDetails("Access denied for user 'app_rw'@'db-7' (using password: YES)")).toBe(
      // `password: YES` was `password: <host>` before (a credential's word, attack20).
      "Access denied for user '<user>'@'<host>' (using password: <host>)",
    );
    expect(redactLocalDetails("Can't connect to MySQL server on 'db-7' (111)")).toBe(
      "Can't connect to MySQL server on '<host>' (111)",
    );
  });

  it('is the same run twice', () => {
    for (const [, message] of leaks) {
      const once = redactLocalDetails(message);
      expect(redactLocalDetails(once)).toBe(once);
    }
  });

  it('leaves ordinary words and unquoted users', () => {
    for (const text of [
      'user not found',
      'no user with that email',
      'the role was not granted',
      'the user "Ana" asked for a refund',
      'clicked on "Save" twice',
      'for user 42 the quota is spent',
    ])
      expect(redactLocalDetails(text)).toBe(text);
  });
});
