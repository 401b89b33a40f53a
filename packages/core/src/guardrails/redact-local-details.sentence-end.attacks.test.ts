import { redactLocalDetails, safeToolErrorMessage } from '@gemloop/core/guardrails';
import { describe, expect, it } from 'vitest';

// attack16: an address or a host:port at the end of a sentence, as most error messages end
// ("could not reach 10.0.0.5."), was kept whole: the patterns refused any `.` after the match,
// to keep `1.2.3.4.5` and `db.internal:5432.json`, so the full stop hid the address from the
// model's default tool error, the spans and the recordings. A `.` followed by a letter or digit
// still keeps the text (a longer dotted number, a file name).

describe('redactLocalDetails, an address before a full stop', () => {
  it.each([
    ['an IPv4 address', 'could not reach 10.0.0.5.', 'could not reach <host>.'],
    ['an IPv4 address and port', 'refused by 10.0.0.5:5432.', 'refused by <host>.'],
    ['the second of a list', 'hosts 10.0.0.5, 10.0.0.6.', 'hosts <host>, <host>.'],
    ['an ellipsis', 'retrying 10.0.0.5...', 'retrying <host>...'],
    ['a line end', 'down: 10.0.0.5.\nretry', 'down: <host>.\nretry'],
    ['a bracketed IPv6 address', 'no route to [fd00::5].', 'no route to <host>.'],
    ['a bracketed IPv6 address and port', 'no route to [fd00::5]:80.', 'no route to <host>.'],
    ['a host name and port', 'cannot reach db.internal:5432.', 'cannot reach <host>.'],
    ['localhost and port', 'cannot reach localhost:5432.', 'cannot reach <host>.'],
  ])('%s', (_label, text, expected) => {
    expect(redactLocalDetails(text)).toBe(expected);
    expect(safeToolErrorMessage('t', new Error(text))).toBe(`t failed: ${expected}`);
  });

  it.each([
    ['a five-part dotted number', 'version 1.2.3.4.5 failed'],
    ['a file named after a host and port', 'read db.internal:5432.json failed'],
    ['an address inside a longer name', 'build 10.0.0.5.beta failed'],
  ])('keeps %s', (_label, text) => {
    expect(redactLocalDetails(text)).toBe(text);
  });
});
