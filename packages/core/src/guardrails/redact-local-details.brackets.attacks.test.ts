import { redactLocalDetails, safeToolErrorMessage } from '@gemloop/core/guardrails';
import { describe, expect, it } from 'vitest';

// attack43b: a bracketed IPv6 address (`[fd00::5]`) was any run of hex digits, dots and colons in
// brackets, so an index was taken for an address: the second of two (`rows[0][1]`: the first
// follows a letter), a footnote (`see [1]`), a version (`[1.5]`), a hex word (`[cafe]`). The
// model's default tool error read `result.a[0]<host>` for an MCP server's nested result and
// `rows[0]<host> must be a number` for a validation error. An IPv6 address has a colon.

describe('redactLocalDetails, brackets that hold no address', () => {
  it.each([
    ['a second array index', 'args.rows[0][1] must be a number'],
    ['nested indexes in a path', 'result.a[0][0][0] is not JSON'],
    ['a footnote', 'see note [1] and [12]'],
    ['a version', 'schema [1.5] is not supported'],
    ['a hex word', 'flag [cafe] is unknown'],
  ])('keeps %s', (_label, text) => {
    expect(redactLocalDetails(text)).toBe(text);
    expect(safeToolErrorMessage('t', new Error(text))).toBe(`t failed: ${text}`);
  });

  it.each([
    ['a bracketed IPv6 address', 'no route to [fd00::5] now', 'no route to <host> now'],
    ['the loopback and port', 'connect [::1]:5432 refused', 'connect <host> refused'],
    ['a full IPv6 address', 'reach [2001:db8:0:0:1:0:0:1]', 'reach <host>'],
    ['an IPv4 address in brackets (the brackets stay)', 'at [10.0.0.1]', 'at [<host>]'],
  ])('still redacts %s', (_label, text, expected) => {
    expect(redactLocalDetails(text)).toBe(expected);
  });
});
