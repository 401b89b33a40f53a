import { describe, expect, it } from 'vitest';
import { findDrift } from '../replay/find-drift.ts';
import { firstDifference, isSubsetOf, MAX_COMPARED_DEPTH } from './deep-equal.ts';

/** `{ a: { a: ... { leaf } } }`, `levels` deep, built without recursion. */
function nested(levels: number, leaf: unknown = 1): unknown {
  let value: unknown = { leaf };
  for (let level = 0; level < levels; level++) value = level % 2 ? { a: value } : [value];
  return value;
}

describe('firstDifference', () => {
  it('finds the first difference by path, keys in any order', () => {
    expect(firstDifference({ b: 1, a: [1, 2] }, { a: [1, 2], b: 1 })).toBeUndefined();
    expect(firstDifference({ a: [1, 2] }, { a: [1, 3] })).toBe('$.a[1]');
    expect(firstDifference(nested(10, 1), nested(10, 2))).toMatch(/\.leaf$/);
  });

  it('compares values nested past the bound as different, at the bound, without a stack overflow', () => {
    expect(firstDifference(nested(MAX_COMPARED_DEPTH - 1), nested(MAX_COMPARED_DEPTH - 1))).toBe(
      undefined,
    );
    const deep = firstDifference(nested(100_000), nested(100_000));
    expect(deep).toBeDefined();
    // One step per level down to the bound: `[0]` or `.a`.
    expect(deep?.match(/\[0\]|\.a/g)).toHaveLength(MAX_COMPARED_DEPTH);
    expect(isSubsetOf(nested(100_000), nested(100_000))).toBe(false);
    const same = nested(100_000);
    expect(firstDifference(same, same)).toBeUndefined();
  });

  it('findDrift reports very deep recorded requests as drift rather than crashing', () => {
    const request = () => ({
      contents: [{ role: 'user', parts: [{ text: 'hi', deep: nested(100_000) }] }],
    });
    const drift = findDrift([request()], [request()]);
    expect(drift).toMatchObject({ call: 0 });
    expect(drift?.path).toMatch(/^\$\.contents\[0\]\.parts\[0\]\.deep/);
    expect(drift?.reason).toMatch(/^model call 1: the request differs at /);
  });
});
