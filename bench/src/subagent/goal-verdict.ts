/** Issue 30's line: a subagent call adds at most 5 % of a step to each child step. */
export const GOAL_PERCENT = 5;

/**
 * The verdict on an extra of `extra` % a child step, with the A/A control's `control` % as the
 * noise band (±|control|): pass when the extra is under the goal by more than the band, miss when
 * over it by more, none when the band is as wide as the goal itself (too few rounds to judge), and
 * undecided in between.
 */
export function verdictOf(extra: number, control: number, goal = GOAL_PERCENT): string {
  const band = Math.abs(control);
  const figure = `${extra.toFixed(1)} ± ${band.toFixed(1)} % against ${goal} %`;
  if (band >= goal)
    return `no verdict (${figure}): the A/A band is as wide as the goal; run more rounds (--rounds, --runs)`;
  if (extra + band <= goal) return `pass (${figure})`;
  if (extra - band > goal) return `miss (${figure})`;
  return `undecided (${figure}): the goal is inside the A/A band`;
}
