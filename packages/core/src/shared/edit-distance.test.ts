import { describe, expect, it } from 'vitest';
import { countCalls } from '../__fixtures__/count-work.ts';
import { editDistance } from './edit-distance.ts';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('get_weather', 'get_wether')).toBe(1);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
  });

  it('is symmetric', () => {
    for (const [a, b] of [
      ['search_web', 'web_search'],
      ['a', 'bcd'],
      ['ünïcödé', 'unicode'],
    ] as const) {
      expect(editDistance(a, b)).toBe(editDistance(b, a));
    }
  });

  it('stops early with limit + 1 once every path is longer than the limit', () => {
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
    expect(editDistance('abcdefgh', 'hgfedcba', 2)).toBe(3);
    expect(editDistance('get_weather', 'get_wether', 2)).toBe(1);
    expect(editDistance('abc', 'abd', 1)).toBe(1);
  });

  it('counts UTF-16 units: an emoji is two', () => {
    expect(editDistance('a😀', 'a')).toBe(2);
  });

  it('stops after limit + 1 rows on long unlike strings with a small limit', () => {
    // Counted, not timed: each cell reads one character of each string, so the cells visited are
    // half the charCodeAt calls. The early stop visits limit + 1 rows; without it, every cell
    // (25 million here, 400 million for the 20,000-character pair this once timed).
    const length = 5_000;
    const a = 'x'.repeat(length);
    const b = 'y'.repeat(length);
    let distance = 0;
    const calls = countCalls(String.prototype, 'charCodeAt', () => {
      distance = editDistance(a, b, 3);
    });
    expect(calls / 2).toBeLessThanOrEqual((3 + 1) * length);
    expect(distance).toBe(4);
  });
});
