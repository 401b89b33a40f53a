import { describe, expect, it } from 'vitest';
import { didYouMean, isOneSlipAway } from './did-you-mean.ts';

describe('isOneSlipAway', () => {
  it.each([
    ['evl', 'eval', true],
    ['evaal', 'eval', true],
    ['evxl', 'eval', true],
    ['eavl', 'eval', true],
    ['vael', 'eval', false],
    ['ev', 'eval', false],
    ['eval', 'eval', false],
    ['', 'e', true],
    ['abcd', 'wxyz', false],
    ['concurency', 'concurrency', true],
    ['concurrecny', 'concurrency', true],
  ])('%s → %s: %s', (typed, name, expected) => {
    expect(isOneSlipAway(typed, name)).toBe(expected);
  });

  it('is one pass over an argument of 128 KiB', () => {
    const long = 'a'.repeat(131_072);
    expect(isOneSlipAway(long, `${long}b`)).toBe(true);
    expect(isOneSlipAway(long, 'eval')).toBe(false);
  });
});

describe('didYouMean', () => {
  it('prefers the same name in other capitals, then the first one slip away', () => {
    expect(didYouMean('VIEW', ['view', 'vie'], (name) => name)).toBe(' Did you mean view?');
    expect(didYouMean('probee', ['probe', 'replay'], (name) => `'${name}'`)).toBe(
      " Did you mean 'probe'?",
    );
    expect(didYouMean('zzz', ['probe'], (name) => name)).toBe('');
  });
});
