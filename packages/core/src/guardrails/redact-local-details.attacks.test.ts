import { redactLocalDetails, safeToolErrorMessage } from '@gemloop/core/guardrails';
import { describe, expect, it } from 'vitest';

// attack14: what a tool's thrown message tells the model (and the spans, the recording) about the
// machine it ran on. `redactLocalDetails` promises URLs, absolute paths, IP addresses and
// host:port pairs out; Node's own message for a refused IPv6 connection is
// `connect ECONNREFUSED ::1:5432` (no brackets), which kept the address. Left (bytes of the agent
// app's bundle): a Windows share (`\\server\share\x`), `user:pw@` before a host, and an IPv6
// address of eight groups without a `::`, all kept as they are.

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
