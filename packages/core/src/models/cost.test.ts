import { describe, expect, it } from 'vitest';
import { addCosts } from './add-costs.ts';
import { type Cost, unknownCost, zeroCost } from './cost.ts';
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

  it('is unknown, never a sum that counts it as 0, when an amount is not dollars', () => {
    // As read back from a row or a file: an exponent, a negative, a word.
    for (const amount of ['1e5', '-1', 'abc']) {
      const sum = addCosts(
        cost({ total: amount, input: amount }),
        cost({ total: '1', input: '1' }),
      );
      expect(sum.total).toBeNull();
      expect(sum.unknown).toContain(`the total amount "${amount}" of a cost is not US dollars`);
    }
    expect(addCosts(zeroCost(), cost({ output: '1.5', total: '2x' })).unknown).toContain('"2x"');
  });
});

describe('CostTotal', () => {
  it('adds zero parts and null parts as nothing', () => {
    const total = new CostTotal(cost({ total: '1', input: '1' }));
    total.add(cost({ total: '0.5', output: '0.5', thinking: null }));
    expect(total.total).toEqual(cost({ total: '1.5', input: '1', output: '0.5' }));
  });

  it('becomes unknown, and counts as over any budget, when an added amount is not dollars', () => {
    const total = new CostTotal(cost({ total: '1', input: '1' }));
    total.add(cost({ total: '1e5', input: '1e5' }));
    expect(total.total.total).toBeNull();
    expect(total.total.unknown).toContain('the total amount "1e5"');
    expect(total.exceeds(1000)).toBe(true);
    const started = new CostTotal(cost({ total: '0.5', output: '-0.5' }));
    expect(started.total.unknown).toContain('the output amount "-0.5"');
  });
});
