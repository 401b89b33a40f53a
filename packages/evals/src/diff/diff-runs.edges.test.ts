import { describe, expect, it } from 'vitest';
import { diffRuns, MAX_DIFF_CALLS, MAX_DIFF_PATHS } from './diff-runs.ts';
import { formatRunDiff } from './format-run-diff.ts';
import type { RunTrajectory } from './run-trajectory.ts';

// diffRuns where the alignment or the arithmetic is subtle: a tool called twice, a swap, a run
// past the aligned length, arguments named like Object's members, and dollars to the pico.
// (diff-runs.test.ts has the main path and recorded runs.)

const run = (calls: [string, unknown][], extra: Partial<RunTrajectory> = {}): RunTrajectory => ({
  toolCalls: calls.map(([name, args], index) => ({ step: index + 1, name, args })),
  text: 'done',
  steps: calls.length + 1,
  tokens: { input: 0, output: 0, thinking: 0, total: 0 },
  costUsd: '0',
  ...extra,
});
const names = (calls: { name: string; index: number }[]) =>
  calls.map((call) => `${call.name}#${call.index}`);
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('diffRuns: aligning the calls', () => {
  it('a repeated tool whose second call was dropped pairs the ones kept, in order', () => {
    const diff = diffRuns(
      run([
        ['search', { q: 'a' }],
        ['read', {}],
        ['search', { q: 'b' }],
      ]),
      run([
        ['search', { q: 'a' }],
        ['search', { q: 'b' }],
      ]),
    );
    expect(names(diff.toolCalls.dropped)).toEqual(['read#1']);
    expect(diff.toolCalls).toMatchObject({ added: [], reordered: [], drifted: [], unchanged: 2 });
  });

  it('two calls swapped: one stays paired, the other moved, with its drift if any', () => {
    const diff = diffRuns(
      run([
        ['a', { n: 1 }],
        ['b', {}],
      ]),
      run([
        ['b', {}],
        ['a', { n: 2 }],
      ]),
    );
    expect(diff.toolCalls.unchanged + diff.toolCalls.drifted.length).toBe(1);
    expect(diff.toolCalls.reordered).toHaveLength(1);
    const moved = [...diff.toolCalls.reordered, ...diff.toolCalls.drifted].find(
      (pair) => pair.name === 'a',
    );
    expect(moved?.drift).toEqual([{ path: '$.n', original: 1, fork: 2 }]);
    expect(diff.same).toBe(false);
  });

  it('a run with no calls against one with some: all added, nothing paired', () => {
    const diff = diffRuns(
      run([]),
      run([
        ['a', {}],
        ['a', {}],
      ]),
    );
    expect(names(diff.toolCalls.added)).toEqual(['a#0', 'a#1']);
    expect(diff.toolCalls.unchanged).toBe(0);
  });

  it('compares the first calls only past the bound, and never calls such runs the same', () => {
    const calls = Array.from({ length: MAX_DIFF_CALLS + 1 }, (): [string, unknown] => ['t', {}]);
    const diff = diffRuns(run(calls), run(calls));
    expect(diff.toolCalls).toMatchObject({ unchanged: MAX_DIFF_CALLS, truncated: true });
    expect(diff.same).toBe(false);
    expect(formatRunDiff(diff)).toContain('  (only the first 2000 calls of each run compared)');
  });

  it('the same calls with another answer are not the same run', () => {
    const diff = diffRuns(run([['a', {}]]), run([['a', {}]], { text: undefined }));
    expect(diff.same).toBe(false);
    expect(diff.answer).toEqual({ original: 'done', fork: undefined, same: false });
    expect(formatRunDiff(diff)).toContain('  answer (fork):     (none)');
  });
});

describe('diffRuns: arguments', () => {
  const drift = (original: unknown, fork: unknown) =>
    diffRuns(run([['t', original]]), run([['t', fork]])).toolCalls.drifted[0]?.drift ?? [];

  it('paths of array items, nested keys and keys that are not identifiers', () => {
    expect(
      drift({ items: [{ qty: 1 }, { qty: 2 }] }, { items: [{ qty: 1 }, { qty: 3 }, { qty: 4 }] }),
    ).toEqual([
      { path: '$.items[1].qty', original: 2, fork: 3 },
      { path: '$.items[2]', original: undefined, fork: { qty: 4 } },
    ]);
    expect(drift({ 'a.b': 1, $ok: 1 }, { 'a.b': 2, $ok: 2 })).toEqual([
      { path: '$["a.b"]', original: 1, fork: 2 },
      { path: '$.$ok', original: 1, fork: 2 },
    ]);
  });

  it('a value that changed type is one drift at its path, not one per key', () => {
    expect(drift({ where: { city: 'Paris' } }, { where: 'Paris' })).toEqual([
      { path: '$.where', original: { city: 'Paris' }, fork: 'Paris' },
    ]);
    expect(drift({ list: [1] }, { list: { 0: 1 } })).toEqual([
      { path: '$.list', original: [1], fork: { 0: 1 } },
    ]);
  });

  it('an argument named like an Object member is read as absent where the call lacks it', () => {
    expect(drift({}, { constructor: 'x', toString: 1 })).toEqual([
      { path: '$.constructor', original: undefined, fork: 'x' },
      { path: '$.toString', original: undefined, fork: 1 },
    ]);
    const text = formatRunDiff(diffRuns(run([['t', {}]]), run([['t', { constructor: 'x' }]])));
    expect(text).toContain('      $.constructor: (none) → "x"');
  });

  it('lists at most the bound of drifted paths for one call', () => {
    const many = (value: number) =>
      Object.fromEntries(Array.from({ length: 80 }, (_, index) => [`k${index}`, value]));
    expect(drift(many(1), many(2))).toHaveLength(MAX_DIFF_PATHS);
  });

  it('compares arguments nested past its depth bound as whole values, without a stack overflow', () => {
    const nest = (leaf: number, depth: number) => {
      let value: unknown = leaf;
      for (let level = 0; level < depth; level++) value = { next: value };
      return value;
    };
    // Past the walk's depth: one drift, at the path where the walk stopped.
    const found = drift(nest(1, 300), nest(2, 300));
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe(`$${'.next'.repeat(64)}`);
    expect(drift(nest(1, 300), nest(1, 300))).toEqual([]);
    // A hostile file's arguments, nested thousands deep: no crash, and the terminal text says so.
    const deep = diffRuns(run([['t', nest(1, 20_000)]]), run([['t', nest(2, 20_000)]]));
    expect(deep.toolCalls.drifted).toHaveLength(1);
    expect(formatRunDiff(deep)).toContain(
      '(nested too deep to print) → (nested too deep to print)',
    );
  });
});

describe('diffRuns: steps, tokens and dollars', () => {
  const cost = (original: string | null, fork: string | null) =>
    diffRuns(run([], { costUsd: original }), run([], { costUsd: fork })).costUsd.delta;

  it('subtracts dollars exactly, to the pico-dollar, either way', () => {
    expect(cost('0.1', '0.3')).toBe('0.2');
    expect(cost('0.3', '0.1')).toBe('-0.2');
    expect(cost('0', '0.000000000001')).toBe('0.000000000001');
    expect(cost('12', '12')).toBe('0');
    expect(cost('1.5', '3')).toBe('1.5');
  });

  it('an unknown or unreadable amount makes the delta unknown, not a wrong number', () => {
    expect(cost(null, '1')).toBeNull();
    expect(cost('1e-7', '1')).toBeNull();
    expect(cost('0.0000000000001', '1')).toBeNull();
    expect(cost('abc', '1')).toBeNull();
  });

  it('steps and each kind of token move by fork minus original', () => {
    const diff = diffRuns(
      run([], { steps: 3, tokens: { input: 100, output: 20, thinking: 5, total: 125 } }),
      run([], { steps: 2, tokens: { input: 90, output: 30, thinking: 0, total: 120 } }),
    );
    expect(diff.steps.delta).toBe(-1);
    expect(diff.tokens.delta).toEqual({ input: -10, output: 10, thinking: -5, total: -5 });
    expect(formatRunDiff(diff)).toContain(
      'steps 3 → 2 (-1); tokens 125 → 120 (-5); cost $0 → $0 (+$0)',
    );
  });
});

describe('formatRunDiff', () => {
  it('cuts a long argument or answer at 200 characters, never inside an emoji', () => {
    const long = `${'a'.repeat(198)}😀${'b'.repeat(500)}`;
    const text = formatRunDiff(
      diffRuns(run([['t', { q: 'x' }]]), run([['t', { q: long }]], { text: long })),
    );
    expect(text).not.toMatch(loneSurrogate);
    const line = text.split('\n').find((each) => each.startsWith('      $.q:')) ?? '';
    expect(line.endsWith('…')).toBe(true);
    expect(line.length).toBeLessThan(230);
  });
});
