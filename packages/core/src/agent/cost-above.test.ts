import { describe, expect, it } from 'vitest';
import { type Cost, unknownCost, zeroCost } from '../models/cost.ts';
import { costExceeds } from './cost-above.ts';

const cost = (parts: Partial<Omit<Cost, 'currency'>>): Cost => ({ ...zeroCost(), ...parts });

describe('costExceeds', () => {
  it('is over when the spent total is above the budget, exactly', () => {
    expect(costExceeds(cost({ total: '0.30' }), 0.3)).toBe(false);
    expect(costExceeds(cost({ total: '0.300000000001' }), 0.3)).toBe(true);
    expect(costExceeds(cost({ total: '123456.789' }), 123456.789)).toBe(false);
  });

  it('is over for an unknown cost, an unreadable amount or budget', () => {
    expect(costExceeds(unknownCost('x'), 100)).toBe(true);
    expect(costExceeds(cost({ total: '1e3' }), 1e6)).toBe(true);
    expect(costExceeds(cost({ total: '1' }), 'lots')).toBe(true);
  });
});
