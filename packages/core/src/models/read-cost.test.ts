import { describe, expect, it } from 'vitest';
import { unknownCost, zeroCost } from './cost.ts';
import { readCost } from './read-cost.ts';
import { isPicos, writeCost } from './write-cost.ts';

// readCost reads a cost back from a stored row or file (a recording, a durable step): any JSON.

describe('readCost', () => {
  it('reads back what gemloop wrote, known and unknown', () => {
    const known = {
      currency: 'USD',
      total: '0.0125',
      input: '0.01',
      cachedInput: '0',
      output: '0.0025',
      thinking: '0',
    };
    expect(readCost(JSON.parse(JSON.stringify(known)))).toEqual(known);
    const unknown = unknownCost('no price for gemini-x');
    expect(readCost(JSON.parse(JSON.stringify(unknown)))).toEqual(unknown);
  });

  it('keeps only the known fields, so a stored row cannot add others', () => {
    const read = readCost({ ...zeroCost(), extra: 'x', __proto__: { polluted: true } });
    expect(read).toEqual(zeroCost());
    expect(Object.keys(read ?? {})).toEqual([
      'currency',
      'total',
      'input',
      'cachedInput',
      'output',
      'thinking',
    ]);
  });

  it('refuses another currency, a missing or malformed amount, and non-objects', () => {
    for (const bad of [
      null,
      'USD',
      [],
      { ...zeroCost(), currency: 'EUR' },
      { ...zeroCost(), total: 0 },
      { ...zeroCost(), output: '-1' },
      { ...zeroCost(), input: '1e3' },
      { ...zeroCost(), thinking: undefined },
      { ...zeroCost(), total: '1'.repeat(41) },
    ]) {
      expect(readCost(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('refuses a total that is not the sum of its parts, exact to the pico-dollar', () => {
    const parts = { currency: 'USD', input: '0.01', cachedInput: '0.000001', output: '0.0025' };
    // The same sum written with other digits reads back as it is.
    expect(readCost({ ...parts, thinking: '0', total: '0.012501000' })).toEqual({
      ...parts,
      thinking: '0',
      total: '0.012501000',
    });
    for (const total of ['0', '0.0125', '0.012500999999', '0.012501000001', '1.012501']) {
      // A row changed after it was written (a total lowered under a session's budget, or a
      // part): which side changed is unknown, so it is no cost rather than a wrong one.
      expect(readCost({ ...parts, thinking: '0', total }), total).toBeUndefined();
    }
    expect(readCost({ ...zeroCost(), thinking: '0.5' })).toBeUndefined();
  });

  it('refuses an unknown cost that still carries amounts', () => {
    expect(readCost({ ...zeroCost(), unknown: 'why' })).toBeUndefined();
    expect(readCost({ ...unknownCost('why'), total: '1' })).toBeUndefined();
  });

  it('bounds a stored reason', () => {
    const read = readCost(unknownCost('r'.repeat(100_000)));
    expect(read?.unknown?.length).toBe(300);
    // Never half an emoji: a lone surrogate is refused by a strict UTF-8 reader downstream.
    const emoji = readCost(unknownCost(`${'x'.repeat(299)}😀😀`));
    expect(emoji?.unknown).toBe('x'.repeat(299));
  });
});

describe('writeCost', () => {
  it('writes pico-dollars as dollars and passes a written cost through', () => {
    expect(
      writeCost({
        total: 1_500_000n,
        input: 1_000_000n,
        cachedInput: 0n,
        output: 500_000n,
        thinking: 0n,
      }),
    ).toEqual({
      currency: 'USD',
      total: '0.0000015',
      input: '0.000001',
      cachedInput: '0',
      output: '0.0000005',
      thinking: '0',
    });
    const written = unknownCost('x');
    expect(writeCost(written)).toBe(written);
    expect(isPicos(written)).toBe(false);
    expect(isPicos({ total: 0n, input: 0n, cachedInput: 0n, output: 0n, thinking: 0n })).toBe(true);
  });
});
