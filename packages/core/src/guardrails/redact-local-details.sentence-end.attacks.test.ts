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

// attack16: Node's DNS errors name the host they looked up (`${syscall} ${code} ${hostname}`,
// as `getaddrinfo ENOTFOUND inventory.corp.internal` from http.request, axios, pg, a driver): a
// dotted name without a port is kept elsewhere (it cannot be told from a file name), and a
// one-label name always was, so the model learned the internal name. After a lookup's code
// the word is a host name whatever its shape.
describe("redactLocalDetails, the host of Node's DNS errors", () => {
  it.each([
    ['getaddrinfo ENOTFOUND inventory.corp.internal', 'getaddrinfo ENOTFOUND <host>'],
    ['getaddrinfo EAI_AGAIN db-primary', 'getaddrinfo EAI_AGAIN <host>'],
    ['querySrv ENOTFOUND _mongodb._tcp.cluster0.corp.internal', 'querySrv ENOTFOUND <host>'],
    ['queryTxt ETIMEOUT vault.internal', 'queryTxt ETIMEOUT <host>'],
    [
      "Error: getaddrinfo ENOTFOUND ledger (while looking up 'x')",
      "Error: getaddrinfo ENOTFOUND <host> (while looking up 'x')",
    ],
  ])('%s', (text, expected) => {
    expect(redactLocalDetails(text)).toBe(expected);
    expect(safeToolErrorMessage('t', new Error(text))).toBe(`t failed: ${expected}`);
  });

  it('keeps the code alone and other words after an error code', () => {
    expect(redactLocalDetails('getaddrinfo ENOTFOUND')).toBe('getaddrinfo ENOTFOUND');
    expect(redactLocalDetails('open ENOENT config')).toBe('open ENOENT config');
    expect(redactLocalDetails('queryRunner Error in step 2')).toBe('queryRunner Error in step 2');
  });
});
