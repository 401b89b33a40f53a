/**
 * How many levels of objects and arrays are compared. Past them, two values that are not the
 * same one count as different: a recorded request or an expected output can be nested as deep as
 * JSON.parse allows (hundreds of thousands of levels), and a comparison that recursed all the
 * way would overflow the stack, in runEval's error path among others. No request, answer or
 * tool argument a model works with comes near it.
 */
export const MAX_COMPARED_DEPTH = 512;

/**
 * Whether two JSON values are equal (objects by own keys, in any order; arrays in order). Returns
 * the path of the first difference, or `undefined` when equal; two values nested past
 * {@link MAX_COMPARED_DEPTH} differ at the path where the bound is reached.
 */
export function firstDifference(a: unknown, b: unknown, path = '$', depth = 0): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return path;
  if (Array.isArray(a) !== Array.isArray(b)) return path;
  if (depth >= MAX_COMPARED_DEPTH) return path;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length`;
    for (let i = 0; i < a.length; i++) {
      const diff = firstDifference(a[i], b[i], `${path}[${i}]`, depth + 1);
      if (diff !== undefined) return diff;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const key of [...keys].sort()) {
    if (Object.hasOwn(ra, key) !== Object.hasOwn(rb, key)) return `${path}.${key}`;
    const diff = firstDifference(ra[key], rb[key], `${path}.${key}`, depth + 1);
    if (diff !== undefined) return diff;
  }
  return undefined;
}

/**
 * Whether every key of `expected` is in `actual` with an equal value (recursively for objects);
 * `false` for objects nested past {@link MAX_COMPARED_DEPTH}.
 */
export function isSubsetOf(expected: unknown, actual: unknown, depth = 0): boolean {
  if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) {
    return firstDifference(expected, actual, '$', depth) === undefined;
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
  if (depth >= MAX_COMPARED_DEPTH) return expected === actual;
  const a = actual as Record<string, unknown>;
  return Object.entries(expected).every(
    ([key, value]) => Object.hasOwn(a, key) && isSubsetOf(value, a[key], depth + 1),
  );
}
