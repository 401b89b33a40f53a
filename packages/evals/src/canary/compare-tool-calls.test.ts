import { describe, expect, it } from 'vitest';
import { compareToolCalls, trajectoryKey } from './compare-tool-calls.ts';

describe('compareToolCalls', () => {
  it('names calls added, dropped, reordered, and arguments that drifted with their JSON path', () => {
    const a = [
      { name: 'lookup', args: { user: 'u1' } },
      { name: 'cancel', args: { user: 'u1', reason: { code: 1 } } },
    ];
    expect(compareToolCalls(a, a)).toMatchObject({ same: true, summary: 'same' });
    expect(compareToolCalls(a, [a[1]!])).toMatchObject({
      same: false,
      dropped: ['lookup'],
      added: [],
    });
    expect(compareToolCalls(a, [...a, { name: 'email', args: {} }])).toMatchObject({
      added: ['email'],
    });
    expect(compareToolCalls(a, [a[1]!, a[0]!])).toMatchObject({
      reordered: true,
      summary: 'reordered (lookup, cancel → cancel, lookup)',
    });
    const drifted = compareToolCalls(a, [
      a[0]!,
      { name: 'cancel', args: { user: 'u1', reason: { code: 2 } } },
    ]);
    expect(drifted.argumentsChanged).toEqual([{ index: 1, name: 'cancel', path: '$.reason.code' }]);
    expect(
      compareToolCalls(a, [a[0]!, { name: 'cancel', args: {} }], { arguments: 'ignore' }).same,
    ).toBe(true);
  });

  it('keys two runs alike exactly when they compare the same, whatever the order of argument keys', () => {
    const one = [{ name: 'f', args: { a: 1, b: { c: 2, d: 3 } } }];
    const two = [{ name: 'f', args: { b: { d: 3, c: 2 }, a: 1 } }];
    expect(trajectoryKey(one)).toBe(trajectoryKey(two));
    expect(trajectoryKey(one)).not.toBe(trajectoryKey([{ name: 'f', args: { a: 2 } }]));
    expect(trajectoryKey(one, { arguments: 'ignore' })).toBe(
      trajectoryKey([{ name: 'f' }], { arguments: 'ignore' }),
    );
  });
});
