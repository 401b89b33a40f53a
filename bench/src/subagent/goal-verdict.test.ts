import { describe, expect, it } from 'vitest';
import { verdictOf } from './goal-verdict.ts';

describe('verdictOf', () => {
  it('passes a figure under the goal by more than its A/A band', () => {
    expect(verdictOf(2.1, 1.3)).toBe('pass (2.1 ± 1.3 % against 5 %)');
    expect(verdictOf(-0.8, -3.5)).toBe('pass (-0.8 ± 3.5 % against 5 %)');
  });

  it('misses a figure over the goal by more than its A/A band', () => {
    expect(verdictOf(9.5, 1.1)).toBe('miss (9.5 ± 1.1 % against 5 %)');
  });

  it('gives no verdict when the A/A band is as wide as the goal, however the figure reads', () => {
    // The 30 × 40 defaults at load 1.2: run 16.5 % with an A/A of +13.4 % in one process.
    expect(verdictOf(16.5, 13.4)).toMatch(/^no verdict \(16\.5 ± 13\.4 % against 5 %\)/);
    expect(verdictOf(0.5, -9.0)).toMatch(/^no verdict/);
    expect(verdictOf(1, 5)).toMatch(/^no verdict/);
  });

  it('is undecided when the goal lies inside the band', () => {
    expect(verdictOf(4.9, 2.4)).toMatch(/^undecided \(4\.9 ± 2\.4 % against 5 %\)/);
    expect(verdictOf(6, 2)).toMatch(/^undecided/);
  });
});
