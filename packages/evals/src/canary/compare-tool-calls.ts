import { firstDifference } from '../scorers/deep-equal.ts';

/** One tool call of a run's trajectory: the tool's name and the arguments it was called with. */
export type TrajectoryCall = { name: string; args?: unknown };

/** How two runs' tool-call sequences differ (see {@link compareToolCalls}). */
export type ToolCallComparison = {
  /** The same calls in the same order (arguments included, unless ignored). */
  same: boolean;
  /** Names called in the second run more often than in the first, once per extra call. */
  added: string[];
  /** Names called in the first run more often than in the second, once per missing call. */
  dropped: string[];
  /** The same names as often in both, in another order. */
  reordered: boolean;
  /** Calls at the same place, of the same tool, whose arguments differ: where (a JSON path). */
  argumentsChanged: { index: number; name: string; path: string }[];
  /** The difference in one line: `same`, or what was added, dropped, reordered, changed. */
  summary: string;
};

/** Whether arguments count in a trajectory: `exact` (deep-equal) or `ignore` (names only). */
export type TrajectoryArguments = 'exact' | 'ignore';

/**
 * Compares two runs' tool-call sequences: calls added and dropped (by name, counting repeats),
 * the same calls reordered, and arguments that drifted at the same place (with the JSON path of
 * the first difference). With `arguments: 'ignore'` only the names count.
 *
 * A small comparison for the model-upgrade canary and bisect; the run-level trajectory diff of
 * `gemloop replay` (issue 57, item 2) can take its place when both exist.
 */
export function compareToolCalls(
  a: readonly TrajectoryCall[],
  b: readonly TrajectoryCall[],
  options: { arguments?: TrajectoryArguments | undefined } = {},
): ToolCallComparison {
  const counts = new Map<string, number>();
  for (const call of a) counts.set(call.name, (counts.get(call.name) ?? 0) + 1);
  for (const call of b) counts.set(call.name, (counts.get(call.name) ?? 0) - 1);
  const added: string[] = [];
  const dropped: string[] = [];
  for (const [name, count] of counts) {
    for (let i = 0; i < -count; i++) added.push(name);
    for (let i = 0; i < count; i++) dropped.push(name);
  }
  const sameNames = a.length === b.length && a.every((call, i) => call.name === b[i]?.name);
  const reordered = added.length === 0 && dropped.length === 0 && !sameNames;
  const argumentsChanged: ToolCallComparison['argumentsChanged'] = [];
  if (options.arguments !== 'ignore') {
    for (let index = 0; index < Math.min(a.length, b.length); index++) {
      const left = a[index] as TrajectoryCall;
      const right = b[index] as TrajectoryCall;
      if (left.name !== right.name) continue;
      const path = firstDifference(left.args ?? {}, right.args ?? {});
      if (path !== undefined) argumentsChanged.push({ index, name: left.name, path });
    }
  }
  const same = sameNames && argumentsChanged.length === 0;
  const said: string[] = [];
  if (added.length > 0) said.push(`added ${added.join(', ')}`);
  if (dropped.length > 0) said.push(`dropped ${dropped.join(', ')}`);
  if (reordered) said.push(`reordered (${names(a)} → ${names(b)})`);
  for (const change of argumentsChanged)
    said.push(`call ${change.index + 1} ${change.name}: arguments differ at ${change.path}`);
  return {
    same,
    added,
    dropped,
    reordered,
    argumentsChanged,
    summary: same ? 'same' : said.join('; '),
  };
}

/**
 * A run's trajectory as one string, equal for two runs exactly when {@link compareToolCalls}
 * calls them the same: what the canary counts runs by. Object keys are sorted (the model may
 * write arguments in any order).
 */
export function trajectoryKey(
  calls: readonly TrajectoryCall[],
  options: { arguments?: TrajectoryArguments | undefined } = {},
): string {
  return JSON.stringify(
    calls.map((call) =>
      options.arguments === 'ignore' ? [call.name] : [call.name, sorted(call.args ?? {}, 0)],
    ),
  );
}

/** The names of a trajectory, for a line of text. */
export function names(calls: readonly TrajectoryCall[]): string {
  return calls.map((call) => call.name).join(', ') || 'no tool call';
}

function sorted(value: unknown, depth: number): unknown {
  // Past the bound the value is kept as it is: two such values then differ only if their JSON
  // does (firstDifference stops at a bound of its own).
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => sorted(item, depth + 1));
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sorted(record[key], depth + 1)]),
  );
}
