import { fromToolResultMark } from '@gemloop/core/internal';
import type { EvalCase, RecordedToolResult } from '../eval-case.ts';
import { firstDifference } from '../scorers/deep-equal.ts';

/** What a lookup of a recorded tool result answers. @internal */
export type RecordedToolOutput = { found: true; output: unknown } | { found: false };

/** Finds the recorded result of a tool call by its name and arguments. @internal */
export type RecordedToolLookup = (name: string, args: unknown) => RecordedToolOutput;

/**
 * How deep the bucket key describes arguments. Deeper levels share one mark: the key only has to
 * be equal for equal arguments, since each candidate is compared in full, and a key as deep as
 * the arguments would cost a second full walk of every lookup for no arguments a model sends.
 */
const KEY_DEPTH = 32;

/**
 * A lookup over the case's recorded tool results (of `name` only, when given): the first result,
 * in recorded order, of the same name whose arguments `firstDifference` finds equal. Its output
 * is a `toolResult()` value again when it was one (`RecordedToolResult.toolResult`).
 *
 * Why not a search per call: a recording of 20,000 calls of one tool compared every call's
 * arguments with every earlier result (87 s of lookups for its replay). The results are grouped
 * once, on the first lookup, by name and a key of their arguments that equal arguments share,
 * and only a group's results are compared; each group keeps the recorded order, so the first
 * match is the one a search from the start finds. @internal
 */
export function recordedToolLookup(evalCase: EvalCase, name?: string): RecordedToolLookup {
  let groups: Map<string, RecordedToolResult[]> | undefined;
  return (calledName, args) => {
    if (groups === undefined) groups = groupResults(evalCase.fixtures?.toolResults ?? [], name);
    const group = groups.get(groupKey(calledName, args));
    const match = group?.find((result) => firstDifference(result.args, args) === undefined);
    if (match === undefined) return { found: false };
    // A recorded toolResult() is answered with its media again, the tool's data of that shape as
    // data; a case from before the mark was recorded as its output was sent then (toolresult45).
    return { found: true, output: fromToolResultMark(match.output, match.toolResult) };
  };
}

function groupResults(
  results: readonly RecordedToolResult[],
  name: string | undefined,
): Map<string, RecordedToolResult[]> {
  const groups = new Map<string, RecordedToolResult[]>();
  for (const result of results) {
    if (name !== undefined && result.name !== name) continue;
    const key = groupKey(result.name, result.args);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [result]);
    else group.push(result);
  }
  return groups;
}

function groupKey(name: string, args: unknown): string {
  return `${JSON.stringify(name)}:${argumentsKey(args, 0)}`;
}

/**
 * A key equal for any two values `firstDifference` finds equal: `Object.is` for the rest (so
 * `-0` is not `0`, and `NaN` is `NaN`), objects by their own keys in sorted order, an own
 * `undefined` apart from a missing key. Values it cannot describe get one mark each kind.
 */
function argumentsKey(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value}:${value}`;
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (depth >= KEY_DEPTH) return Array.isArray(value) ? '[…]' : '{…}';
  if (Array.isArray(value)) {
    // Indexed, not mapped: a hole is compared as `undefined`, and map would skip it.
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) items.push(argumentsKey(value[i], depth + 1));
    return `[${items.join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${argumentsKey(record[key], depth + 1)}`).join(',')}}`;
}
