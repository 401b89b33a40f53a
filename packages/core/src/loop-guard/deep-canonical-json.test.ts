import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../shared/canonical-json.ts';
import { DEEP_CANONICAL_JSON_MAX_VALUES, deepCanonicalJson } from './deep-canonical-json.ts';

// The loop guard's key for a value past canonicalJson's depth bound: the very text canonicalJson
// writes, at any depth, by a loop instead of recursion, and bounded by the values it visits.

describe('deepCanonicalJson', () => {
  it('writes what canonicalJson writes for values of ordinary depth', () => {
    const date = new Date(0);
    const selfJson = {
      v: 1,
      toJSON() {
        return this;
      },
    };
    const values: unknown[] = [
      { b: 2, a: [1, { d: 'x', c: null }], e: -0, f: 1.5e3 },
      [undefined, () => 1, Symbol('s'), 'text', true],
      { dropped: undefined, fn: () => 1, sym: Symbol('s'), kept: 'k' },
      { date, nested: { when: date } },
      selfJson,
      JSON.parse('{"__proto__":{"admin":true},"q":"\\u0041"}'),
      [],
      {},
      'plain',
      7,
      null,
      undefined,
      { 'a"b': { '': [[], [{}]] } },
    ];
    for (const value of values) expect(deepCanonicalJson(value)).toBe(canonicalJson(value));
  });

  it('writes a value 60,000 levels deep (30,000 arrays of an object), keys sorted at every level', () => {
    let value: unknown = { z: 1, y: 2 };
    for (let level = 0; level < 30_000; level++) value = [{ b: value, a: level % 2 }];
    const text = deepCanonicalJson(value) as string;
    expect(canonicalJson(value)).toBeUndefined();
    expect(text.startsWith('[{"a":1,"b":[{"a":0,"b":')).toBe(true);
    expect(text.endsWith(`{"y":2,"z":1}${'}]'.repeat(30_000)}`)).toBe(true);
    expect(text.length).toBe(30_000 * '[{"a":0,"b":}]'.length + '{"y":2,"z":1}'.length);
  });

  it('stops past its bound on the values it visits, and on a value that holds itself', () => {
    const loop: unknown[] = [];
    loop.push(loop);
    expect(deepCanonicalJson(loop)).toBeUndefined();
    expect(deepCanonicalJson(new Array(DEEP_CANONICAL_JSON_MAX_VALUES).fill(0))).toBeUndefined();
    expect(deepCanonicalJson(new Array(DEEP_CANONICAL_JSON_MAX_VALUES - 1).fill(0))).toBe(
      `[${new Array(DEEP_CANONICAL_JSON_MAX_VALUES - 1).fill(0).join(',')}]`,
    );
  });
});
