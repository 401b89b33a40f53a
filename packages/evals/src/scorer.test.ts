import { GemloopError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { checkScore, clamp, defineScorer, type ScoreContext, type Scorer } from './scorer.ts';

// A scorer is user code: what defineScorer makes of each kind of value it returns, and what
// checkScore lets through from a hand-written Scorer before a verdict reaches the result file.

const context: ScoreContext = {
  evalCase: { id: 'c', input: 'q' },
  run: { text: 'hello', turns: ['hello'], output: undefined, toolCalls: [] },
  signal: new AbortController().signal,
};
const named: Scorer = { name: 'mine', score: () => undefined };

describe('defineScorer', () => {
  it('a boolean is a score of 1 or 0 with the reason "true" or "false"', async () => {
    expect(await defineScorer('b', () => false).score(context)).toEqual({
      scorer: 'b',
      score: 0,
      pass: false,
      reason: 'false',
    });
  });

  it('a number passes at the threshold (1 by default), clamped to [0, 1], NaN as 0', async () => {
    const score = (value: number, threshold?: number) =>
      defineScorer('n', () => value, threshold === undefined ? {} : { threshold }).score(context);
    expect(await score(0.99)).toMatchObject({ score: 0.99, pass: false, reason: 'score 0.99' });
    expect(await score(1)).toMatchObject({ pass: true });
    expect(await score(0.5, 0.5)).toMatchObject({ pass: true });
    expect(await score(-3, 0)).toMatchObject({ score: 0, pass: true });
    expect(await score(Number.NaN, 0.1)).toMatchObject({
      score: 0,
      pass: false,
      reason: 'score 0',
    });
  });

  it('a full verdict`s own pass wins over the threshold', async () => {
    const verdict = (pass: boolean | undefined) =>
      defineScorer(
        'f',
        () => ({ score: 0.2, reason: 'why', ...(pass === undefined ? {} : { pass }) }),
        {
          threshold: 0.1,
        },
      ).score(context);
    expect(await verdict(undefined)).toMatchObject({ pass: true, score: 0.2 });
    expect(await verdict(false)).toMatchObject({ pass: false, score: 0.2, reason: 'why' });
  });

  it('gives the scorer the case, the run and the signal', async () => {
    let seen: ScoreContext | undefined;
    await defineScorer('s', (given) => {
      seen = given;
      return true;
    }).score(context);
    expect(seen).toBe(context);
  });

  it('a scorer function that throws rejects its score (the attempt is then an error)', async () => {
    const scorer = defineScorer('t', () => {
      throw new RangeError('bad case');
    });
    await expect(scorer.score(context)).rejects.toThrow(RangeError);
  });
});

describe('clamp', () => {
  it('keeps [0, 1], bounds the rest, and reads NaN as 0', () => {
    expect([
      clamp(0.3),
      clamp(7),
      clamp(-0.1),
      clamp(Number.NaN),
      clamp(Number.NEGATIVE_INFINITY),
    ]).toEqual([0.3, 1, 0, 0, 0]);
  });
});

describe('checkScore', () => {
  it('passes undefined (a skipped case) and a well-formed verdict, clamped, keeping its scorer name', () => {
    expect(checkScore(named, undefined)).toBeUndefined();
    expect(checkScore(named, { scorer: 'alias', score: 1.5, pass: true, reason: 'r' })).toEqual({
      scorer: 'alias',
      score: 1,
      pass: true,
      reason: 'r',
    });
    // No name (or not a string): the scorer's.
    expect(checkScore(named, { scorer: 5, score: 0, pass: false, reason: '' })?.scorer).toBe(
      'mine',
    );
  });

  const refused: [string, unknown, string][] = [
    ['null', null, 'a null instead of { scorer, score, pass, reason }'],
    ['a bare number', 0.5, 'a number instead of { scorer, score, pass, reason }'],
    [
      'a NaN score (0 / 0)',
      { score: Number.NaN, pass: true, reason: '' },
      'score NaN, not a finite number',
    ],
    [
      'an infinite score (1 / 0)',
      { score: Number.POSITIVE_INFINITY, pass: true, reason: '' },
      'score Infinity, not',
    ],
    ['a score as text', { score: '1', pass: true, reason: '' }, 'score string, not'],
    ['no pass', { score: 1, reason: '' }, 'pass undefined, not a boolean'],
    ['pass as 1', { score: 1, pass: 1, reason: '' }, 'pass number, not a boolean'],
    ['no reason', { score: 1, pass: true }, 'reason undefined, not a string'],
  ];
  it.each(refused)(
    'refuses %s with an error naming the scorer and the fix',
    (_, value, problem) => {
      let thrown: unknown;
      try {
        checkScore(named, value);
      } catch (error) {
        thrown = error;
      }
      expect(GemloopError.isInstance(thrown)).toBe(true);
      const message = (thrown as Error).message;
      expect(message).toContain(`scorer 'mine' returned ${problem}`);
      expect(message).toContain('return undefined to skip a case, or use defineScorer()');
    },
  );
});
