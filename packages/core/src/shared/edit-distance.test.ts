import { describe, expect, it } from 'vitest';
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

  it('answers quickly for long unlike strings with a small limit', () => {
    const a = 'x'.repeat(20_000);
    const b = 'y'.repeat(20_000);
    const started = performance.now();
    expect(editDistance(a, b, 3)).toBe(4);
    // Hang guard: the early stop leaves after the first rows, not 400 million cells.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
