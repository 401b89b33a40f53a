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

function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  // A Date, a Map and the like: written as JSON.stringify writes them (toJSON, or `{}`).
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') return sortKeys((json as () => unknown).call(value));
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    setOwnKey(sorted, key, sortKeys((value as Record<string, unknown>)[key]));
  return sorted;
}
