import { countOptionReads } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { exactMatch } from './text-scorers.ts';
import { grounded, toolTrajectory } from './tool-scorers.ts';

// attack20: the built-in scorers checked their options and then read them again, so a getter (or
// a Proxy) could give the check `threshold: 0.5` and the scorer NaN (no run ever grounded), or
// `match: 'subset'` and then a string no branch knows. Each option is now read once.

describe('the built-in scorers read each option once', () => {
  for (const [name, values, make] of [
    ['toolTrajectory', { match: 'subset', args: 'exact' }, toolTrajectory],
    ['grounded', { threshold: 0.5, minLength: 3 }, grounded],
    ['exactMatch', { ignoreCase: true }, exactMatch],
  ] as const) {
    it(`${name} reads each of its options once`, () => {
      const { options, reads } = countOptionReads(values);
      make(options as never);
      expect(Object.entries(reads).filter(([, count]) => count > 1)).toEqual([]);
    });
  }
});
