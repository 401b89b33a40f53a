/** Median and interquartile range of a set of samples. */
export type Spread = { median: number; p25: number; p75: number; count: number };

/** The `q` quantile (0..1) of `sorted`, interpolated linearly between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** Median, p25 and p75 of `values`. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((left, right) => left - right);
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    count: sorted.length,
  };
}

/** Least-squares slope of `y` over `x`. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const count = points.length;
  if (count < 2) return Number.NaN;
  let sumX = 0;
  let sumY = 0;
  for (const point of points) {
    sumX += point.x;
    sumY += point.y;
  }
  const meanX = sumX / count;
  const meanY = sumY / count;
  let numerator = 0;
  let denominator = 0;
  for (const point of points) {
    numerator += (point.x - meanX) * (point.y - meanY);
    denominator += (point.x - meanX) ** 2;
  }
  return numerator / denominator;
}

/**
 * The median of the per-round ratios `values[i] / reference[i]`. Samples of one round are taken
 * back to back, so a change of machine load between rounds cancels out of each ratio; the ratio
 * of two medians would keep it.
 */
export function pairedRatio(values: readonly number[], reference: readonly number[]): number {
  const count = Math.min(values.length, reference.length);
  const ratios: number[] = [];
  for (let index = 0; index < count; index++) ratios.push(values[index]! / reference[index]!);
  return spread(ratios).median;
}
