import { describe, expect, it } from 'vitest';
import { createSeededRandom, hashString, randomBase36, randomBase64Url } from './seeded-random.ts';

// The fake's ids, signatures and probabilistic faults come from this generator: the same seed
// must replay the same run, and the values must look like the API's.

describe('createSeededRandom', () => {
  it('replays the same sequence for the same seed, and another for another seed', () => {
    const first = createSeededRandom(42);
    const again = createSeededRandom(42);
    const other = createSeededRandom(43);
    const take = (random: ReturnType<typeof createSeededRandom>) =>
      Array.from({ length: 20 }, () => random.nextUint32());
    const sequence = take(first);
    expect(take(again)).toEqual(sequence);
    expect(take(other)).not.toEqual(sequence);
  });

  it('gives floats in [0, 1) and unsigned 32-bit integers', () => {
    const random = createSeededRandom(7);
    const floats = Array.from({ length: 10_000 }, () => random.next());
    const integers = Array.from({ length: 10_000 }, () => random.nextUint32());
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    expect(integers.every((integer) => Number.isInteger(integer))).toBe(true);
    expect(Math.min(...integers)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...integers)).toBeLessThan(2 ** 32);
  });

  it('spreads its floats: each tenth of [0, 1) gets about a tenth of 10,000 draws', () => {
    const random = createSeededRandom(1);
    const buckets = new Array<number>(10).fill(0);
    for (let index = 0; index < 10_000; index++) {
      const bucket = Math.floor(random.next() * 10);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    for (const count of buckets) {
      expect(count).toBeGreaterThan(800);
      expect(count).toBeLessThan(1_200);
    }
  });

  it('takes any number as a seed: negative, fractional, huge, NaN', () => {
    for (const seed of [-1, 0.5, 2 ** 40, Number.NaN, Number.POSITIVE_INFINITY]) {
      const value = createSeededRandom(seed).next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('hashString', () => {
  it('is stable, unsigned, and tells texts apart', () => {
    expect(hashString('gemini')).toBe(hashString('gemini'));
    expect(hashString('gemini')).not.toBe(hashString('Gemini'));
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('😀'.repeat(10_000))).toBeGreaterThanOrEqual(0);
    expect(hashString('b', hashString('a'))).toBe(hashString('ab'));
  });
});

describe('random ids', () => {
  it('makes function-call ids as Gemini 3 does: 8 lower-case base36 characters', () => {
    const random = createSeededRandom(3);
    const ids = Array.from({ length: 1_000 }, () => randomBase36(random, 8));
    expect(ids.filter((id) => !/^[0-9a-z]{8}$/.test(id))).toEqual([]);
  });

  it('makes responseIds of base64url characters', () => {
    const random = createSeededRandom(3);
    expect(randomBase64Url(random, 23)).toMatch(/^[A-Za-z0-9_-]{23}$/);
    expect(randomBase64Url(random, 0)).toBe('');
  });
});
