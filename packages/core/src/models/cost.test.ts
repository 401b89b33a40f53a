import { describe, expect, it } from 'vitest';
import { addCosts, type Cost, unknownCost, zeroCost } from './cost.ts';
import { CostTotal } from './cost-total.ts';

const cost = (parts: Partial<Cost>): Cost => ({ ...zeroCost(), ...parts });

describe('addCosts', () => {
  it('adds part by part, exactly, zeros and nulls included', () => {
    const a = cost({ total: '0.1', input: '0.1', output: null });
    const b = cost({ total: '0.2', output: '0.000000000001' });
    expect(addCosts(a, b)).toEqual({
      currency: 'USD',
      total: '0.3',
      input: '0.1',
      cachedInput: '0',
      output: '0.000000000001',
      thinking: '0',
    });
  });

  it('writes a part as picosToDollars does even when the other side is zero', () => {
    // '0.10' is not how gemloop writes dollars: the sum is written out, not passed through.
    expect(addCosts(cost({ total: '0.10' }), zeroCost()).total).toBe('0.1');
  });

  it('is unknown when either side is', () => {
    const unknown = unknownCost('no price');
    expect(addCosts(zeroCost(), unknown)).toBe(unknown);
  });
});

describe('CostTotal', () => {
  it('adds zero parts and null parts as nothing', () => {
    const total = new CostTotal(cost({ total: '1', input: '1' }));
    total.add(cost({ total: '0.5', output: '0.5', thinking: null }));
    expect(total.total).toEqual(cost({ total: '1.5', input: '1', output: '0.5' }));
  });
});
