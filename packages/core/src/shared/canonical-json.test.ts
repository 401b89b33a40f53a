import { describe, expect, it } from 'vitest';
import { CANONICAL_JSON_MAX_DEPTH, canonicalJson } from './canonical-json.ts';

describe('canonicalJson', () => {
  it('writes objects with their keys sorted at every depth, arrays in order', () => {
    expect(canonicalJson({ b: 2, a: { d: [3, { z: 1, y: 2 }], c: 1 } })).toBe(
      '{"a":{"c":1,"d":[3,{"y":2,"z":1}]},"b":2}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('writes what JSON has no form for as JSON.stringify does', () => {
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({ a: undefined, b: () => 1, c: Symbol('s') })).toBe('{}');
    expect(canonicalJson([undefined, () => 1, Number.NaN, Number.POSITIVE_INFINITY])).toBe(
      '[null,null,null,null]',
    );
    expect(canonicalJson(new Date(Date.UTC(2026, 10, 26)))).toBe('"2026-11-26T00:00:00.000Z"');
    expect(canonicalJson(new Map([[1, 2]]))).toBe('{}');
  });

  it('keeps a __proto__ key as data and sorts it with the others', () => {
    const value = JSON.parse('{"z":1,"__proto__":{"polluted":true}}');
    expect(canonicalJson(value)).toBe('{"__proto__":{"polluted":true},"z":1}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('calls toJSON once, as JSON.stringify does, even when it returns its own object', () => {
    const self = {
      b: 1,
      a: 2,
      toJSON() {
        return this;
      },
    };
    expect(canonicalJson(self)).toBe(JSON.stringify({ a: 2, b: 1 }));
    const chained = { toJSON: () => ({ toJSON: () => 'never', kept: true }) };
    expect(canonicalJson(chained)).toBe(JSON.stringify(chained));
  });

  it('tells apart values that differ only in unicode normalisation or emoji', () => {
    expect(canonicalJson({ s: 'é' })).not.toBe(canonicalJson({ s: 'e\u0301' }));
    expect(canonicalJson({ '😀': 1, a: 2 })).toBe('{"a":2,"😀":1}');
  });

  it('throws on a BigInt as JSON.stringify does', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });

  it('gives no key to a value nested past its depth limit, at any depth, without overflowing the stack', () => {
    const nested = (levels: number, leaf: unknown = 1): unknown => {
      let value = leaf;
      for (let level = 0; level < levels; level++) value = level % 2 === 0 ? { a: value } : [value];
      return value;
    };
    expect(canonicalJson(nested(CANONICAL_JSON_MAX_DEPTH))).toBe(
      JSON.stringify(nested(CANONICAL_JSON_MAX_DEPTH)),
    );
    expect(canonicalJson(nested(CANONICAL_JSON_MAX_DEPTH + 1))).toBeUndefined();
    expect(canonicalJson({ b: nested(50_000), a: 1 })).toBeUndefined();
    // Depth counted through toJSON too: a value that only grows deep when written.
    const grows = { toJSON: () => nested(50_000) };
    expect(canonicalJson([grows])).toBeUndefined();
  });
});
