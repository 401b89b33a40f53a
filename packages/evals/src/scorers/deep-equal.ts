/**
 * Whether two JSON values are equal (objects by own keys, in any order; arrays in order). Returns
 * the path of the first difference, or `undefined` when equal.
 */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return path;
  if (Array.isArray(a) !== Array.isArray(b)) return path;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length`;
    for (let i = 0; i < a.length; i++) {
      const diff = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (diff !== undefined) return diff;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const key of [...keys].sort()) {
    if (Object.hasOwn(ra, key) !== Object.hasOwn(rb, key)) return `${path}.${key}`;
    const diff = firstDifference(ra[key], rb[key], `${path}.${key}`);
    if (diff !== undefined) return diff;
  }
  return undefined;
}

/** Whether every key of `expected` is in `actual` with an equal value (recursively for objects). */
export function isSubsetOf(expected: unknown, actual: unknown): boolean {
  if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) {
    return firstDifference(expected, actual) === undefined;
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
  const a = actual as Record<string, unknown>;
  return Object.entries(expected).every(
    ([key, value]) => Object.hasOwn(a, key) && isSubsetOf(value, a[key]),
  );
}
