import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './nests-deeper-than.ts';

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not scalars, and walks 100,000 levels without overflowing', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan({ a: [1] }, 2)).toBe(false);
    expect(nestsDeeperThan({ a: [[]] }, 2)).toBe(true);
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(nestsDeeperThan(deep, 64)).toBe(true);
    expect(nestsDeeperThan({ wide: Array.from({ length: 10_000 }, () => ({ x: 1 })) }, 64)).toBe(
      false,
    );
  });
});
