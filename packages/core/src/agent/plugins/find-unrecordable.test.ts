import { describe, expect, it } from 'vitest';
import { findChangedByRecord, findFunctionResult, findUnrecordable } from './find-unrecordable.ts';

describe('findUnrecordable', () => {
  it('takes plain JSON data, undefined fields and objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare['k'] = [1, 'two', true, null, -0, { deep: [[]] }];
    const state = { scope: 'user-1', note: undefined, firstTurn: 0, bare, list: [undefined] };
    expect(findUnrecordable(state, 'run.state')).toBeUndefined();
    expect(findUnrecordable(undefined, 'run.state')).toBeUndefined();
    // The same object twice is no cycle.
    const shared = { a: 1 };
    expect(findUnrecordable({ x: shared, y: [shared] }, 'run.state')).toBeUndefined();
  });

  it('names the first place JSON would change, and what is there', () => {
    expect(findUnrecordable({ a: [{ b: new Set() }] }, 'run.state')).toBe(
      'run.state.a[0].b is a Set',
    );
    expect(findUnrecordable({ at: new Date(0) }, 's')).toBe('s.at is a Date');
    expect(findUnrecordable({ n: Number.POSITIVE_INFINITY }, 's')).toBe('s.n is Infinity');
    expect(findUnrecordable({ e: new Error('x') }, 's')).toBe('s.e is an Error');
    expect(findUnrecordable({ s: Symbol('x') }, 's')).toBe('s.s is a symbol');
    class Point {
      x = 1;
    }
    expect(findUnrecordable([new Point()], 's')).toBe('s[0] is a Point');
  });

  it('tells a nesting deeper than it walks', () => {
    let deep: unknown = {};
    for (let index = 0; index < 1500; index++) deep = { deep };
    expect(findUnrecordable(deep, 's')).toMatch(/ is nested more than 1000 deep$/);
  });
});

// A recorded hook's result: a function at its top is dropped by the record's JSON (`{ result: fn }`
// read back as `{}`); deeper, and everything else, is left to the record's JSON copy (leftovers54).
describe('findFunctionResult', () => {
  it('names a function result or a function at its top, nothing else', () => {
    expect(findFunctionResult(() => 1)).toBe('result is a function');
    expect(findFunctionResult({ result: () => 1 })).toBe('result.result is a function');
    expect(findFunctionResult({ result: { deeper: () => 1 } })).toBeUndefined();
    expect(findFunctionResult({ result: new Map(), at: new Date(0) })).toBeUndefined();
    expect(findFunctionResult([() => 1])).toBeUndefined();
    expect(findFunctionResult(undefined)).toBeUndefined();
  });
});

// A recorded hook's result holding what JSON keeps as something else: the record's copy is what
// the run uses, so a Map was sent as {} silently (attack67c).
describe('findChangedByRecord', () => {
  it('names a Map, a Set, a typed array, a buffer and a non-finite number, with the place', () => {
    expect(findChangedByRecord({ result: { byId: new Map() } })).toBe(
      'result.result.byId is a Map',
    );
    expect(findChangedByRecord([{ ids: new Set() }])).toBe('result[0].ids is a Set');
    expect(findChangedByRecord({ bytes: new Uint8Array(1) })).toBe('result.bytes is a Uint8Array');
    expect(findChangedByRecord({ b: new ArrayBuffer(1) })).toBe('result.b is an ArrayBuffer');
    expect(findChangedByRecord({ n: Number.NaN })).toBe('result.n is NaN');
    expect(findChangedByRecord(Number.POSITIVE_INFINITY)).toBe('result is Infinity');
  });

  it('leaves what JSON keeps as the run would send it, a toJSON, a cycle and an unreadable value', () => {
    class Point {
      x = 1;
    }
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    const values = [
      undefined,
      null,
      { at: new Date(0), n: 10n, e: new Error('x'), p: new Point(), list: [1, undefined, -0] },
      { toJSON: () => ({ m: new Map() }) },
      cycle,
      {
        get a(): never {
          throw new Error('unread');
        },
      },
    ];
    for (const value of values) expect(findChangedByRecord(value)).toBeUndefined();
  });
});
