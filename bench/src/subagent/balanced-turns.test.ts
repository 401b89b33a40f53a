import { describe, expect, it } from 'vitest';
import { balancedOrders, betweenRuns, extraPerChildStep, median } from './balanced-turns.ts';

/** How often side `after` runs right after side `before`, the orders repeated end to end. */
function followCounts(orders: number[][], count: number): number[][] {
  const sequence = orders.flat();
  const counts = Array.from({ length: count }, () => Array.from({ length: count }, () => 0));
  sequence.forEach((after, index) => {
    const before = sequence.at(index - 1) as number;
    (counts[before] as number[])[after] = ((counts[before] as number[])[after] as number) + 1;
  });
  return counts;
}

describe('balancedOrders', () => {
  it.each([2, 3, 4])(
    'has each of %i sides in each place equally often, after each other side equally often within the orders',
    (count) => {
      const orders = balancedOrders(count);
      for (const order of orders) expect([...order].sort()).toEqual([...Array(count).keys()]);
      for (let place = 0; place < count; place++) {
        const inPlace = orders.map((order) => order[place]);
        for (let side = 0; side < count; side++)
          expect(inPlace.filter((value) => value === side)).toHaveLength(orders.length / count);
      }
      const within = new Map<string, number>();
      for (const order of orders)
        for (let place = 1; place < count; place++) {
          const pair = `${order[place - 1]}>${order[place]}`;
          within.set(pair, (within.get(pair) ?? 0) + 1);
        }
      expect(within.size).toBe(count * (count - 1));
      expect(new Set(within.values()).size).toBe(1);
    },
  );

  it.each([2, 3])('balances the seams between orders too for %i sides', (count) => {
    const counts = followCounts(balancedOrders(count), count);
    const offDiagonal = counts.flatMap((row, before) => row.filter((_, after) => after !== before));
    expect(new Set(offDiagonal).size).toBe(1);
    // A side after itself: ABBA has each once, the six orders of three none.
    expect(new Set(counts.map((row, side) => row[side])).size).toBe(1);
  });

  it('gives three sides all six orders', () => {
    expect(balancedOrders(3).map((order) => order.join(''))).toEqual([
      '012',
      '120',
      '201',
      '210',
      '102',
      '021',
    ]);
  });

  it('names a count that is not a whole number of sides', () => {
    expect(() => balancedOrders(0)).toThrow(/whole number of sides, 1 or more; got 0/);
  });
});

describe('extraPerChildStep', () => {
  it('reads a constant shift whatever the skew of single runs', () => {
    // A run of 6 steps at 100 each, one in five runs preempted (a long tail on both sides alike).
    const base = Array.from(
      { length: 100 },
      (_, index) => 600 + (index % 5 === 0 ? 900 : index % 3),
    );
    const other = base.map((value, index) => value + 20 + (index % 7 === 0 ? 700 : 0));
    // 20 over 4 child steps is 5 a step: 5 % of a 100 step.
    expect(extraPerChildStep(base, other, 4)).toBeCloseTo(5, 0);
    // The same shift against a step that costs twice as much (a run of 1,200: its collections).
    expect(extraPerChildStep(base, other, 4, 1200)).toBeCloseTo(2.5, 0);
  });

  it('names samples that are not paired', () => {
    expect(() => extraPerChildStep([1, 2], [1], 4)).toThrow(/same length; got 2 and 1/);
    expect(() => median([])).toThrow(/one sample or more/);
  });
});

describe('betweenRuns', () => {
  it('lets a task queued before it run first (one turn of the event loop)', async () => {
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    await betweenRuns();
    expect(ran).toBe(true);
  });
});
