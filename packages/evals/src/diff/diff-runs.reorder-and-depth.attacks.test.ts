// leftovers78 (attack63b's two leftovers of diffRuns).
// 1. Parallel calls of one tool whose order was swapped in the fork (`[search(a), search(b)]`
//    against `[search(b), search(a)]`) were listed as two drifted argument pairs: the alignment
//    pairs calls by tool name, in order. The same calls, moved, are now listed as reordered.
// 2. Past collectDrift's depth bound (64) the values went to `firstDifference`, which had no guard
//    for one object met at many paths: two equal arguments sharing an object twice at each of 40
//    levels below 64 were 2^40 walks, and the diff did not end.
import { describe, expect, it } from 'vitest';
import { firstDifference } from '../scorers/deep-equal.ts';
import { diffRuns } from './diff-runs.ts';
import type { RunTrajectory } from './run-trajectory.ts';

const run = (calls: [string, unknown][]): RunTrajectory => ({
  toolCalls: calls.map(([name, args]) => ({ step: 1, name, args })),
  text: 'done',
  steps: 1,
  tokens: { input: 0, output: 0, thinking: 0, total: 0 },
  costUsd: '0',
});
const moves = (pairs: { name: string; original: { index: number }; fork: { index: number } }[]) =>
  pairs.map((pair) => `${pair.name}#${pair.original.index}->${pair.fork.index}`);

describe('diffRuns: parallel calls of one tool, swapped', () => {
  it('[search(a), search(b)] against [search(b), search(a)]: two moved, no drift', () => {
    const diff = diffRuns(
      run([
        ['search', { q: 'a' }],
        ['search', { q: 'b' }],
      ]),
      run([
        ['search', { q: 'b' }],
        ['search', { q: 'a' }],
      ]),
    );
    expect(diff.toolCalls.drifted).toEqual([]);
    expect(moves(diff.toolCalls.reordered)).toEqual(['search#0->1', 'search#1->0']);
    expect(diff.toolCalls.reordered.map((pair) => pair.drift)).toEqual([[], []]);
    expect(diff.same).toBe(false);
  });

  it('a rotation of three around another tool: three moved, the other unchanged', () => {
    const diff = diffRuns(
      run([
        ['search', { q: 'a' }],
        ['read', { id: 1 }],
        ['search', { q: 'b' }],
        ['search', { q: 'c' }],
      ]),
      run([
        ['search', { q: 'c' }],
        ['read', { id: 1 }],
        ['search', { q: 'a' }],
        ['search', { q: 'b' }],
      ]),
    );
    expect(diff.toolCalls.drifted).toEqual([]);
    expect(diff.toolCalls.unchanged).toBe(1);
    expect(moves(diff.toolCalls.reordered)).toEqual(['search#0->2', 'search#2->3', 'search#3->0']);
  });

  it('not the same calls (one argument changed too): still drift, as before (held)', () => {
    const diff = diffRuns(
      run([
        ['search', { q: 'a' }],
        ['search', { q: 'b' }],
      ]),
      run([
        ['search', { q: 'b' }],
        ['search', { q: 'x' }],
      ]),
    );
    expect(diff.toolCalls.reordered).toEqual([]);
    expect(diff.toolCalls.drifted.map((pair) => pair.drift)).toEqual([
      [{ path: '$.q', original: 'a', fork: 'b' }],
      [{ path: '$.q', original: 'b', fork: 'x' }],
    ]);
  });

  it('one call repeated with equal arguments is not a move (held)', () => {
    const diff = diffRuns(
      run([
        ['search', { q: 'a' }],
        ['search', { q: 'a' }],
      ]),
      run([
        ['search', { q: 'a' }],
        ['search', { q: 'a' }],
      ]),
    );
    expect(diff.same).toBe(true);
    expect(diff.toolCalls.unchanged).toBe(2);
  });
});

/** An object holding `child` twice, behind a proxy that counts the reads and gives up past `budget`. */
function counted(budget: { left: number }) {
  const spend = () => {
    if (--budget.left < 0) throw new Error('past the work budget: the comparison walks every path');
  };
  return (child: unknown): object =>
    new Proxy(
      { x: child, y: child },
      {
        get: (target, key) => {
          spend();
          return Reflect.get(target, key);
        },
        ownKeys: (target) => {
          spend();
          return Reflect.ownKeys(target);
        },
      },
    );
}

function shared(levels: number, budget: { left: number }): unknown {
  const node = counted(budget);
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = node(value);
  return value;
}

describe('comparisons past the depth bound of shared objects', () => {
  it('diffRuns: one object twice at each of 64 + 40 levels, on both sides, ends', () => {
    const budget = { left: 1_000_000 };
    const diff = diffRuns(
      run([['t', { deep: shared(104, budget), tag: 1 }]]),
      run([['t', { deep: shared(104, budget), tag: 2 }]]),
    );
    expect(diff.toolCalls.drifted[0]?.drift).toEqual([{ path: '$.tag', original: 1, fork: 2 }]);
  });

  it('firstDifference: equal shared objects 300 levels deep are equal, a change is found', () => {
    const budget = { left: 1_000_000 };
    expect(firstDifference(shared(300, budget), shared(300, budget))).toBeUndefined();
    const changed = counted(budget)(2);
    let other: unknown = changed;
    for (let level = 1; level < 300; level++) other = counted(budget)(other);
    expect(firstDifference(shared(300, budget), other)).toMatch(/^\$(\.x){299}\.x$/);
  });

  it('firstDifference still reports past its own bound (512) as different (held)', () => {
    const budget = { left: 1_000_000 };
    expect(firstDifference(shared(600, budget), shared(600, budget))).toBeDefined();
  });
});
