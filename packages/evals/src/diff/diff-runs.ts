import { firstDifference } from '../scorers/deep-equal.ts';
import type { RunTrajectory, RunTrajectoryCall, TrajectoryTokens } from './run-trajectory.ts';

/** The version of {@link RunDiff}'s JSON. */
export const RUN_DIFF_FORMAT = 1;
/** The most differing argument paths listed for one call. */
export const MAX_DIFF_PATHS = 50;
/** The most tool calls of a run the diff aligns (a longer run is cut, `truncated` says so). */
export const MAX_DIFF_CALLS = 2000;
const MAX_DEPTH = 64;

/** A tool call as a diff lists it: its position in its run (0-based), step, tool, arguments. */
export type DiffCall = RunTrajectoryCall & { index: number };

/** An argument that differs between two calls of the same tool: its JSON path and both values. */
export type ArgumentDrift = { path: string; original: unknown; fork: unknown };

/** A call made by both runs, at `original.index` and `fork.index`. */
export type PairedCall = {
  name: string;
  original: DiffCall;
  fork: DiffCall;
  /** The arguments that differ (`[]`: the same), at most {@link MAX_DIFF_PATHS}. */
  drift: ArgumentDrift[];
};

/** A number in both runs and how it moved (`fork - original`). */
export type Delta<T> = { original: T; fork: T; delta: T };

/**
 * How two runs of the same task differ (the original and a fork, or any two): the trajectory
 * (tool calls added, dropped, moved, and arguments that drifted, by JSON path), the final
 * answers, and steps, tokens and dollars. Plain JSON, versioned by `format`.
 */
export type RunDiff = {
  format: typeof RUN_DIFF_FORMAT;
  /** Same tool calls in the same order with the same arguments, and the same answer. */
  same: boolean;
  toolCalls: {
    /** Calls only the fork made. */
    added: DiffCall[];
    /** Calls only the original made. */
    dropped: DiffCall[];
    /** Calls both made, in another order (their drift included). */
    reordered: PairedCall[];
    /** Calls both made in the same order whose arguments differ. */
    drifted: PairedCall[];
    /** How many calls both made in the same order with the same arguments. */
    unchanged: number;
    /** A run had more than {@link MAX_DIFF_CALLS} calls; the rest were not compared. */
    truncated?: true | undefined;
  };
  answer: { original: string | undefined; fork: string | undefined; same: boolean };
  steps: Delta<number>;
  tokens: Delta<TrajectoryTokens>;
  /** US dollars, exact decimal strings; `null` when either run's cost is unknown. */
  costUsd: Delta<string | null>;
};

/**
 * Compares two runs' trajectories: calls are aligned by tool name along the longest common
 * subsequence (the calls both made in order); the rest of the original's are dropped and the
 * rest of the fork's added, except a call of the same tool found on both sides, which moved
 * (reordered). Calls of one tool that drifted only because they were made in another order (the
 * same calls, argument for argument, as parallel calls swapped) are reordered too. Arguments of
 * paired calls are compared value by value.
 */
export function diffRuns(original: RunTrajectory, fork: RunTrajectory): RunDiff {
  const a = indexed(original.toolCalls);
  const b = indexed(fork.toolCalls);
  const truncated =
    original.toolCalls.length > MAX_DIFF_CALLS || fork.toolCalls.length > MAX_DIFF_CALLS;
  const pairs = alignByName(a, b);
  const pairedA = new Set(pairs.map(([i]) => i));
  const pairedB = new Set(pairs.map(([, j]) => j));
  const drifted: PairedCall[] = [];
  let unchanged = 0;
  for (const [i, j] of pairs) {
    const pair = paired(a[i] as DiffCall, b[j] as DiffCall);
    if (pair.drift.length === 0) unchanged++;
    else drifted.push(pair);
  }
  let dropped = a.filter((_, i) => !pairedA.has(i));
  let added = b.filter((_, j) => !pairedB.has(j));
  const reordered: PairedCall[] = [];
  for (const call of [...dropped]) {
    const match = added.find((candidate) => candidate.name === call.name);
    if (match === undefined) continue;
    reordered.push(paired(call, match));
    dropped = dropped.filter((item) => item !== call);
    added = added.filter((item) => item !== match);
  }
  const swapped = swappedCalls(drifted);
  if (swapped !== undefined) {
    drifted.splice(0, drifted.length, ...swapped.drifted);
    reordered.push(...swapped.moved);
    reordered.sort((x, y) => x.original.index - y.original.index);
  }
  const sameAnswer = original.text === fork.text;
  return {
    format: RUN_DIFF_FORMAT,
    same:
      !truncated &&
      added.length === 0 &&
      dropped.length === 0 &&
      reordered.length === 0 &&
      drifted.length === 0 &&
      sameAnswer,
    toolCalls: {
      added,
      dropped,
      reordered,
      drifted,
      unchanged,
      ...(truncated ? { truncated: true as const } : {}),
    },
    answer: { original: original.text, fork: fork.text, same: sameAnswer },
    steps: { original: original.steps, fork: fork.steps, delta: fork.steps - original.steps },
    tokens: {
      original: original.tokens,
      fork: fork.tokens,
      delta: {
        input: fork.tokens.input - original.tokens.input,
        output: fork.tokens.output - original.tokens.output,
        thinking: fork.tokens.thinking - original.tokens.thinking,
        total: fork.tokens.total - original.tokens.total,
      },
    },
    costUsd: {
      original: original.costUsd,
      fork: fork.costUsd,
      delta: subtractUsd(fork.costUsd, original.costUsd),
    },
  };
}

function indexed(calls: readonly RunTrajectoryCall[]): DiffCall[] {
  return calls.slice(0, MAX_DIFF_CALLS).map((call, index) => ({ ...call, index }));
}

function paired(original: DiffCall, fork: DiffCall): PairedCall {
  const drift: ArgumentDrift[] = [];
  collectDrift(original.args, fork.args, '$', drift, 0, new WeakMap());
  return { name: original.name, original, fork, drift };
}

/**
 * The drifted pairs of a tool whose calls are the same calls in another order: parallel calls of
 * one tool swapped (`[search(a), search(b)]` against `[search(b), search(a)]`). Aligned by name,
 * in order, they read as two argument drifts (attack63b). Only when every drifted call of that
 * tool has a call of equal arguments on the other side (the same multiset) are they re-paired by
 * argument, as moved; otherwise they stay drifted, as aligned. `undefined` when none moved.
 */
function swappedCalls(
  drifted: readonly PairedCall[],
): { drifted: PairedCall[]; moved: PairedCall[] } | undefined {
  const byName = new Map<string, PairedCall[]>();
  for (const pair of drifted) byName.set(pair.name, [...(byName.get(pair.name) ?? []), pair]);
  const kept: PairedCall[] = [];
  const moved: PairedCall[] = [];
  for (const group of byName.values()) {
    const repaired = group.length > 1 ? pairByArguments(group) : undefined;
    if (repaired === undefined) kept.push(...group);
    else moved.push(...repaired);
  }
  if (moved.length === 0) return undefined;
  return { drifted: drifted.filter((pair) => kept.includes(pair)), moved };
}

/** Each original call of `group` with an unused fork call of equal arguments, or `undefined`. */
function pairByArguments(group: readonly PairedCall[]): PairedCall[] | undefined {
  const forks = group.map((pair) => pair.fork);
  const pairs: PairedCall[] = [];
  for (const { original } of group) {
    const at = forks.findIndex((fork) => firstDifference(original.args, fork.args) === undefined);
    if (at === -1) return undefined;
    const [fork] = forks.splice(at, 1);
    pairs.push(paired(original, fork as DiffCall));
  }
  return pairs;
}

/** The pairs of indexes of the longest common subsequence of tool names. */
function alignByName(a: readonly DiffCall[], b: readonly DiffCall[]): [number, number][] {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] =
        a[i]?.name === b[j]?.name
          ? (table[(i + 1) * cols + j + 1] as number) + 1
          : Math.max(table[(i + 1) * cols + j] as number, table[i * cols + j + 1] as number);
    }
  }
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]?.name === b[j]?.name) {
      pairs.push([i++, j++]);
    } else if ((table[(i + 1) * cols + j] as number) >= (table[i * cols + j + 1] as number)) {
      i++;
    } else {
      j++;
    }
  }
  return pairs;
}

/**
 * Every path where two JSON values differ (bounded), as `$.items[0].qty`. `seen` holds the pairs
 * of objects already compared: arguments of a result built in code (not read from JSON) may hold
 * a cycle or one object at many paths, and walking each path again never ended (attack63b: two
 * objects `{ x: self, y: self }` are 2^64 paths to depth 64). A pair's drift is listed at the
 * first path it was met on.
 */
function collectDrift(
  a: unknown,
  b: unknown,
  path: string,
  out: ArgumentDrift[],
  depth: number,
  seen: WeakMap<object, WeakSet<object>>,
): void {
  if (out.length >= MAX_DIFF_PATHS || Object.is(a, b)) return;
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects =
    isRecord(a) && isRecord(b) && !Array.isArray(a) && !Array.isArray(b) && depth < MAX_DEPTH;
  if ((bothArrays && depth < MAX_DEPTH) || bothObjects) {
    const partners = seen.get(a as object) ?? new WeakSet<object>();
    if (partners.has(b as object)) return;
    seen.set(a as object, partners.add(b as object));
  }
  if (bothArrays && depth < MAX_DEPTH) {
    for (let index = 0; index < Math.max(a.length, b.length); index++) {
      collectDrift(a[index], b[index], `${path}[${index}]`, out, depth + 1, seen);
    }
    return;
  }
  if (bothObjects) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const next = /^[A-Za-z_$][\w$]*$/.test(key)
        ? `${path}.${key}`
        : `${path}[${JSON.stringify(key)}]`;
      // Own keys only: `a.constructor` of a call without that argument is Object, not absent.
      const left = Object.hasOwn(a, key) ? a[key] : undefined;
      const right = Object.hasOwn(b, key) ? b[key] : undefined;
      collectDrift(left, right, next, out, depth + 1, seen);
    }
    return;
  }
  // Past MAX_DEPTH the values are compared whole by firstDifference, which bounds its own depth:
  // JSON.stringify of arguments nested thousands deep (a hostile run file) overflows the stack.
  if (a !== b && firstDifference(a, b) !== undefined) out.push({ path, original: a, fork: b });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const PICOS = 12;

/** `a - b` of two decimal USD strings, exactly; `null` when either is unknown or unreadable. */
function subtractUsd(a: string | null, b: string | null): string | null {
  const x = toPicos(a);
  const y = toPicos(b);
  if (x === undefined || y === undefined) return null;
  const delta = x - y;
  const sign = delta < 0n ? '-' : '';
  const digits = (delta < 0n ? -delta : delta).toString().padStart(PICOS + 1, '0');
  const whole = digits.slice(0, -PICOS);
  const fraction = digits.slice(-PICOS).replace(/0+$/, '');
  return `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

function toPicos(value: string | null): bigint | undefined {
  if (value === null) return undefined;
  const match = /^(-?)(\d{1,15})(?:\.(\d{1,12}))?$/.exec(value);
  if (match === null) return undefined;
  const picos = BigInt(`${match[2]}${(match[3] ?? '').padEnd(PICOS, '0')}`);
  return match[1] === '-' ? -picos : picos;
}
