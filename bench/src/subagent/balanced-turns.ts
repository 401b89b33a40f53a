/**
 * How the subagent benches take turns between their parents and read the difference (helper
 * subagent50, bench/RESULTS.md): each side runs right after every other side equally often, a run's
 * garbage is collected between runs rather than inside the next one, and the figure is the median of
 * the differences between runs made side by side.
 */

/**
 * The orders in which `count` sides take their turns, one order a group of runs: a Williams design,
 * in which each side goes in each place equally often and comes right after each other side equally
 * often within the orders; with two sides (ABBA) and three (all six orders) across the seams between
 * orders too, when they are repeated in this sequence.
 * A fixed rotation let one side always follow the same other side: the A/A control ran after the
 * subagent's run two times in three and paid what that run left behind (4.5 to 6.3 % at load 12–22).
 */
export function balancedOrders(count: number): number[][] {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`balancedOrders needs a whole number of sides, 1 or more; got ${count}.`);
  // The first order goes 0, 1, n-1, 2, n-2, …; the others add 1, 2, … to it (mod n).
  const first: number[] = [0];
  for (let low = 1, high = count - 1; first.length < count; low++, high--) {
    first.push(low);
    if (first.length < count) first.push(high);
  }
  const orders = Array.from({ length: count }, (_, shift) =>
    first.map((side) => (side + shift) % count),
  );
  if (count % 2 === 0) return orders;
  // With an odd number of sides the reversed orders are needed too for each pair to be balanced;
  // taken first, then last to second, the seams between orders balance for three sides as well.
  const reversed = orders.map((order) => [...order].reverse());
  return [...orders, reversed[0] as number[], ...reversed.slice(1).reverse()];
}

/** The middle value (the upper one of an even count); throws on an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values: give it one sample or more.');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * `other`'s extra CPU a child step over `base`, in % of one of `base`'s steps: the median of the
 * paired differences (`other[i] − base[i]`, two runs of the same group, milliseconds apart), divided
 * by the child's steps, over a `base` run's cost divided by all its steps (the child's and the
 * parent's two): `runCost`, by default the median `base` run. A difference of two runs of the same kind is symmetric about the true shift
 * whatever the skew of one run's time (preemptions, a cache refilled), so its median estimates the
 * extra cost without the tail that a mean of a round's runs carries.
 */
export function extraPerChildStep(
  base: readonly number[],
  other: readonly number[],
  childSteps: number,
  runCost: number = median(base),
): number {
  if (base.length !== other.length || base.length === 0)
    throw new Error(
      `extraPerChildStep needs paired samples of the same length; got ${base.length} and ${other.length}.`,
    );
  const differences = other.map((value, index) => value - (base[index] as number));
  const childStepCost = runCost / (childSteps + 2);
  return (median(differences) / childSteps / childStepCost) * 100;
}

/**
 * The pause between two timed runs: one turn of the event loop. A loop against the in-process fake
 * never turns it, so V8's scavenges (posted as a task once the young space is nearly full) fell
 * inside whichever run filled it, 7–10 ms each at load 6–22, one run in 30: that lottery, not the
 * code, made most of the process-to-process spread of the old figure. Collections now fall here,
 * untimed, for both sides alike.
 */
export function betweenRuns(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
