import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { usdOption } from './usd-option.ts';

describe('usdOption', () => {
  it.each([0, 0.5, '2.00', '0.000001', 1e6])('accepts %s', (value) => {
    expect(() => usdOption(value, 'budget.maxCostUsd')).not.toThrow();
  });

  it.each([-1, 'abc', Number.NaN, null, {}, [], '1e3x'])(
    'refuses %s, naming the option and the fix',
    (value) => {
      let thrown: unknown;
      try {
        usdOption(value, 'budget.maxCostUsd');
      } catch (error) {
        thrown = error;
      }
      expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
      expect((thrown as Error).message).toMatch(
        /^budget\.maxCostUsd must be US dollars as a number >= 0 or a decimal string, such as 0\.5 or '2\.00'; got /,
      );
    },
  );
});
