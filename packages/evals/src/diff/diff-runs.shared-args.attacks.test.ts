// Arguments that hold one object at many paths, or a cycle (attack63b): a result built in code
// (a `continueWith` fork's, a test's) is no JSON tree, and `diffRuns` walked every path again, so
// two equal `{ x: self, y: self }` were 2^64 paths to its depth bound and the diff never ended.
import { describe, expect, it } from 'vitest';
import { diffRuns } from './diff-runs.ts';
import type { RunTrajectory } from './run-trajectory.ts';

const trajectory = (args: unknown): RunTrajectory => ({
  toolCalls: [{ step: 1, name: 'lookup', args }],
  text: 'done',
  steps: 1,
  tokens: { input: 0, output: 0, thinking: 0, total: 0 },
  costUsd: '0',
});

const cyclic = (value: number): Record<string, unknown> => {
  const node: Record<string, unknown> = { value };
  node['left'] = node;
  node['right'] = node;
  return node;
};

describe('diffRuns on arguments that are not a JSON tree', () => {
  it('ends on two equal cyclic arguments and calls them the same', () => {
    const diff = diffRuns(trajectory(cyclic(1)), trajectory(cyclic(1)));
    expect(diff.same).toBe(true);
    expect(diff.toolCalls.unchanged).toBe(1);
  }, 30_000);

  it('ends on two cyclic arguments that differ and lists the difference once, at its first path', () => {
    const diff = diffRuns(trajectory(cyclic(1)), trajectory(cyclic(2)));
    expect(diff.toolCalls.drifted).toHaveLength(1);
    expect(diff.toolCalls.drifted[0]?.drift).toEqual([{ path: '$.value', original: 1, fork: 2 }]);
  }, 30_000);

  it('ends on an array that holds one array twice at each of 40 levels (2^40 paths, 41 objects)', () => {
    let original: unknown = 1;
    let fork: unknown = 1;
    for (let level = 0; level < 40; level++) {
      original = [original, original];
      fork = [fork, fork];
    }
    expect(diffRuns(trajectory(original), trajectory(fork)).same).toBe(true);
  }, 30_000);
});
