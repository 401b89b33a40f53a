import { describe, expect, it } from 'vitest';
import { redactLocalDetails, safeToolErrorMessage } from './safe-tool-error-message.ts';

// attack20: the default tool error (what the model, the spans and the recordings get when a tool
// throws) took out URLs, paths and hosts, but a credential the tool itself held went through word
// for word: a connection string's `Password=`, libpq's `password=`, Azure's `AccountKey=` and
// `SharedAccessKey=`, a `Bearer` token, an `x-goog-api-key: AIza...` header a tool quoted, AWS's
// `aws_secret_access_key=`. The client redacts the keys it knows; these it never saw. And ADO.NET's
// `Data Source=<host>` (attack17 left it) kept its host.

const SECRET = 'Hunter2-s3cr3t';

const leaks: [shape: string, message: string][] = [
  ['ADO.NET', `Login failed: Data Source=sql01.corp;User ID=sa;Password=${SECRET};`],
  ['ADO.NET, Pwd', `Server=sql01;Uid=sa;Pwd=${SECRET};Database=x`],
  ['libpq', `connection to "host=db.internal user=app password=${SECRET} dbname=x" failed`],
  ['Azure storage', `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${SECRET}==;`],
  ['Azure Service Bus', `SharedAccessKeyName=Root;SharedAccessKey=${SECRET}=`],
  ['a Bearer token', `request failed: Authorization: Bearer ${SECRET}.abc`],
  ['an API key header', `got 401 with header x-goog-api-key: ${SECRET}`],
  ['a key named in prose', `Invalid API key: ${SECRET}`],
  ['AWS', `aws_secret_access_key=${SECRET} invalid`],
  ['a token parameter', `refused token=${SECRET}&user=app`],
];

describe('the default tool error keeps credentials out', () => {
  for (const [shape, message] of leaks) {
    it(`redacts the credential of ${shape}`, () => {
      const text = safeToolErrorMessage('lookup', new Error(message));
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('Hunter2');
    });
  }

  it("redacts ADO.NET's Data Source host", () => {
    expect(redactLocalDetails('Data Source=sql01.corp;Initial Catalog=orders')).toBe(
      'Data Source=<host>;Initial Catalog=orders',
    );
  });

  it('keeps the words of errors that only mention a credential', () => {
    for (const message of [
      'token expired',
      'Unexpected token } in JSON at position 5',
      'missing API key',
      'keyword arguments are not allowed',
    ]) {
      expect(safeToolErrorMessage('lookup', new Error(message))).toBe(`lookup failed: ${message}`);
    }
    // The words stay; the database's user name goes since leftovers80 (a name of the app's setup).
    expect(
      safeToolErrorMessage('lookup', new Error('password authentication failed for user "app"')),
    ).toBe('lookup failed: password authentication failed for user "<user>"');
  });
});
