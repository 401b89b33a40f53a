import { setOwnKey } from './set-own-key.ts';

/**
 * A value as JSON with object keys sorted at every depth, so two values that mean the same
 * arguments (`{ a: 1, b: 2 }` and `{ b: 2, a: 1 }`) give the same text: the key under which a
 * plugin compares or caches tool calls. Values JSON has no form for are written as
 * `JSON.stringify` writes them (dropped in objects, `null` in arrays). @internal
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown, viaToJson = false): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => sortKeys(item));
  // A Date, a Map and the like: written as JSON.stringify writes them (toJSON, or `{}`). As
  // there, toJSON is called once per value: one that returns its own object (`return this`)
  // recursed until the stack overflowed.
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function' && !viaToJson) {
    return sortKeys((json as () => unknown).call(value), true);
  }
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key];
    // JSON.stringify drops functions; a `toJSON` one kept in the copy would be called again.
    if (typeof field !== 'function') setOwnKey(sorted, key, sortKeys(field));
  }
  return sorted;
}
