import { redactLocalDetails, safeToolErrorMessage } from '@gemloop/core/guardrails';
import { describe, expect, it } from 'vitest';

// attack17: a host name without a port or a URL around it was kept, though the words before it
// say it is one: what Java, Go, Python, libpq, Node's TLS check and ADO.NET write when they cannot
// reach or trust a server. A tool relaying such an error (its own, or an upstream's body) told
// the model, the spans and the recording the internal name. Each message below is the runtime's
// own wording (the JDK's UnknownHostException, Go's net.DNSError behind net.OpError, urllib3's
// NewConnectionError and NameResolutionError, libpq's connection failures, Node's
// tls.checkServerIdentity, SqlClient's connection string).

describe('redactLocalDetails, a host named by the words before it', () => {
  it.each([
    [
      "Java's UnknownHostException",
      'java.net.UnknownHostException: db.internal: Name or service not known',
      'java.net.UnknownHostException: <host>: Name or service not known',
    ],
    [
      "Go's failed lookup, with the resolver's address",
      'Get "/v1": dial tcp: lookup db.internal on 10.0.0.2:53: no such host',
      'Get "/v1": dial tcp: lookup <host> on <host>: no such host',
    ],
    [
      "Go's failed lookup without a resolver",
      'dial tcp: lookup billing-db: no such host',
      'dial tcp: lookup <host>: no such host',
    ],
    [
      "Go's resolver error alone",
      'lookup db.internal on 10.0.0.2:53: server misbehaving',
      'lookup <host> on <host>: server misbehaving',
    ],
    [
      "urllib3's connection pool",
      "HTTPSConnectionPool(host='api.corp.internal', port=443): Max retries exceeded",
      "HTTPSConnectionPool(host='<host>', port=443): Max retries exceeded",
    ],
    [
      "urllib3's NameResolutionError",
      "Failed to resolve 'vault.corp' ([Errno -2] Name or service not known)",
      "Failed to resolve '<host>' ([Errno -2] Name or service not known)",
    ],
    [
      "MySQL's unknown host",
      "Unknown MySQL server host 'mysql-primary' (-2)",
      "Unknown MySQL server host '<host>' (-2)",
    ],
    [
      "libpq's refused connection",
      'connection to server at "pg.internal" (<host>), port 5432 failed',
      'connection to server at "<host>" (<host>), port 5432 failed',
    ],
    [
      "libpq's failed lookup",
      'could not translate host name "pg-replica" to address',
      'could not translate host name "<host>" to address',
    ],
    [
      "Node's ERR_TLS_CERT_ALTNAME_INVALID",
      "Hostname/IP does not match certificate's altnames: Host: db.internal. is not in the cert's altnames: DNS:*.corp.example, DNS:corp.example",
      "Hostname/IP does not match certificate's altnames: Host: <host>. is not in the cert's altnames: DNS:<host>, DNS:<host>",
    ],
    [
      "Node's TLS check against the CN",
      "Hostname/IP does not match certificate's altnames: Host: vault.corp. is not cert's CN: vault-01.corp",
      "Hostname/IP does not match certificate's altnames: Host: <host>. is not cert's CN: <host>",
    ],
    [
      "an ADO.NET connection string's server and port",
      'login failed (Server=tcp:sql-prod.database.internal,1433;Database=orders)',
      'login failed (Server=<host>,1433;Database=orders)',
    ],
  ])('%s', (_label, text, expected) => {
    expect(redactLocalDetails(text)).toBe(expected);
    const sent = safeToolErrorMessage('t', new Error(text));
    expect(sent).toBe(`t failed: ${expected}`);
    expect(sent).not.toMatch(/db\.internal|billing-db|corp|mysql-primary|pg\.|pg-|sql-?prod/i);
  });

  it.each([
    ['a function called lookup', 'TypeError: lookup is not a function'],
    ['a cache lookup', 'cache lookup: miss for key 42'],
    ['a time of day', 'closed until 09:30'],
    ['a ratio', 'ratio 16:9 kept'],
    ['a MAC address', 'link aa:bb:cc:dd:ee:ff down'],
    ['an email address', 'mail to ops@example.com bounced'],
    ['a DNS failure without a name', 'DNS: timeout after 5000 ms'],
    ['a host option in code without quotes', 'options.host is undefined'],
    ['a dotted field path', 'result.items[0].price is not a number'],
  ])('keeps %s', (_label, text) => {
    expect(redactLocalDetails(text)).toBe(text);
  });

  it('takes long hostile strings for the new words (and a dotted run, attack17) in linear time', () => {
    // Sized, not timed: a pattern that rescanned the rest from every start would run for hours.
    for (const hostile of [
      `Host: ${':'.repeat(500_000)}`,
      'DNS:.'.repeat(200_000),
      "host='".repeat(200_000),
      `dial tcp: lookup ${'.'.repeat(500_000)}`,
      `lookup ${'a.'.repeat(250_000)}`,
      'lookup a '.repeat(100_000),
    ]) {
      expect(redactLocalDetails(hostile).length).toBeGreaterThan(0);
    }
  });
});
