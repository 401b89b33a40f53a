import { describe, expect, it } from 'vitest';
import { describeThrown } from './describe-thrown.ts';

describe('describeThrown', () => {
  it('is the message of an error, the name of one without a message, and a string as it is', () => {
    expect(describeThrown(new Error('disk full'))).toBe('disk full');
    expect(describeThrown(new TypeError(''))).toBe('TypeError');
    expect(describeThrown('plain text')).toBe('plain text');
    expect(describeThrown({ message: 'from an object' })).toBe('from an object');
  });

  it('writes primitives and plain objects as JSON-ish text instead of [object Object]', () => {
    expect(describeThrown(undefined)).toBe('undefined');
    expect(describeThrown(null)).toBe('null');
    expect(describeThrown(42)).toBe('42');
    expect(describeThrown(10n)).toBe('10');
    expect(describeThrown(Symbol('s'))).toBe('Symbol(s)');
    expect(describeThrown({ code: 5 })).toBe('{"code":5}');
    expect(describeThrown([1, 'a'])).toBe('[1,"a"]');
  });

  it('never throws: cycles, BigInt fields, null prototypes, throwing getters and revoked proxies', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(describeThrown(cyclic)).toBe('[object Object]');
    expect(describeThrown({ big: 1n })).toBe('[object Object]');
    expect(describeThrown(Object.create(null))).toBe('{}');
    const getter = {
      get message(): string {
        throw new Error('getter');
      },
    };
    expect(describeThrown(getter)).toBe('[object Object]');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(describeThrown(proxy)).toBe('a value that cannot be described');
  });

  it('cuts a long JSON rendering to 500 characters without splitting an emoji', () => {
    const short = describeThrown({ note: 'x'.repeat(1000) });
    expect(short).toBe(`${JSON.stringify({ note: 'x'.repeat(1000) }).slice(0, 500)}...`);
    // '{"note":"' is 9 characters, so a cut at 500 falls between the halves of an emoji.
    const emoji = describeThrown({ note: '😀'.repeat(400) });
    expect(emoji.endsWith('...')).toBe(true);
    const cut = emoji.slice(0, -3);
    expect(cut.length).toBe(499);
    expect(cut).not.toMatch(/\p{Cs}/u);
  });
});
