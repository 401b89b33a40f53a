import { type Spread, spread } from '../report/stats.ts';

/**
 * One ABBA block of a process pair: client CPU µs a step of each leg, A's two legs (first and
 * last) and B's two (the middle). A linear drift of the machine over the block lands on both
 * builds alike, which a plain A-then-B sample does not give.
 */
export type AbbaBlock = { a: readonly [number, number]; b: readonly [number, number] };

/** B − A of one block: the mean of B's legs less the mean of A's. */
export function blockDifference(block: AbbaBlock): number {
  return (block.b[0] + block.b[1]) / 2 - (block.a[0] + block.a[1]) / 2;
}

/** What the blocks of several process pairs of one comparison say. */
export type ComparisonSummary = {
  pairs: number;
  /** The fewest blocks any pair measured. */
  blocksPerPair: number;
  /** A's CPU µs a step, over every block (the mean of its two legs) of every pair. */
  cpuA: Spread;
  cpuB: Spread;
  /** Per pair, the median of its block differences B − A, in pair order. */
  pairMedians: number[];
  /**
   * Per pair, in pair order, the median CPU µs a step of each side's process (a block counting the
   * mean of its two legs). The A/A control runs the current build on both sides, so its band
   * cannot show how far the base build's processes spread from one to the next; these say whether
   * a pair's large B − A came from a slow B process or a fast A one (helper fetch48).
   */
  pairCpu: { a: number[]; b: number[] };
  /** The comparison's figure: the median of the pairs' medians, µs a step. */
  difference: number;
  /** Every block's difference, all pairs pooled: the spread a single block shows. */
  blockDifferences: Spread;
};

/**
 * Summarises the ABBA blocks of each process pair (`pairs[pair][block]`). Each pair's median is
 * taken first: two processes carry their own JIT and heap layout, so blocks of one pair are not
 * independent of each other, while pairs are; the figure is the median over pairs.
 */
export function summarizeComparison(pairs: readonly (readonly AbbaBlock[])[]): ComparisonSummary {
  if (pairs.length === 0 || pairs.some((blocks) => blocks.length === 0)) {
    throw new Error('every process pair needs at least one ABBA block');
  }
  const pairMedians = pairs.map((blocks) => spread(blocks.map(blockDifference)).median);
  const all = pairs.flat();
  const sideMedian = (blocks: readonly AbbaBlock[], side: 'a' | 'b'): number =>
    spread(blocks.map((block) => (block[side][0] + block[side][1]) / 2)).median;
  return {
    pairs: pairs.length,
    blocksPerPair: Math.min(...pairs.map((blocks) => blocks.length)),
    cpuA: spread(all.map((block) => (block.a[0] + block.a[1]) / 2)),
    cpuB: spread(all.map((block) => (block.b[0] + block.b[1]) / 2)),
    pairMedians,
    pairCpu: {
      a: pairs.map((blocks) => sideMedian(blocks, 'a')),
      b: pairs.map((blocks) => sideMedian(blocks, 'b')),
    },
    difference: spread(pairMedians).median,
    blockDifferences: spread(all.map(blockDifference)),
  };
}

/**
 * The A/A band's half-width: the largest distance from zero of an A/A pair's median. The same
 * build in two fresh processes differs by this much with nothing to find, so a B − A inside it
 * cannot be told from noise.
 */
export function aaBandOf(control: ComparisonSummary): number {
  return Math.max(...control.pairMedians.map(Math.abs));
}

/** The least the issue asks for before a figure counts: 3 process pairs of 20 ABBA blocks. */
export const MINIMUM_DESIGN = { pairs: 3, blocksPerPair: 20 } as const;

/** Issue 53's limit on the default agent's client CPU a step over the base commit. */
export const LIMIT_US = 5;

/** The verdict of one mode × transport. */
export type AbbaVerdict = {
  /**
   * `within-limit`: B − A ≤ +5 µs. `within-aa-band`: over 5 but inside an A/A band wider than 5.
   * `over`: neither. `too-few`: fewer pairs or blocks than {@link MINIMUM_DESIGN}, no verdict.
   */
  result: 'within-limit' | 'within-aa-band' | 'over' | 'too-few';
  /** The bound B − A was held to: the limit, or the A/A band where that is wider. */
  allowedUs: number;
  /** Set when the A/A control's own median is off zero by more than the limit: the harness leans. */
  aaBiased: boolean;
};

/**
 * Issue 53's rule: B − A within +5 µs a step; where the A/A band is wider than 5 µs, within that
 * band. Only a faster B may exceed the band downwards, so the check is one-sided.
 */
export function judgeAbba({
  comparison,
  control,
  limitUs = LIMIT_US,
}: {
  comparison: ComparisonSummary;
  control: ComparisonSummary;
  limitUs?: number | undefined;
}): AbbaVerdict {
  const band = aaBandOf(control);
  const allowedUs = Math.max(limitUs, band);
  const aaBiased = Math.abs(control.difference) > limitUs;
  const enough = (summary: ComparisonSummary): boolean =>
    summary.pairs >= MINIMUM_DESIGN.pairs && summary.blocksPerPair >= MINIMUM_DESIGN.blocksPerPair;
  if (!enough(comparison) || !enough(control)) return { result: 'too-few', allowedUs, aaBiased };
  const result =
    comparison.difference <= limitUs
      ? 'within-limit'
      : comparison.difference <= band
        ? 'within-aa-band'
        : 'over';
  return { result, allowedUs, aaBiased };
}
