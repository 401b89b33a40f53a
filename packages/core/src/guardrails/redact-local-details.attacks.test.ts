import { redactLocalDetails, safeToolErrorMessage } from '@gemloop/core/guardrails';
import { describe, expect, it } from 'vitest';

// attack14: what a tool's thrown message tells the model (and the spans, the recording) about the
// machine it ran on. `redactLocalDetails` promises URLs, absolute paths, IP addresses and
// host:port pairs out; Node's own message for a refused IPv6 connection is
// `connect ECONNREFUSED ::1:5432` (no brackets), which kept the address. Left (bytes of the agent
// app's bundle): a Windows share (`\\server\share\x`), `user:pw@` before a host, and an IPv6
// address of eight groups without a `::`, all kept as they are (attack15 removes them: below).

describe('redactLocalDetails against what drivers and Node write', () => {
  it.each([
    ["Node's IPv6 ECONNREFUSED", 'connect ECONNREFUSED ::1:5432', 'connect ECONNREFUSED <host>'],
    ['a private IPv6 address', 'connect ECONNREFUSED fd00:ab::12', 'connect ECONNREFUSED <host>'],
    [
      'a link-local address with its zone',
      'no route to fe80::1%eth0 now',
      'no route to <host> now',
    ],
    ['an IPv4-mapped address', 'from ::ffff:10.0.0.5 refused', 'from <host> refused'],
  ])('%s', (_label, text, expected) => {
    expect(redactLocalDetails(text)).toBe(expected);
    expect(safeToolErrorMessage('t', new Error(text))).toBe(`t failed: ${expected}`);
  });

  it.each([
    ['a time of day', 'timed out at 12:30:45', 'timed out at 12:30:45'],
    ['a ratio and a step', 'step 3: ratio 16:9 kept', 'step 3: ratio 16:9 kept'],
    ['a C++ name', 'std::vector failed', 'std::vector failed'],
    ['a Python traceback line', 'File "app.py", line 3', 'File "app.py", line 3'],
    ['an email address', 'mail to ops@example.com bounced', 'mail to ops@example.com bounced'],
  ])('keeps the error words: %s', (_label, text, expected) => {
    expect(redactLocalDetails(text)).toBe(expected);
  });
});

// attack15: the three attack14 left for the bundle. Each kept what it names: the server and share
// of a UNC path, a password before a host outside a URL (a driver's connection string), and an
// IPv6 address written out in eight groups (no `::` to find it by).
describe('redactLocalDetails against what attack14 left', () => {
  it.each([
    ['a Windows share', 'EACCES \\\\fs01.corp\\payroll$\\q3.xlsx', 'EACCES <path>'],
    ['a share in quotes', "open '\\\\fs01\\share\\x.txt' failed", "open '<path>' failed"],
    [
      'a password before a host name',
      'auth failed for app:S3cr3t-pw@db-primary',
      'auth failed for <host>',
    ],
    [
      'a password before a host and port',
      'connect app:S3cr3t-pw@db.internal:5432 refused',
      'connect <host> refused',
    ],
    [
      'a password with an @ before an IP address',
      'dsn=app:p@ss-S3cr3t@10.0.0.5:5432',
      'dsn=<host>',
    ],
    ['a password before a bracketed IPv6 address', '(app:S3cr3t@[fd00::5]:5432)', '(<host>)'],
    [
      'an IPv6 address of eight groups',
      'connect ECONNREFUSED 2001:db8:0:0:1:0:0:1',
      'connect ECONNREFUSED <host>',
    ],
    [
      'an eight-group link-local address with a port after it',
      'no route to fe80:0:0:0:a:b:c:d:5432 now',
      'no route to <host> now',
    ],
  ])('%s', (_label, text, expected) => {
    expect(redactLocalDetails(text)).toBe(expected);
    expect(safeToolErrorMessage('t', new Error(text))).not.toMatch(/S3cr3t|fs01|db-primary|2001:/);
  });

  it.each([
    ['a doubled backslash inside escaped text', 'line1\\\\nline2\\\\nline3'],
    ['an email address after a label', 'Error: ops@example.com bounced'],
    ['a label and an address without a space', 'to=ops@example.com'],
    ['a MAC address (six groups)', 'link aa:bb:cc:dd:ee:ff down'],
    ['a time with seconds', 'timed out at 12:30:45'],
    ['a C++ name', 'std::vector failed'],
    ['a ratio', 'ratio 16:9 kept'],
  ])('still keeps %s', (_label, text) => {
    expect(redactLocalDetails(text)).toBe(text);
  });

  it('takes long hostile strings for the new patterns in linear time', () => {
    // Sized, not timed: each would run for hours if a pattern rescanned from every start.
    for (const hostile of ['a:'.repeat(300_000), '\\\\a'.repeat(300_000), 'a:b@'.repeat(200_000)]) {
      expect(redactLocalDetails(hostile).length).toBeGreaterThan(0);
    }
  });
});
