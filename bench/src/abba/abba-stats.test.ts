import { describe, expect, it } from 'vitest';
import {
  type AbbaBlock,
  aaBandOf,
  blockDifference,
  judgeAbba,
  summarizeComparison,
} from './abba-stats.ts';

/** A block whose B legs are `difference` µs above its A legs of `base` µs. */
const block = (difference: number, base = 200): AbbaBlock => ({
  a: [base, base],
  b: [base + difference, base + difference],
});
/** Pairs of 20 blocks each with the given block differences repeated. */
const pairsOf = (...differences: number[][]): AbbaBlock[][] =>
  differences.map((pair) =>
    Array.from({ length: 20 }, (_, index) => block(pair[index % pair.length]!)),
  );

describe('blockDifference', () => {
  it("is the mean of B's two legs less the mean of A's", () => {
    expect(blockDifference({ a: [100, 110], b: [120, 118] })).toBe(14);
    expect(blockDifference({ a: [130, 110], b: [100, 100] })).toBe(-20);
  });
});

describe('summarizeComparison', () => {
  it("takes each pair's median block difference, then the median over pairs", () => {
    // Pair 1's blocks: 1, 2, 30 (median 2); pair 2: 10; pair 3: -4, 6 (median 1).
    const summary = summarizeComparison([
      [block(1), block(2), block(30)],
      [block(10), block(10)],
      [block(-4), block(6)],
    ]);
    expect(summary.pairMedians).toEqual([2, 10, 1]);
    expect(summary.difference).toBe(2);
    expect(summary.pairs).toBe(3);
    expect(summary.blocksPerPair).toBe(2);
    // Pooled: -4, 1, 2, 6, 10, 10, 30.
    expect(summary.blockDifferences.median).toBe(6);
    expect(summary.blockDifferences.count).toBe(7);
  });

  it('keeps the CPU a step of each side, a block counting the mean of its two legs', () => {
    const summary = summarizeComparison([
      [
        { a: [100, 120], b: [130, 130] },
        { a: [200, 200], b: [210, 230] },
        { a: [300, 300], b: [300, 300] },
      ],
    ]);
    expect(summary.cpuA.median).toBe(200);
    expect(summary.cpuB.median).toBe(220);
  });

  it("keeps each pair's median CPU a step of each side, in pair order", () => {
    const summary = summarizeComparison([
      [
        { a: [100, 120], b: [130, 130] },
        { a: [200, 200], b: [210, 230] },
        { a: [300, 300], b: [300, 300] },
      ],
      [{ a: [400, 410], b: [390, 400] }],
    ]);
    // Pair 1: A's block means 110, 200, 300; B's 130, 220, 300. Pair 2: one block.
    expect(summary.pairCpu).toEqual({ a: [200, 405], b: [220, 395] });
  });

  it('refuses a comparison with no pair or a pair with no block', () => {
    expect(() => summarizeComparison([])).toThrow(/at least one ABBA block/);
    expect(() => summarizeComparison([[block(1)], []])).toThrow(/at least one ABBA block/);
  });
});

describe('aaBandOf', () => {
  it("is the largest distance from zero of an A/A pair's median", () => {
    expect(aaBandOf(summarizeComparison(pairsOf([1], [-7], [3])))).toBe(7);
  });
});

describe('judgeAbba', () => {
  const control = (...medians: number[]) =>
    summarizeComparison(pairsOf(...medians.map((m) => [m])));
  const comparison = (difference: number) =>
    summarizeComparison(pairsOf([difference], [difference - 1], [difference + 1]));

  it('passes B − A up to +5 µs when the A/A band is narrower', () => {
    expect(judgeAbba({ comparison: comparison(5), control: control(1, -2, 0) })).toEqual({
      result: 'within-limit',
      allowedUs: 5,
      aaBiased: false,
    });
    expect(judgeAbba({ comparison: comparison(-30), control: control(1, 0, -1) }).result).toBe(
      'within-limit',
    );
  });

  it('fails B − A over +5 µs when the A/A band is narrower than 5', () => {
    expect(judgeAbba({ comparison: comparison(5.5), control: control(1, -4.9, 2) })).toEqual({
      result: 'over',
      allowedUs: 5,
      aaBiased: false,
    });
  });

  it('holds B − A to the A/A band where that is wider than 5 µs', () => {
    const wide = control(3, -9, 2);
    expect(judgeAbba({ comparison: comparison(8), control: wide })).toEqual({
      result: 'within-aa-band',
      allowedUs: 9,
      aaBiased: false,
    });
    expect(judgeAbba({ comparison: comparison(9.5), control: wide }).result).toBe('over');
  });

  it('gives no verdict below 3 pairs of 20 blocks, on either side', () => {
    const twoPairs = summarizeComparison(pairsOf([0], [0]));
    expect(judgeAbba({ comparison: twoPairs, control: control(0, 0, 0) }).result).toBe('too-few');
    expect(judgeAbba({ comparison: comparison(0), control: twoPairs }).result).toBe('too-few');
    const shortPairs = summarizeComparison([[block(0)], [block(0)], [block(0)]]);
    expect(judgeAbba({ comparison: shortPairs, control: control(0, 0, 0) }).result).toBe('too-few');
  });

  it('flags an A/A control whose own median is off zero by more than the limit', () => {
    const leaning = control(6, 7, 8);
    expect(judgeAbba({ comparison: comparison(0), control: leaning }).aaBiased).toBe(true);
    expect(judgeAbba({ comparison: comparison(0), control: control(-6, 1, 2) }).aaBiased).toBe(
      false,
    );
  });
});
