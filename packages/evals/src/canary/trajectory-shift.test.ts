import { describe, expect, it } from 'vitest';
import { DEFAULT_CANARY_ALPHA, DEFAULT_CANARY_K } from './run-canary.ts';
import { fewerMetPValue, seededRandom, trajectoryShift } from './trajectory-shift.ts';

/** K runs of a model that takes trajectory `b` with chance `share`, else `a`. */
function runs(random: () => number, share: number, k = DEFAULT_CANARY_K): string[] {
  return Array.from({ length: k }, () => (random() < share ? 'b' : 'a'));
}

describe('trajectoryShift', () => {
  it('measures each model’s flakiness and the cross difference', () => {
    const shift = trajectoryShift(['a', 'a', 'b', 'b'], ['a', 'a', 'a', 'a'], { seed: 's' });
    expect(shift.fromFlakiness).toBeCloseTo(4 / 6);
    expect(shift.toFlakiness).toBe(0);
    expect(shift.crossDifference).toBeCloseTo(0.5);
    expect(shift.distance).toBeCloseTo(0.5);
    expect(trajectoryShift(['a', 'b'], ['b', 'a'], { seed: 's' }).pValue).toBe(1);
  });

  it('is the same for the same seed', () => {
    const from = ['a', 'b', 'a', 'a', 'c'];
    const to = ['b', 'b', 'c', 'a', 'b'];
    expect(trajectoryShift(from, to, { seed: 'x' })).toEqual(
      trajectoryShift(from, to, { seed: 'x' }),
    );
  });

  it('flags under 5% of 600 unchanged cases at the default K and level, at every noise level', () => {
    const random = seededRandom('false alarms');
    let alarms = 0;
    const trials = 600;
    for (let trial = 0; trial < trials; trial++) {
      const share = (trial % 6) / 10; // 0 to 50% of runs take the other trajectory
      const shift = trajectoryShift(runs(random, share), runs(random, share), {
        seed: String(trial),
        permutations: 500,
      });
      if (shift.pValue < DEFAULT_CANARY_ALPHA) alarms++;
    }
    expect(alarms / trials).toBeLessThan(0.05);
  });

  // The power the guide quotes (docs/canary-and-bisect.md): a new trajectory in 80% of the new
  // model's runs is flagged most of the time at K = 10; half its runs needs K = 20.
  for (const [k, share, least] of [
    [DEFAULT_CANARY_K, 0.8, 0.8],
    [20, 0.5, 0.85],
  ] as const) {
    it(`flags a trajectory the new model takes in ${share * 100}% of runs, where the old one never does, at K = ${k}`, () => {
      const random = seededRandom('power');
      let flagged = 0;
      for (let trial = 0; trial < 200; trial++) {
        const shift = trajectoryShift(runs(random, 0, k), runs(random, share, k), {
          seed: String(trial),
          permutations: 500,
        });
        if (shift.pValue < DEFAULT_CANARY_ALPHA) flagged++;
      }
      expect(flagged / 200).toBeGreaterThan(least);
    });
  }
});

describe('fewerMetPValue', () => {
  it('is the one-sided Fisher exact test', () => {
    // 10/10 against 5/10: C(15,10) / C(20,10).
    expect(fewerMetPValue(10, 10, 5, 10)).toBeCloseTo(3003 / 184756, 10);
    expect(fewerMetPValue(10, 10, 0, 10)).toBeCloseTo(1 / 184756, 12);
    expect(fewerMetPValue(5, 10, 10, 10)).toBe(1);
  });
});
