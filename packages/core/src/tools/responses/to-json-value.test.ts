import { describe, expect, it } from 'vitest';
import { NotJsonError, toJsonValue } from './to-json-value.ts';

function notJson(value: unknown): NotJsonError {
  try {
    toJsonValue(value);
  } catch (error) {
    if (error instanceof NotJsonError) return error;
    throw error;
  }
  throw new Error('expected a NotJsonError');
}

describe('toJsonValue', () => {
  it('returns a copy of plain JSON (a snapshot: each value read once)', () => {
    const plain = { a: [1, 'x', true, null, { b: -0 }], c: Object.create(null) };
    const copy = toJsonValue(plain) as typeof plain;
    expect(copy).toEqual(plain);
    expect(copy).not.toBe(plain);
    expect(copy.a).not.toBe(plain.a);
    expect(Object.is((copy.a[4] as { b: number }).b, -0)).toBe(true);
  });

  it('converts what JSON would lose or garble, as documented', () => {
    class Point {
      readonly x: number;
      readonly y: number;
      constructor(x: number, y: number) {
        this.x = x;
        this.y = y;
      }
    }
    // An array with a hole at 1 (a sparse array literal, spelled so the linter lets it be).
    const holes: number[] = [1];
    holes[2] = 3;
    expect(
      toJsonValue({
        when: new Date(Date.UTC(2026, 10, 26)),
        big: 12345678901234567890n,
        nan: Number.NaN,
        inf: Number.NEGATIVE_INFINITY,
        error: new RangeError('too far'),
        boxed: [new Number(1), new String('s'), new Boolean(false)],
        gone: undefined,
        holes,
        point: new Point(1, 2),
      }),
    ).toEqual({
      when: '2026-11-26T00:00:00.000Z',
      big: '12345678901234567890',
      nan: 'NaN',
      inf: '-Infinity',
      error: { name: 'RangeError', message: 'too far' },
      boxed: [1, 's', false],
      holes: [1, null, 3],
      point: { x: 1, y: 2 },
    });
    expect(toJsonValue(undefined)).toBeNull();
  });

  it('keeps a __proto__ key of parsed data as an own key when the object is copied', () => {
    // A tool returning an API's parsed JSON: a `__proto__` key is data, and a copy (made here
    // because another field needs converting) must neither lose it nor take it as its prototype.
    const parsed = JSON.parse('{"__proto__":{"isAdmin":true},"count":1}') as Record<
      string,
      unknown
    >;
    parsed['when'] = new Date(0);
    const converted = toJsonValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
    expect(Object.hasOwn(converted, '__proto__')).toBe(true);
    expect(converted['isAdmin']).toBeUndefined();
    expect(JSON.stringify(converted)).toBe(
      '{"__proto__":{"isAdmin":true},"count":1,"when":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it('keeps a __proto__ key that comes after a converted field too', () => {
    const parsed = JSON.parse('{"gone":null,"__proto__":{"isAdmin":true}}') as Record<
      string,
      unknown
    >;
    parsed['gone'] = undefined;
    const converted = toJsonValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
    expect(JSON.stringify(converted)).toBe('{"__proto__":{"isAdmin":true}}');
  });

  it('names the path of what cannot be sent', () => {
    const cases: [unknown, (string | number)[], RegExp][] = [
      [{ a: { b: () => 1 } }, ['a', 'b'], /function/],
      [{ list: [1, Symbol('s')] }, ['list', 1], /symbol/],
      [{ m: new Map() }, ['m'], /Object\.fromEntries/],
      [{ s: new Set([1]) }, ['s'], /\[\.\.\.set\]/],
      [{ p: Promise.resolve(1) }, ['p'], /await it first/],
      [{ bytes: new Uint8Array(2) }, ['bytes'], /binary data/],
      [{ response: new Response('x') }, ['response'], /response\.json\(\)/],
    ];
    for (const [value, path, message] of cases) {
      const error = notJson(value);
      expect(error.path).toEqual(path);
      expect(error.message).toMatch(message);
    }
  });

  it('refuses a cycle at the path where it closes, and accepts a shared (acyclic) object', () => {
    const cyclic: Record<string, unknown> = { name: 'root' };
    cyclic['child'] = { parent: cyclic };
    expect(notJson(cyclic).path).toEqual(['child', 'parent']);
    const shared = { x: 1 };
    expect(toJsonValue({ a: shared, b: shared, when: new Date(0) })).toEqual({
      a: { x: 1 },
      b: { x: 1 },
      when: '1970-01-01T00:00:00.000Z',
    });
  });

  it('reports a throwing getter, toJSON or proxy as NotJsonError at its path', () => {
    const getter = {
      get secret(): string {
        throw new Error('no access');
      },
    };
    expect(notJson({ outer: getter }).message).toContain('no access');
    const badToJson = {
      toJSON: () => {
        throw new Error('broken toJSON');
      },
    };
    expect(notJson([badToJson]).path).toEqual([0]);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(notJson({ proxy }).path).toEqual(['proxy']);
  });

  it('converts a deep (200 levels) nesting without a false cycle', () => {
    let deep: unknown = { leaf: new Date(0) };
    for (let level = 0; level < 200; level++) deep = { next: deep };
    let cursor = toJsonValue(deep) as Record<string, unknown>;
    for (let level = 0; level < 200; level++) cursor = cursor['next'] as Record<string, unknown>;
    expect(cursor).toEqual({ leaf: '1970-01-01T00:00:00.000Z' });
  });
});
