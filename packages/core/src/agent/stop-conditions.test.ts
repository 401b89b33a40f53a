import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { totalTokensExceed } from './stop-conditions.ts';

describe('totalTokensExceed', () => {
  it('refuses a budget that is not a number of tokens, which would never stop the run', () => {
    // `Number(process.env.MAX_TOKENS)` with the variable unset is NaN, and `total > NaN` is false
    // forever: the budget was silently off.
    for (const maxTokens of [Number.NaN, -1, '5000', undefined, null]) {
      expect(() => totalTokensExceed(maxTokens as number)).toThrow(InvalidArgumentError);
    }
    expect(() => totalTokensExceed(Number.NaN)).toThrow(/maxTokens.*got NaN/);
  });

  it('takes zero, a whole budget and Infinity', () => {
    for (const maxTokens of [0, 5000, Number.POSITIVE_INFINITY]) {
      expect(typeof totalTokensExceed(maxTokens)).toBe('function');
    }
  });
});
