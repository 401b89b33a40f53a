/** How the trajectories of one case's runs on two models compare, noise included. */
export type TrajectoryShift = {
  /**
   * How often two runs of the old model took different trajectories (0: it always takes the
   * same one): the model's own noise, against which the new model is judged.
   */
  fromFlakiness: number;
  /** The same for the new model. */
  toFlakiness: number;
  /** How often a run of the old model and a run of the new one took different trajectories. */
  crossDifference: number;
  /**
   * The share of runs whose trajectory would have to change to turn the old model's mix of
   * trajectories into the new one's (total variation distance, 0 to 1).
   */
  distance: number;
  /**
   * The chance that two models with the same mix of trajectories show a distance this large in
   * runs this many (a permutation test of the runs' labels): small means the difference is the
   * upgrade's, not the noise.
   */
  pValue: number;
};

/** Label shuffles of the permutation test: p-values are resolved to about 1/2000. */
export const CANARY_PERMUTATIONS = 2000;

/**
 * Compares two models' runs of one case by their trajectory keys (`trajectoryKey`): each model's
 * flakiness, the cross difference, and a permutation test of whether the mixes differ beyond the
 * noise. The test shuffles which model each run came from (`permutations` times, with a PRNG seeded
 * by `seed`, so a report is reproducible): under "the upgrade changes nothing" every shuffle is as
 * likely as the real split, so `pValue < alpha` flags at most an `alpha` share of unchanged cases,
 * whatever the model's own noise (the false-alarm rate the canary promises).
 */
export function trajectoryShift(
  from: readonly string[],
  to: readonly string[],
  options: { seed: string; permutations?: number | undefined },
): TrajectoryShift {
  const ids = new Map<string, number>();
  const idOf = (key: string): number => {
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    return id;
  };
  const pooled = [...from, ...to].map(idOf);
  const categories = ids.size;
  const countsOf = (labels: readonly number[], start: number, end: number): number[] => {
    const counts = new Array<number>(categories).fill(0);
    for (let i = start; i < end; i++) {
      const label = labels[i] as number;
      counts[label] = (counts[label] as number) + 1;
    }
    return counts;
  };
  const a = countsOf(pooled, 0, from.length);
  const b = countsOf(pooled, from.length, pooled.length);
  const observed = totalVariation(a, from.length, b, to.length);
  let pValue = 1;
  if (observed > 0) {
    const permutations = options.permutations ?? CANARY_PERMUTATIONS;
    const random = seededRandom(options.seed);
    const labels = [...pooled];
    let atLeast = 0;
    for (let round = 0; round < permutations; round++) {
      for (let i = labels.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [labels[i], labels[j]] = [labels[j] as number, labels[i] as number];
      }
      const distance = totalVariation(
        countsOf(labels, 0, from.length),
        from.length,
        countsOf(labels, from.length, labels.length),
        to.length,
      );
      // A small tolerance: equal distances computed in another order must count as equal.
      if (distance >= observed - 1e-12) atLeast++;
    }
    // The observed split is one of the equally likely ones: (1 + k) / (1 + N) keeps the test
    // exact at its level rather than reporting a p of 0.
    pValue = (1 + atLeast) / (1 + permutations);
  }
  return {
    fromFlakiness: selfDifference(a, from.length),
    toFlakiness: selfDifference(b, to.length),
    crossDifference: crossDifference(a, from.length, b, to.length),
    distance: observed,
    pValue,
  };
}

/**
 * One-sided Fisher exact test: the chance, if both models met a requirement equally often, that
 * the new model met it in `toMet` of `toRuns` runs or fewer, given `fromMet` of `fromRuns` for the
 * old one. Small means the new model misses it more often than the old one's noise explains.
 */
export function fewerMetPValue(
  fromMet: number,
  fromRuns: number,
  toMet: number,
  toRuns: number,
): number {
  const total = fromRuns + toRuns;
  const met = fromMet + toMet;
  let p = 0;
  for (let k = Math.max(0, met - fromRuns); k <= toMet; k++) {
    p += Math.exp(
      logChoose(met, k) + logChoose(total - met, toRuns - k) - logChoose(total, toRuns),
    );
  }
  return Math.min(1, p);
}

function totalVariation(a: readonly number[], na: number, b: readonly number[], nb: number) {
  if (na === 0 || nb === 0) return 0;
  let sum = 0;
  for (let c = 0; c < a.length; c++) sum += Math.abs((a[c] as number) / na - (b[c] as number) / nb);
  return sum / 2;
}

function selfDifference(counts: readonly number[], n: number): number {
  if (n < 2) return 0;
  let same = 0;
  for (const count of counts) same += count * (count - 1);
  return 1 - same / (n * (n - 1));
}

function crossDifference(a: readonly number[], na: number, b: readonly number[], nb: number) {
  if (na === 0 || nb === 0) return 0;
  let same = 0;
  for (let c = 0; c < a.length; c++) same += (a[c] as number) * (b[c] as number);
  return 1 - same / (na * nb);
}

function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
}

/**
 * A PRNG seeded by a string (FNV-1a into mulberry32): the same report for the same runs. Not for
 * secrets. @internal
 */
export function seededRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    state ^= seed.charCodeAt(i);
    state = Math.imul(state, 0x01000193) >>> 0;
  }
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
