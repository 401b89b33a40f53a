// A structural meter for "linear in the events": while `run` runs, every call of an array method
// that walks or moves elements (a copy, a scan, a sort, a join, a shift, spreading or `for...of`)
// adds the array's length to `work`. A reducer or a reader that copies or scans what it built so
// far on each event shows as work that grows with the square of the events; wall-clock time on a
// loaded machine could not tell the two apart.
//
// Node's own internals (its web streams, its fetch) use primordials captured at startup, so the
// count is that of the code under test and of the libraries it calls.

type ArrayMethod = (this: unknown[], ...args: unknown[]) => unknown;

const WALKING_METHODS = [
  'concat',
  'copyWithin',
  'every',
  'fill',
  'filter',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flat',
  'flatMap',
  'forEach',
  'includes',
  'indexOf',
  'join',
  'lastIndexOf',
  'map',
  'reduce',
  'reduceRight',
  'reverse',
  'shift',
  'slice',
  'some',
  'sort',
  'splice',
  'toReversed',
  'toSorted',
  'toSpliced',
  'unshift',
  'with',
] as const;

/** Runs `run` with the meter on; `work` is the number of array elements walked or moved. */
export async function countArrayWork<T>(
  run: () => Promise<T> | T,
): Promise<{ result: T; work: number }> {
  const prototype = Array.prototype as unknown as Record<string | symbol, ArrayMethod>;
  const originals = new Map<string | symbol, ArrayMethod>();
  let work = 0;
  for (const name of [...WALKING_METHODS, Symbol.iterator]) {
    const original = prototype[name];
    if (typeof original !== 'function') continue;
    originals.set(name, original);
    prototype[name] = function (this: unknown[], ...args: unknown[]) {
      work += this.length;
      return original.apply(this, args);
    };
  }
  try {
    const result = await run();
    return { result, work };
  } finally {
    for (const [name, original] of originals) prototype[name] = original;
  }
}
