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
  return compare(a, b, path, depth, new WeakMap());
}

/**
 * For each pair of objects found equal, the deepest level it was found equal at. Values built in
 * code (not read from JSON) may hold one object at many paths: two equal values sharing an object
 * twice at each of 40 levels were 2^40 walks (leftovers78). A pair found equal at a level is
 * equal at any level above it (it has more room before the bound), so it is not walked again
 * there; below it, it is (the bound may now be reached inside it).
 */
type EqualPairs = WeakMap<object, Map<object, number>>;

function compare(
  a: unknown,
  b: unknown,
  path: string,
  depth: number,
  equal: EqualPairs,
): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return path;
  if (Array.isArray(a) !== Array.isArray(b)) return path;
  if (depth >= MAX_COMPARED_DEPTH) return path;
  const known = equal.get(a)?.get(b);
  if (known !== undefined && depth <= known) return undefined;
  const diff = compareMembers(a, b, path, depth, equal);
  if (diff === undefined) {
    const partners = equal.get(a) ?? new Map<object, number>();
    partners.set(b, Math.max(depth, partners.get(b) ?? depth));
    equal.set(a, partners);
  }
  return diff;
}

function compareMembers(
  a: object,
  b: object,
  path: string,
  depth: number,
  equal: EqualPairs,
): string | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length`;
    for (let i = 0; i < a.length; i++) {
      const diff = compare(a[i], b[i], `${path}[${i}]`, depth + 1, equal);
      if (diff !== undefined) return diff;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const key of [...keys].sort()) {
    if (Object.hasOwn(ra, key) !== Object.hasOwn(rb, key)) return `${path}.${key}`;
    const diff = compare(ra[key], rb[key], `${path}.${key}`, depth + 1, equal);
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
