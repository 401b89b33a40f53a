import { describe, expect, it } from 'vitest';
import { safeToolErrorMessage } from '../agent/tool-calls/safe-tool-error-message.ts';
import { REDACTED, redactLocalDetails, redactSecrets } from './redact-secrets.ts';

// redact39 (found by attack30): a tool named `lookup` fails as `lookup failed: ...`; a second
// redaction of that text (a subagent's error told to its parent, the recorder, a span) took
// `failed` for the host of Go's `lookup db: no such host`. Each text below is a runtime's own
// wording; what the redaction writes must be left as it is by the next pass, and so must the
// `<tool> failed: ` the loop puts before it.
const CORPUS: readonly string[] = [
  // Node
  'connect ECONNREFUSED 10.0.0.5:5432',
  'connect ECONNREFUSED ::1:5432',
  'getaddrinfo ENOTFOUND db-primary',
  'getaddrinfo EAI_AGAIN api.internal.corp',
  'querySrv ENOTFOUND _mongodb._tcp.cluster0.internal',
  "ENOENT: no such file or directory, open '/srv/app/config/secrets.json'",
  'read ECONNRESET',
  "Hostname/IP does not match certificate's altnames: Host: db.internal. is not in the cert's altnames: DNS:*.corp",
  // undici
  'fetch failed',
  'Connect Timeout Error (attempted address: api.weather.internal:443, timeout: 10000ms)',
  'other side closed',
  'Headers Timeout Error',
  // pg
  'password authentication failed for user "app"',
  'connection to server at "pg.internal" (10.1.2.3), port 5432 failed: Connection refused',
  'could not translate host name "pg-replica" to address: Name or service not known',
  'error: relation "orders" does not exist',
  'postgres://app:hunter2@10.0.0.5:5432/orders is unreachable',
  // Go gateways
  'Get "http://upstream:8080/v1": dial tcp: lookup upstream on 127.0.0.11:53: no such host',
  'dial tcp: lookup billing-db: no such host',
  'dial tcp: lookup api.corp: Temporary failure in name resolution',
  'lookup db.internal on 10.0.0.2:53: server misbehaving',
  'lookup db: i/o timeout',
  'no such host',
  'lookup db.internal on 10.0.0.2:53: read udp 10.0.0.7:41234->10.0.0.2:53: i/o timeout',
  'dial tcp 10.0.0.9:443: i/o timeout',
  'lookup failed: no row for id 7',
  'lookup error: not found',
  'lookup is not a function',
  // Google
  'API key not valid. Please pass a valid API key.',
  'Resource has been exhausted (e.g. check quota).',
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  'The caller does not have permission',
  `quota project for key AIzaSyD-${'x'.repeat(31)} exhausted`,
  `upstream said: ya29.a0AfH6SMBx${'Q'.repeat(40)} expired`,
  // Others
  'java.net.UnknownHostException: db.internal: Name or service not known',
  "HTTPSConnectionPool(host='api.corp.internal', port=443): Max retries exceeded",
  'Server=tcp:sql.corp,1433;Password=S3cret!;',
  'C:\\app\\src\\tool.ts threw',
  'total_token_count=1024 maxOutputTokens: 8192 token expired',
];

const TOOL_NAMES = [
  'lookup',
  'get_weather',
  'search.docs',
  'db:query',
  'fetch-page',
  'host',
  'token',
];

describe('redactLocalDetails, idempotent', () => {
  it.each(CORPUS)('leaves its own output as it is: %s', (text) => {
    const once = redactLocalDetails(text);
    expect(redactLocalDetails(once)).toBe(once);
  });

  it.each(CORPUS)('leaves a tool failure it already redacted as it is: %s', (text) => {
    for (const tool of TOOL_NAMES) {
      const told = safeToolErrorMessage(tool, new Error(text));
      expect(told.startsWith(`${tool} failed: `)).toBe(true);
      expect(redactLocalDetails(told)).toBe(told);
    }
  });

  it('keeps the `failed` the loop writes after a tool named lookup', () => {
    expect(redactLocalDetails('lookup failed: no row for id 7')).toBe(
      'lookup failed: no row for id 7',
    );
    expect(redactLocalDetails('lookup failed: no such host')).toBe('lookup failed: no such host');
    expect(redactLocalDetails(safeToolErrorMessage('lookup', new Error('db down')))).toBe(
      'lookup failed: db down',
    );
  });

  it.each([
    'lookup error: not found',
    'lookup errors: 2 of 5 ids unknown',
    'lookup error on row 7: no such customer',
    'customer lookup failed on page 3',
    // leftovers41: the words capitalised, as a tool's own error often writes them.
    'lookup Error: x',
    'lookup Error: not found',
    'lookup Errors: 2 of 5 ids unknown',
    'lookup Failed: no row for id 7',
    'lookup Error on row 7: no such customer',
  ])('keeps the word after lookup that names no host (leftovers40): %s', (text) => {
    // `lookup error: not found` (a tool's own words) became `lookup <host>: not found`.
    expect(redactLocalDetails(text)).toBe(text);
  });

  it.each([
    ['dial tcp: lookup error-db: no such host', 'dial tcp: lookup <host>: no such host'],
    [
      'lookup errors.internal on 10.0.0.2:53: no such host',
      'lookup <host> on <host>: no such host',
    ],
    ['lookup error.corp: server misbehaving', 'lookup <host>: server misbehaving'],
    ['lookup failed-over.db: i/o timeout', 'lookup <host>: i/o timeout'],
    ['dial tcp: lookup Error-db: no such host', 'dial tcp: lookup <host>: no such host'],
    ['lookup Failed.corp on 10.0.0.2:53: no such host', 'lookup <host> on <host>: no such host'],
    ['getaddrinfo ENOTFOUND error', 'getaddrinfo ENOTFOUND <host>'],
    ['getaddrinfo ENOTFOUND error.internal', 'getaddrinfo ENOTFOUND <host>'],
  ])('still takes a host whose name begins with those words: %s', (text, redacted) => {
    expect(redactLocalDetails(text)).toBe(redacted);
  });

  it("still takes the host of each of Go's resolver errors", () => {
    for (const reason of [
      'no such host',
      'server misbehaving',
      'i/o timeout',
      'no answer from DNS server',
      'lame referral',
      'cannot unmarshal DNS message',
      'invalid DNS response',
      'Temporary failure in name resolution',
      'operation was canceled',
    ]) {
      const redacted = redactLocalDetails(`dial tcp: lookup vault-primary: ${reason}`);
      expect(redacted.startsWith('dial tcp: lookup <host>: ')).toBe(true);
      expect(redacted).not.toContain('vault-primary');
    }
  });
});

describe('a Google key by its shape', () => {
  const key = `AIzaSy${'A1b2C3d4_-'.repeat(3)}abc`;
  const token = `ya29.a0AfB_byC${'9zY-'.repeat(12)}`;

  it('is 39 characters of the documented alphabet', () => {
    expect(key).toMatch(/^AIza[0-9A-Za-z_-]{35}$/);
  });

  it('is redacted from a tool error with no word naming it', () => {
    const told = safeToolErrorMessage('maps', new Error(`quota exceeded for ${key} (project 42)`));
    expect(told).toBe(`maps failed: quota exceeded for ${REDACTED} (project 42)`);
    const oauth = safeToolErrorMessage('drive', new Error(`token ${token} was revoked`));
    expect(oauth).toBe(`drive failed: token ${REDACTED} was revoked`);
  });

  it('is redacted by the key rule whatever keys the client knows', () => {
    expect(redactSecrets(`echo: ${key}; ${token}.`, [])).toBe(`echo: ${REDACTED}; ${REDACTED}.`);
    expect(redactSecrets(`mine ${'k'.repeat(40)} and ${key}`, ['k'.repeat(40)])).toBe(
      `mine ${REDACTED} and ${REDACTED}`,
    );
  });

  it('leaves what only starts like one', () => {
    for (const text of ['AIza is a prefix', `AIza${'x'.repeat(20)}`, 'ya29.short', 'see ya29']) {
      expect(redactLocalDetails(text)).toBe(text);
      expect(redactSecrets(text, [])).toBe(text);
    }
  });
});
