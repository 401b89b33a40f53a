import { describe, expect, it } from 'vitest';
import type { TrajectoryCall } from '../canary/compare-tool-calls.ts';
import { bisectCommits, type CommitTrajectories } from './bisect-commits.ts';

// What counts as a changed commit in a bisect: a case added or gone, arguments (or not, when
// ignored), any case id a dataset may hold; and an evaluation that fails. (bisect-commits.test.ts
// covers the search itself.)

const at = (cases: Record<string, TrajectoryCall[]>): CommitTrajectories => ({
  cases,
  live: false,
});
const bisect = (byCommit: CommitTrajectories[], options: { arguments?: 'exact' | 'ignore' } = {}) =>
  bisectCommits({
    commits: byCommit.map((_, index) => `c${index}`),
    evaluate: async (commit) => byCommit[Number(commit.slice(1))] as CommitTrajectories,
    ...options,
  });
const search = [{ name: 'search', args: { q: 'paris' } }];

describe('bisectCommits: what a change is', () => {
  it('a case a later commit added, or one it no longer has, is a change', async () => {
    const added = await bisect([
      at({ a: search }),
      at({ a: search }),
      at({ a: search, b: search }),
    ]);
    expect(added).toMatchObject({ culprit: 'c2', lastGood: 'c1' });
    expect(added.changes).toEqual([
      { caseId: 'b', difference: expect.objectContaining({ added: ['search'], same: false }) },
    ]);
    const gone = await bisect([at({ a: search, b: [] }), at({ a: search })]);
    // A case with no calls and a case that is gone read alike: no calls.
    expect(gone.culprit).toBeUndefined();
  });

  it('arguments change a trajectory unless ignored', async () => {
    const commits = [
      at({ a: search }),
      at({ a: search }),
      at({ a: [{ name: 'search', args: { q: 'lyon' } }] }),
    ];
    expect((await bisect(commits)).culprit).toBe('c2');
    expect((await bisect(commits, { arguments: 'ignore' })).culprit).toBeUndefined();
  });

  it('reads case ids named like Object members as plain ids', async () => {
    const found = await bisect([at({}), at({ constructor: search, toString: [] })]);
    expect(found.culprit).toBe('c1');
    expect(found.changes.map((change) => change.caseId)).toEqual(['constructor']);
    const gone = await bisect([at({ constructor: search }), at({})]);
    expect(gone.changes).toEqual([
      { caseId: 'constructor', difference: expect.objectContaining({ dropped: ['search'] }) },
    ]);
  });

  it('with only the good and the bad commit, evaluates both and names the bad one', async () => {
    const found = await bisect([at({ a: search }), at({ a: [] })]);
    expect(found).toMatchObject({
      culprit: 'c1',
      lastGood: 'c0',
      offlineEvaluations: 2,
      liveEvaluations: 0,
    });
  });

  it('an evaluation that fails ends the bisect with its error', async () => {
    const failure = new Error('checkout failed');
    await expect(
      bisectCommits({
        commits: ['good', 'bad'],
        evaluate: async (commit) => {
          if (commit === 'bad') throw failure;
          return at({});
        },
      }),
    ).rejects.toBe(failure);
  });
});
