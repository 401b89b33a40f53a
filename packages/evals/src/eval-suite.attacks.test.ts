import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { defineEvalSuite, type EvalSuite } from './eval-suite.ts';

// Outside attacks on a suite's keys (attack13): suites are often plain JavaScript or built from a
// config, where no type checks a key. A misspelt gate was dropped without a word.

const base = { createAgent: () => ({}) as never, cases: [], scorers: [] };

describe('defineEvalSuite: keys it does not know', () => {
  it.each([
    [{ ...base, minPassByScorers: { safety: 1 } }, /minPassByScorer\b/],
    [{ ...base, minpass: 0.9 }, /minPass/],
    [{ ...base, canary: { mustcall: ['refund'] } }, /mustCall/],
    [{ ...base, canary: { mustPass: 'exact' } }, /mustPass/],
  ])('%j is an InvalidArgumentError naming the key meant', (suite, meant) => {
    expect(() => defineEvalSuite(suite as unknown as EvalSuite)).toThrow(InvalidArgumentError);
    expect(() => defineEvalSuite(suite as unknown as EvalSuite)).toThrow(meant);
  });

  it('returns a good suite as it is', () => {
    const suite = { ...base, minPass: 0.9, canary: { mustCall: ['get_weather'] } };
    expect(defineEvalSuite(suite)).toBe(suite);
  });
});
