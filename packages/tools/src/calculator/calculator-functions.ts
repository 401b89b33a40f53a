/**
 * A function the calculator knows. `check` returns why the arguments are outside the domain (the
 * message the model sees), or `undefined` when they are fine.
 * @internal
 */
export type CalculatorFunction = {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly signature: string;
  readonly apply: (args: readonly number[]) => number;
  readonly check?: ((args: readonly number[]) => string | undefined) | undefined;
};

/** The largest n with a finite n! in a 64-bit float (171! overflows). @internal */
export const MAX_FACTORIAL = 170;

/** The largest argument count of a variadic function (min, max, hypot). */
const MAX_VARIADIC_ARGS = 100;

// Math.* results for these are read straight off Math; nothing here reaches an object the
// expression names, so the expression can never touch a property or a prototype.
const unary = (
  signature: string,
  apply: (x: number) => number,
  check?: (x: number) => string | undefined,
): CalculatorFunction => ({
  minArgs: 1,
  maxArgs: 1,
  signature,
  apply: (args) => apply(args[0] as number),
  check: check === undefined ? undefined : (args) => check(args[0] as number),
});

const positive = (name: string) => (x: number) =>
  x > 0 ? undefined : `${name}(${x}) is undefined: ${name} needs an argument greater than 0.`;
const unitInterval = (name: string) => (x: number) =>
  x >= -1 && x <= 1
    ? undefined
    : `${name}(${x}) has no real result: the argument must be between -1 and 1.`;

function factorial(n: number): number {
  let result = 1;
  for (let factor = 2; factor <= n; factor++) result *= factor;
  return result;
}

function roundTo(x: number, digits: number): number {
  // A whole number has nothing to round to the right of the point (and from 2^53 up every double
  // is whole): return it, instead of scaling 1e300 by 10^15 into an overflow.
  if (digits >= 0 && Number.isInteger(x)) return x;
  // Half away from zero, as calculators do (Math.round sends -2.5 to -2).
  const magnitude = Math.abs(x);
  // Shifting the decimal point in the string form keeps round(1.005, 2) at 1.01 instead of
  // 1.00 through 100.49999999999999.
  const [mantissa, exponent = '0'] = String(magnitude).split('e');
  const scaled = Math.round(Number(`${mantissa}e${Number(exponent) + digits}`));
  // Scaling overflowed (a huge fraction-free magnitude) or underflowed: nothing to round.
  if (!Number.isFinite(scaled)) return x;
  const [scaledMantissa, scaledExponent = '0'] = String(scaled).split('e');
  return Math.sign(x) * Number(`${scaledMantissa}e${Number(scaledExponent) - digits}`);
}

const variadic = (signature: string, apply: (args: readonly number[]) => number) => ({
  minArgs: 1,
  maxArgs: MAX_VARIADIC_ARGS,
  signature,
  apply,
});

/**
 * The functions, by lower-case name. A `Map`, so names like `constructor`, `__proto__` or
 * `toString` are simply absent instead of reaching `Object.prototype`.
 * @internal
 */
export const calculatorFunctions: ReadonlyMap<string, CalculatorFunction> = new Map<
  string,
  CalculatorFunction
>([
  [
    'sqrt',
    unary('sqrt(x)', Math.sqrt, (x) =>
      x >= 0 ? undefined : `sqrt(${x}) has no real result: the argument must be 0 or more.`,
    ),
  ],
  ['cbrt', unary('cbrt(x)', Math.cbrt)],
  ['abs', unary('abs(x)', Math.abs)],
  ['sign', unary('sign(x)', Math.sign)],
  ['floor', unary('floor(x)', Math.floor)],
  ['ceil', unary('ceil(x)', Math.ceil)],
  ['trunc', unary('trunc(x)', Math.trunc)],
  [
    'round',
    {
      minArgs: 1,
      maxArgs: 2,
      signature: 'round(x) or round(x, digits)',
      apply: (args) => roundTo(args[0] as number, args[1] ?? 0),
      check: (args) => {
        const digits = args[1];
        if (digits === undefined || (Number.isInteger(digits) && digits >= -15 && digits <= 15)) {
          return undefined;
        }
        return `round(x, digits) needs digits to be a whole number from -15 to 15, got ${digits}.`;
      },
    },
  ],
  ['min', variadic('min(a, b, ...)', (args) => Math.min(...args))],
  ['max', variadic('max(a, b, ...)', (args) => Math.max(...args))],
  ['hypot', variadic('hypot(a, b, ...)', (args) => Math.hypot(...args))],
  ['exp', unary('exp(x)', Math.exp)],
  ['ln', unary('ln(x)', Math.log, positive('ln'))],
  [
    'log',
    {
      minArgs: 1,
      maxArgs: 2,
      signature: 'log(x) (base 10) or log(x, base)',
      apply: (args) =>
        args[1] === undefined
          ? Math.log10(args[0] as number)
          : Math.log(args[0] as number) / Math.log(args[1]),
      check: (args) => {
        const [x, base] = args as [number, number | undefined];
        if (!(x > 0)) return `log(${x}) is undefined: log needs an argument greater than 0.`;
        if (base !== undefined && !(base > 0 && base !== 1)) {
          return `log(x, ${base}) is undefined: the base must be greater than 0 and not 1.`;
        }
        return undefined;
      },
    },
  ],
  ['log10', unary('log10(x)', Math.log10, positive('log10'))],
  ['log2', unary('log2(x)', Math.log2, positive('log2'))],
  ['sin', unary('sin(x) (radians)', Math.sin)],
  ['cos', unary('cos(x) (radians)', Math.cos)],
  ['tan', unary('tan(x) (radians)', Math.tan)],
  ['asin', unary('asin(x)', Math.asin, unitInterval('asin'))],
  ['acos', unary('acos(x)', Math.acos, unitInterval('acos'))],
  ['atan', unary('atan(x)', Math.atan)],
  [
    'atan2',
    {
      minArgs: 2,
      maxArgs: 2,
      signature: 'atan2(y, x)',
      apply: (args) => Math.atan2(args[0] as number, args[1] as number),
    },
  ],
  ['sinh', unary('sinh(x)', Math.sinh)],
  ['cosh', unary('cosh(x)', Math.cosh)],
  ['tanh', unary('tanh(x)', Math.tanh)],
  ['deg', unary('deg(x) (radians to degrees)', (x) => (x * 180) / Math.PI)],
  ['rad', unary('rad(x) (degrees to radians)', (x) => (x * Math.PI) / 180)],
  [
    'pow',
    {
      minArgs: 2,
      maxArgs: 2,
      signature: 'pow(x, y)',
      apply: (args) => (args[0] as number) ** (args[1] as number),
    },
  ],
  [
    'factorial',
    unary('factorial(n)', factorial, (n) =>
      Number.isInteger(n) && n >= 0 && n <= MAX_FACTORIAL
        ? undefined
        : `factorial(${n}) is not supported: n must be a whole number from 0 to ${MAX_FACTORIAL} (${MAX_FACTORIAL + 1}! is larger than the largest 64-bit float).`,
    ),
  ],
]);

/**
 * The constants, by lower-case name (a `Map`, for the same reason as the functions).
 * @internal
 */
export const calculatorConstants: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
  ['tau', 2 * Math.PI],
]);
