import { describe, expect, it } from 'vitest';
import { redactLocalDetails } from './redact-secrets.ts';

// leftovers82: a host was redacted only after the words that name one (`getaddrinfo ENOTFOUND`,
// `host '`, `server at "`, ...) or when it had a dot and a port. A quoted single-label host, as a
// container network names its services (`db-host-7`), a quoted host of a private-use domain
// without a port (`db.internal`), and the hosts of undici's connect timeout (`attempted address:
// db-host-7:443`, its ConnectTimeoutError) and of curl (`Could not resolve host: db-host-7`)
// reached the model, the page and the logs as they were.

describe('redactLocalDetails: quoted and undotted hosts', () => {
  it.each([
    ['connect ECONNREFUSED on "db-host-7"', 'connect ECONNREFUSED on "<host>"'],
    ['connect ETIMEDOUT "db-host-7"', 'connect ETIMEDOUT "<host>"'],
    ['could not reach "db-host-7"', 'could not reach "<host>"'],
    ["failed connecting to 'db-host-7'", "failed connecting to '<host>'"],
    ['could not reach "db-host-7.internal:5432"', 'could not reach "<host>"'],
    ['upstream "db-host-7:5432" closed the connection', 'upstream "<host>" closed the connection'],
    ['lost "cache.internal" after 3 tries', 'lost "<host>" after 3 tries'],
    ['no answer from "orders.prod.svc.cluster.local"', 'no answer from "<host>"'],
    ["no answer from 'nas.home.arpa'", "no answer from '<host>'"],
    [
      'fetch failed: Connect Timeout Error (attempted address: db-host-7:443, timeout: 10000ms)',
      'fetch failed: Connect Timeout Error (attempted address: <host>, timeout: 10000ms)',
    ],
    ['curl: (6) Could not resolve host: db-host-7', 'curl: (6) Could not resolve host: <host>'],
  ])('%s', (text, redacted) => {
    expect(redactLocalDetails(text)).toBe(redacted);
  });

  it.each([
    'Tool "get-weather" failed: timeout',
    'tool "lookup_weather" is unknown; did you mean "lookup-weather"?',
    'the argument "city" must be a string',
    'ECONNRESET while reading "report-2024.csv"',
    'file "settings.json" not found',
    'status "step:3" is not known',
    'model "gemini-2.5-flash" is overloaded',
  ])('keeps ordinary quoted words: %s', (text) => {
    expect(redactLocalDetails(text)).toBe(text);
  });

  it('is idempotent', () => {
    const once = redactLocalDetails('connect ECONNREFUSED on "db-host-7" and "db.internal"');
    expect(redactLocalDetails(once)).toBe(once);
  });
});
