import { setFlagsFromString } from 'node:v8';

/**
 * A function written with V8's natives syntax (`%HaveSameMap(...)`), compiled from text: the
 * syntax is allowed only while it is compiled, so no other code of the worker is parsed with it,
 * and no transform rewrites what the text says. Node only (the tests of hidden classes).
 */
export function compileNative<F>(parameters: string[], body: string): F {
  setFlagsFromString('--allow-natives-syntax');
  try {
    return new Function(...parameters, body) as F;
  } finally {
    setFlagsFromString('--no-allow-natives-syntax');
  }
}

/** V8's `%HaveSameMap(a, b)`: whether two objects share one hidden class (map). */
export const haveSameMap: (a: object, b: object) => boolean = compileNative(
  ['a', 'b'],
  'return %HaveSameMap(a, b);',
);

/**
 * Whether this V8 gives an object made by a spread with fields added (or overridden) a map of its
 * own once the code is warm (V8 11, Node 20: the clone's map is in no transition tree). A 2023 V8
 * regression test asserts the fixed behaviour (`function f(x) {return {...x,b:2}}`, "Ensure the
 * clone ic does not generate detached maps").
 */
export const SPREAD_DETACHES_MAPS = Number(process.versions.v8.split('.')[0]) <= 11;
