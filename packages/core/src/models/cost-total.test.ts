import { describe, expect, it } from 'vitest';
import { type Cost, unknownCost, zeroCost } from './cost.ts';
import { CostTotal, isCostTotal } from './cost-total.ts';
import { dollarsToPicos, toPicos } from './usd.ts';

const cost = (parts: Partial<Omit<Cost, 'currency'>>): Cost => ({ ...zeroCost(), ...parts });
// In the canonical form a sum has: a number while a safe integer, a bigint past it (usd.ts).
const picos = (dollars: string) => toPicos(dollarsToPicos(dollars) as bigint);

describe('CostTotal', () => {
  it('starts at zero and adds costs exactly, part by part', () => {
    const total = new CostTotal();
    expect(total.total).toEqual(zeroCost());
    for (let step = 0; step < 10; step++)
      total.add(cost({ total: '0.1', input: '0.07', output: '0.03' }));
    // Ten times 0.1 in floating point is 0.9999999999999999; in pico-dollars it is 1.
    expect(total.total).toEqual(cost({ total: '1', input: '0.7', output: '0.3' }));
  });

  it('adds a priced step in pico-dollars and a written one alike', () => {
    const total = new CostTotal();
    total.addPriced({
      total: picos('0.5'),
      input: picos('0.5'),
      cachedInput: 0n,
      output: 0n,
      thinking: 0n,
    });
    total.addPriced(cost({ total: '0.25', thinking: '0.25' }));
    expect(total.total).toEqual(cost({ total: '0.75', input: '0.5', thinking: '0.25' }));
    expect(total.priced).toEqual({
      total: 750_000_000_000,
      input: 500_000_000_000,
      cachedInput: 0,
      output: 0,
      thinking: 250_000_000_000,
    });
  });

  it('hands out copies: changing a read total does not change the sum', () => {
    const total = new CostTotal(cost({ total: '1', input: '1' }));
    const read = total.total;
    read.total = '999';
    expect(total.total.total).toBe('1');
    const priced = total.priced as { total: bigint };
    priced.total = 999n;
    expect(total.total.total).toBe('1');
  });

  it('writes the total again after each add, not a stale cached one', () => {
    const total = new CostTotal();
    expect(total.total.total).toBe('0');
    total.add(cost({ total: '0.2', output: '0.2' }));
    expect(total.total.total).toBe('0.2');
    total.addPriced({
      total: picos('0.3'),
      input: 0n,
      cachedInput: 0n,
      output: picos('0.3'),
      thinking: 0n,
    });
    expect(total.total.total).toBe('0.5');
  });

  it('stays unknown once an unknown cost is added, with the first reason, and ignores what follows', () => {
    const total = new CostTotal(cost({ total: '1', input: '1' }));
    total.add(unknownCost('no price for gemini-x on tier flex'));
    total.add(cost({ total: '5', input: '5' }));
    total.add(unknownCost('another reason'));
    total.addPriced({ total: 1n, input: 1n, cachedInput: 0n, output: 0n, thinking: 0n });
    expect(total.total).toEqual(unknownCost('no price for gemini-x on tier flex'));
    expect(total.priced).toEqual(unknownCost('no price for gemini-x on tier flex'));
  });

  it('prices a cost added later only when read, once, in the order of the adds', () => {
    let asked = 0;
    const price = (entry: object) => {
      asked++;
      return (entry as { cost: Cost }).cost;
    };
    const total = new CostTotal();
    total.addLater({ cost: cost({ total: '0.5', input: '0.5' }) }, price);
    total.addLater({ cost: unknownCost('first: no price for model-a') }, price);
    expect(asked).toBe(0);
    // An add after them sums them first: the first unknown reason stays the first call's.
    total.add(unknownCost('second: no price for model-b'));
    expect(asked).toBe(2);
    expect(total.total.unknown).toBe('first: no price for model-a');
    const known = new CostTotal();
    known.addLater({ cost: cost({ total: '0.25', output: '0.25' }) }, price);
    expect(known.exceeds('0.25')).toBe(false);
    known.addLater({}, () => undefined); // nothing to add
    known.addLater({ cost: cost({ total: '0.5', input: '0.5' }) }, price);
    expect(known.total).toEqual(cost({ total: '0.75', input: '0.5', output: '0.25' }));
    expect(known.priced).toMatchObject({ total: picos('0.75') });
    expect(asked).toBe(4);
  });

  it('queues a priced cost behind costs still to be priced: nothing is priced until read, the order kept', () => {
    let asked = 0;
    const price = (entry: object) => {
      asked++;
      return (entry as { cost: Cost }).cost;
    };
    const total = new CostTotal();
    total.addLater({ cost: unknownCost('first: no price for model-a') }, price);
    total.addPriced(unknownCost('second: a subagent call priced at model-b'));
    total.addPriced({ total: 5, input: 5, cachedInput: 0, output: 0, thinking: 0 });
    expect(asked).toBe(0);
    expect(total.waits).toBe(true);
    expect(total.total.unknown).toBe('first: no price for model-a');
    expect(asked).toBe(1);
    const known = new CostTotal();
    known.addLater({ cost: cost({ total: '0.25', output: '0.25' }) }, price);
    known.addPriced({
      total: picos('0.5'),
      input: picos('0.5'),
      cachedInput: 0,
      output: 0,
      thinking: 0,
    });
    known.addLater({ cost: cost({ total: '0.125', thinking: '0.125' }) }, price);
    expect(asked).toBe(1);
    expect(known.total).toEqual(
      cost({ total: '0.875', input: '0.5', output: '0.25', thinking: '0.125' }),
    );
    expect(asked).toBe(3);
    // Settled: a priced cost added now is summed at once.
    known.addPriced({
      total: picos('0.125'),
      input: 0,
      cachedInput: 0,
      output: picos('0.125'),
      thinking: 0,
    });
    expect(known.waits).toBe(false);
    expect(known.total).toEqual(
      cost({ total: '1', input: '0.5', output: '0.375', thinking: '0.125' }),
    );
  });

  it('adds another running total (a subagent call meter) as its sum when read, queued or at once', () => {
    const meter = new CostTotal();
    meter.addLater(
      { cost: cost({ total: '0.25', output: '0.25' }) },
      (entry) => (entry as { cost: Cost }).cost,
    );
    const queued = new CostTotal();
    queued.addLater({}, () => undefined);
    queued.addPriced(meter);
    expect(meter.waits).toBe(true);
    expect(isCostTotal(meter)).toBe(true);
    expect(isCostTotal(cost({ total: '1' }))).toBe(false);
    expect(queued.total).toEqual(cost({ total: '0.25', output: '0.25' }));
    expect(meter.waits).toBe(false);
    const settled = new CostTotal(cost({ total: '1', input: '1' }));
    settled.addPriced(meter);
    expect(settled.total).toEqual(cost({ total: '1.25', input: '1', output: '0.25' }));
    const unknown = new CostTotal();
    unknown.addPriced(new CostTotal(unknownCost('no price for model-c')));
    expect(unknown.total.unknown).toBe('no price for model-c');
  });

  it('starts unknown from an unknown or unreadable starting cost', () => {
    expect(new CostTotal(unknownCost('why')).total.unknown).toBe('why');
    const unreadable = new CostTotal(cost({ total: 'NaN' }));
    expect(unreadable.total.total).toBeNull();
    expect(unreadable.total.unknown).toContain('the total amount "NaN"');
  });

  it('compares against a budget exactly: equal is not over, one pico-dollar more is', () => {
    const total = new CostTotal(cost({ total: '0.5', input: '0.5' }));
    expect(total.exceeds(0.5)).toBe(false);
    expect(total.exceeds('0.5')).toBe(false);
    total.add(cost({ total: '0.000000000001', input: '0.000000000001' }));
    expect(total.exceeds(0.5)).toBe(true);
    expect(total.exceeds('0.500000000001')).toBe(false);
  });

  it('counts as over any budget when the cost is unknown or the budget is unreadable', () => {
    expect(new CostTotal(unknownCost('x')).exceeds(1_000_000)).toBe(true);
    const total = new CostTotal();
    expect(total.exceeds(-1)).toBe(true);
    expect(total.exceeds('abc')).toBe(true);
    expect(total.exceeds(Number.NaN)).toBe(true);
    expect(total.exceeds(0)).toBe(false);
  });

  it('sums thousands of steps past 2^53 pico-dollars without losing a pico-dollar', () => {
    const total = new CostTotal();
    for (let step = 0; step < 5_000; step++) {
      total.addPriced({
        total: 3_000_000_000_000_001n,
        input: 0n,
        cachedInput: 0n,
        output: 3_000_000_000_000_001n,
        thinking: 0n,
      });
    }
    expect(total.total.total).toBe('15000000.000000005');
    expect(total.exceeds('15000000.000000004')).toBe(true);
    expect(total.exceeds('15000000.000000005')).toBe(false);
  });
});

describe('CostTotal across 2^53 pico-dollars (sums in numbers, then in bigints)', () => {
  const step = (total: number | bigint) => ({
    total,
    input: total,
    cachedInput: 0,
    output: 0,
    thinking: 0,
  });

  it('sums 100,000 steps to the pico-dollar where dollars in doubles drift', () => {
    const total = new CostTotal();
    let floatDollars = 0;
    // 0.000123456789 dollars a step (123,456,789 pico-dollars), written as a model step's cost.
    for (let index = 0; index < 100_000; index++) {
      total.addPriced(step(123_456_789));
      floatDollars += 0.000123456789;
    }
    expect(total.total.total).toBe('12.3456789');
    expect(String(floatDollars)).not.toBe('12.3456789');
    expect(total.exceeds('12.3456789')).toBe(false);
    expect(total.exceeds('12.345678899999')).toBe(true);
  });

  it('goes on exactly from the last safe pico-dollar into bigints, and compares budgets on both sides', () => {
    const total = new CostTotal();
    const max = Number.MAX_SAFE_INTEGER;
    total.addPriced(step(max - 2));
    expect(total.priced).toEqual(step(max - 2));
    expect(total.exceeds('9007.199254740989')).toBe(false);
    expect(total.exceeds('9007.199254740988')).toBe(true);
    total.addPriced(step(1));
    total.addPriced(step(1));
    expect((total.priced as { total: unknown }).total).toBe(max);
    expect(total.total.total).toBe('9007.199254740991');
    // One more pico-dollar: 2^53 is a double, but the sum is kept a bigint from here on.
    total.addPriced(step(1));
    expect((total.priced as { total: unknown }).total).toBe(2n ** 53n);
    for (let index = 0; index < 1_000; index++) total.addPriced(step(1));
    expect(total.total.total).toBe('9007.199254741992');
    expect(total.total.input).toBe('9007.199254741992');
    expect(total.exceeds('9007.199254741991')).toBe(true);
    expect(total.exceeds('9007.199254741992')).toBe(false);
    // A written cost parsed back adds to the bigint sum as well.
    total.add({ ...zeroCost(), total: '0.000000000008', input: '0.000000000008' });
    expect(total.total.total).toBe('9007.199254742');
  });

  it('adds written dollars past 2^53 exactly (a chat session or a tree budget carried over)', () => {
    const total = new CostTotal(cost({ total: '9007.199254740991', input: '9007.199254740991' }));
    total.add(cost({ total: '0.000000000001', output: '0.000000000001' }));
    expect(total.total).toEqual(
      cost({ total: '9007.199254740992', input: '9007.199254740991', output: '0.000000000001' }),
    );
  });
});
