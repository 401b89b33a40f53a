import { setOwnKey } from './set-own-key.ts';

/**
 * How deep {@link canonicalJson} goes. Arguments a model sends are parsed at any depth (`JSON.parse`
 * does not recurse), but the walk and `JSON.stringify` do: 50,000 levels overflowed the stack and
 * ended the run from inside a plugin. No tool's arguments need more than this; the same bound as
 * the tool-result cache's plain-JSON check.
 * @internal
 */
export const CANONICAL_JSON_MAX_DEPTH = 100;

// why (sentinel): thrown and caught inside this module; carries nothing.
/** Thrown inside the walk when a value nests past the limit; never leaves this module. */
const TOO_DEEP: unique symbol = Symbol('too deep');

/**
 * A value as JSON with object keys sorted at every depth, so two values that mean the same
 * arguments (`{ a: 1, b: 2 }` and `{ b: 2, a: 1 }`) give the same text: the key under which a
 * plugin compares or caches tool calls. Values JSON has no form for are written as
 * `JSON.stringify` writes them (dropped in objects, `null` in arrays). `undefined` when the value
 * nests deeper than {@link CANONICAL_JSON_MAX_DEPTH}: it has no key, and the caller treats it as
 * like no other value. @internal
 */
export function canonicalJson(value: unknown): string | undefined {
  let sorted: unknown;
  try {
    sorted = sortKeys(value, 0);
  } catch (error) {
    if (error === TOO_DEEP) return undefined;
    throw error;
  }
  return JSON.stringify(sorted) ?? 'null';
}

function sortKeys(value: unknown, depth: number, viaToJson = false): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= CANONICAL_JSON_MAX_DEPTH) throw TOO_DEEP;
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, depth + 1));
  // A Date, a Map and the like: written as JSON.stringify writes them (toJSON, or `{}`). As
  // there, toJSON is called once per value: one that returns its own object (`return this`)
  // recursed until the stack overflowed.
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function' && !viaToJson) {
    return sortKeys((json as () => unknown).call(value), depth, true);
  }
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key];
    // JSON.stringify drops functions; a `toJSON` one kept in the copy would be called again.
    if (typeof field !== 'function') setOwnKey(sorted, key, sortKeys(field, depth + 1));
  }
  return sorted;
}
