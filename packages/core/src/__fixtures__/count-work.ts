// The work a synchronous call does, counted rather than timed: a linear-time guard that reads a
// clock fails on a loaded machine (load 40 makes milliseconds into seconds) and proves nothing a
// count cannot. A count is the same on every machine and at every load, and it tells a linear
// scan (about n) from a quadratic one (about n²/2) at any size.
//
// Each counter patches a built-in prototype method for the duration of `run` only, and `run` is
// synchronous, so nothing else in the worker runs while the patch is in place.

/**
 * How many times `run` called `target[key]` (a prototype method such as
 * `String.prototype.charCodeAt`).
 */
export function countCalls<T extends object>(target: T, key: keyof T & string, run: () => void): number {
  const original = target[key] as (...args: unknown[]) => unknown;
  let calls = 0;
  Object.defineProperty(target, key, {
    configurable: true,
    writable: true,
    value: function counted(this: unknown, ...args: unknown[]) {
      calls++;
      return original.apply(this, args);
    },
  });
  try {
    run();
  } finally {
    Object.defineProperty(target, key, { configurable: true, writable: true, value: original });
  }
  return calls;
}

/**
 * How many characters `run` made `String.prototype.indexOf` and `RegExp.prototype.exec` search:
 * for each call, from where the search began to where it found its match, or to the end of the
 * string when it found none. `RegExp`'s `test`, `match` and `replace` call `exec` once it is
 * patched (V8 leaves its fast path when the prototype changes), so they are counted too. A
 * regex's backtracking inside one search is not: this counts scans, for literal searches.
 */
export function countSearchedChars(run: () => void): number {
  const counter = patchSearches();
  try {
    run();
  } finally {
    counter.restore();
  }
  return counter.searched;
}

/**
 * {@link countSearchedChars} over an asynchronous `run`. What else the worker runs meanwhile is
 * counted too: bound it with room for that.
 */
export async function countSearchedCharsDuring(run: () => Promise<unknown>): Promise<number> {
  const counter = patchSearches();
  try {
    await run();
  } finally {
    counter.restore();
  }
  return counter.searched;
}

function patchSearches(): { readonly searched: number; restore: () => void } {
  const indexOf = String.prototype.indexOf;
  const exec = RegExp.prototype.exec;
  let searched = 0;
  const patch = (target: object, key: string, value: unknown) =>
    Object.defineProperty(target, key, { configurable: true, writable: true, value });
  patch(String.prototype, 'indexOf', function counted(this: string, search: string, from = 0) {
    const found = indexOf.call(this, search, from);
    searched += (found === -1 ? this.length : found + search.length) - Math.max(0, from);
    return found;
  });
  patch(RegExp.prototype, 'exec', function counted(this: RegExp, input: string) {
    const text = String(input);
    const from = this.global || this.sticky ? this.lastIndex : 0;
    const match = exec.call(this, text);
    searched += (match === null ? text.length : match.index + match[0].length) - from;
    return match;
  });
  return {
    get searched() {
      return searched;
    },
    restore: () => {
      patch(String.prototype, 'indexOf', indexOf);
      patch(RegExp.prototype, 'exec', exec);
    },
  };
}
