import { describe, expect, it } from 'vitest';
import type { CalculatorFunction } from './calculator-functions.ts';
import { calculatorConstants, calculatorFunctions, MAX_FACTORIAL } from './calculator-functions.ts';

function fn(name: string): CalculatorFunction {
  const found = calculatorFunctions.get(name);
  if (found === undefined) throw new Error(`no calculator function ${name}`);
  return found;
}
const round = (x: number, digits?: number): number =>
  fn('round').apply(digits === undefined ? [x] : [x, digits]);
const check = (name: string, ...args: number[]): string | undefined => fn(name).check?.(args);

describe('calculatorFunctions', () => {
  it('has no entry for names that live on Object.prototype', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      expect(calculatorFunctions.get(name)).toBeUndefined();
      expect(calculatorConstants.get(name)).toBeUndefined();
    }
  });

  it('keys every function by its lower-case name, with a signature that starts with it', () => {
    for (const [name, definition] of calculatorFunctions) {
      expect(name).toBe(name.toLowerCase());
      expect(definition.signature.startsWith(`${name}(`)).toBe(true);
      expect(definition.minArgs).toBeLessThanOrEqual(definition.maxArgs);
    }
  });

  it('bounds the variadic functions to 100 arguments and needs at least one', () => {
    for (const name of ['min', 'max', 'hypot']) {
      expect([fn(name).minArgs, fn(name).maxArgs]).toEqual([1, 100]);
    }
    const hundred = Array.from({ length: 100 }, (_, index) => index - 50);
    expect(fn('min').apply(hundred)).toBe(-50);
    expect(fn('max').apply(hundred)).toBe(49);
    expect(fn('hypot').apply([3, 4, 12])).toBe(13);
  });

  describe('round', () => {
    it.each([
      [2.5, undefined, 3],
      [-2.5, undefined, -3],
      [0.5, undefined, 1],
      [-123.5, 0, -124],
      [2.675, 2, 2.68],
      [1.005, 2, 1.01],
      [-1.005, 2, -1.01],
      [1.45, 1, 1.5],
      [4.35, 1, 4.4],
      [9.995, 2, 10],
      [0.1 + 0.2, 15, 0.3],
      [123.456, -1, 120],
      [1234.5, -2, 1200],
      [1e-7, 8, 1e-7],
      [1.23456789e-10, 12, 1.23e-10],
      [1e-20, 15, 0],
      [5e-324, 2, 0],
      [1e21 + 0.5, 2, 1e21],
      [Number.MAX_VALUE, 15, Number.MAX_VALUE],
      [Number.MAX_VALUE, -15, Number.MAX_VALUE],
    ])('rounds %d to %s digits as %d, half away from zero', (x, digits, expected) => {
      expect(round(x, digits)).toBe(expected);
    });

    it('keeps the sign of a negative value that rounds to zero (the tool turns -0 into 0)', () => {
      expect(Object.is(round(-0.4), -0)).toBe(true);
    });

    it('accepts whole digit counts from -15 to 15 and explains anything else', () => {
      expect(check('round', 1.5)).toBeUndefined();
      expect(check('round', 1.5, -15)).toBeUndefined();
      expect(check('round', 1.5, 15)).toBeUndefined();
      for (const digits of [16, -16, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(check('round', 1.5, digits)).toBe(
          `round(x, digits) needs digits to be a whole number from -15 to 15, got ${digits}.`,
        );
      }
    });
  });

  describe('domain checks', () => {
    it('refuses NaN for every checked function instead of passing it through', () => {
      for (const name of ['sqrt', 'ln', 'log', 'log10', 'log2', 'asin', 'acos', 'factorial']) {
        expect(check(name, Number.NaN), name).toMatch(/NaN/);
      }
      expect(check('log', 8, Number.NaN)).toBe(
        'log(x, NaN) is undefined: the base must be greater than 0 and not 1.',
      );
    });

    it('accepts the edges of each domain and refuses just past them', () => {
      expect(check('sqrt', 0)).toBeUndefined();
      expect(check('sqrt', -1e-300)).toBe(
        'sqrt(-1e-300) has no real result: the argument must be 0 or more.',
      );
      expect(check('ln', Number.MIN_VALUE)).toBeUndefined();
      expect(check('ln', 0)).toBe('ln(0) is undefined: ln needs an argument greater than 0.');
      expect(check('log2', -0)).toBe(
        'log2(0) is undefined: log2 needs an argument greater than 0.',
      );
      expect(check('asin', -1)).toBeUndefined();
      expect(check('acos', 1)).toBeUndefined();
      expect(check('acos', 1.0000001)).toBe(
        'acos(1.0000001) has no real result: the argument must be between -1 and 1.',
      );
      expect(check('log', 8, 1)).toBe(
        'log(x, 1) is undefined: the base must be greater than 0 and not 1.',
      );
      expect(check('log', 8, 0.5)).toBeUndefined();
      expect(check('log', 8, -2)).toContain('the base must be greater than 0');
    });

    it('bounds factorial to whole numbers from 0 to 170, the last finite one', () => {
      expect(MAX_FACTORIAL).toBe(170);
      expect(check('factorial', 0)).toBeUndefined();
      expect(check('factorial', 170)).toBeUndefined();
      expect(Number.isFinite(fn('factorial').apply([170]))).toBe(true);
      for (const n of [171, -1, 2.5, Number.POSITIVE_INFINITY]) {
        expect(check('factorial', n)).toMatch(
          /^factorial\(.+\) is not supported: n must be a whole number from 0 to 170/,
        );
      }
      expect(fn('factorial').apply([0])).toBe(1);
      expect(fn('factorial').apply([20])).toBe(2432902008176640000);
    });

    it('leaves unchecked functions without a check, so every real input is accepted', () => {
      for (const name of ['cbrt', 'abs', 'exp', 'sin', 'atan', 'atan2', 'pow', 'min']) {
        expect(fn(name).check).toBeUndefined();
      }
    });
  });

  it('computes what each name promises', () => {
    expect(fn('log').apply([1000])).toBeCloseTo(3, 15);
    expect(fn('log').apply([81, 3])).toBeCloseTo(4, 14);
    expect(fn('deg').apply([Math.PI / 2])).toBe(90);
    expect(fn('rad').apply([180])).toBe(Math.PI);
    expect(fn('cbrt').apply([-27])).toBe(-3);
    expect(fn('sign').apply([-0.1])).toBe(-1);
    expect(fn('atan2').apply([0, -1])).toBe(Math.PI);
    expect(fn('pow').apply([-8, 1 / 3])).toBeNaN();
    expect([...calculatorConstants]).toEqual([
      ['pi', Math.PI],
      ['e', Math.E],
      ['tau', 2 * Math.PI],
    ]);
  });
});
