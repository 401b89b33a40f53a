import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { checkPrices } from './check-prices.ts';
import { costOf } from './cost-of.ts';

// Attack (attack-core9): prices a user gives (a table checked at createAgent, a function asked
// after each billed call) that are no decimal: a BigInt, 1 MB of digits, NaN, a negative. A table
// is refused typed with a bounded message; a function's price makes the cost unknown, never a
// throw after the call was made and billed (that lost the answer).

const usage = { promptTokenCount: 1000, candidatesTokenCount: 100, totalTokenCount: 1100 };
const hostile: [string, unknown][] = [
  ['a BigInt', 3n],
  ['1 MB of digits with a letter', `${'9'.repeat(1_000_000)}x`],
  ['NaN', Number.NaN],
  ['a negative price', '-0.30'],
  ['Infinity', Number.POSITIVE_INFINITY],
];

describe('prices attacked', () => {
  for (const [label, input] of hostile) {
    it(`a table with ${label} is refused typed at once, in a short message`, () => {
      let error: unknown;
      try {
        checkPrices({ 'my-model': { standard: { input, output: '1' } } }, 'prices');
      } catch (thrown) {
        error = thrown;
      }
      expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
      expect((error as Error).message.length).toBeLessThan(1000);
    });

    it(`a prices function giving ${label} makes the cost unknown, not a throw`, () => {
      const cost = costOf(usage, 'my-model', undefined, () => ({ input, output: '1' }) as never);
      expect(cost.total).toBeNull();
      expect(cost.unknown).toMatch(/not usable/);
      expect(cost.unknown?.length ?? 0).toBeLessThan(1000);
    });
  }

  it('a model name with a models/ prefix and a version suffix has an unknown cost, never a guess', () => {
    expect(costOf(usage, 'models/gemini-2.5-flash-001').unknown).toMatch(/no price/);
    expect(costOf(usage, 'models/gemini-2.5-flash').total).not.toBeNull();
  });
});
