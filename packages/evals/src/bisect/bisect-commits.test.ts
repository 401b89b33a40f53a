import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { bisectCommits, type CommitTrajectories } from './bisect-commits.ts';

const commits = Array.from({ length: 64 }, (_, index) => `c${index}`);
const weather = [{ name: 'get_weather', args: { city: 'Paris' } }];

/** Commit `culprit` drops the tool call; the request changes (live) from `changedRequest` on. */
function history(culprit: number, changedRequest: number) {
  const evaluated: string[] = [];
  const evaluate = async (commit: string): Promise<CommitTrajectories> => {
    evaluated.push(commit);
    const index = Number(commit.slice(1));
    return { cases: { paris: index >= culprit ? [] : weather }, live: index >= changedRequest };
  };
  return { evaluate, evaluated };
}

describe('bisectCommits', () => {
  it('finds the culprit of every place in 64 commits with at most 8 evaluations, each commit once', async () => {
    for (let culprit = 1; culprit < 64; culprit++) {
      const { evaluate, evaluated } = history(culprit, 0);
      const found = await bisectCommits({ commits, evaluate });
      expect(found.culprit).toBe(`c${culprit}`);
      expect(found.lastGood).toBe(`c${culprit - 1}`);
      expect(found.changes).toEqual([
        { caseId: 'paris', difference: expect.objectContaining({ dropped: ['get_weather'] }) },
      ]);
      expect(evaluated.length).toBeLessThanOrEqual(8);
      expect(new Set(evaluated).size).toBe(evaluated.length);
    }
  });

  it('counts live and offline evaluations apart', async () => {
    const { evaluate } = history(45, 36);
    const found = await bisectCommits({ commits, evaluate });
    expect(found.culprit).toBe('c45');
    expect(found.steps.map((step) => step.commit)).toEqual([
      'c0',
      'c63',
      'c31',
      'c47',
      'c39',
      'c43',
      'c45',
      'c44',
    ]);
    expect(found).toMatchObject({ liveEvaluations: 6, offlineEvaluations: 2 });
  });

  it('says no commit changed anything when the bad one has the good trajectories', async () => {
    const found = await bisectCommits({ commits, evaluate: history(99, 0).evaluate });
    expect(found).toMatchObject({
      culprit: undefined,
      changes: [],
      steps: [{ commit: 'c0' }, { commit: 'c63' }],
    });
    await expect(
      bisectCommits({ commits: ['c0'], evaluate: history(1, 0).evaluate }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
