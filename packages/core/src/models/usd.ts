import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
// describeValue: JSON.stringify threw a TypeError for a BigInt price (after a billed call, from a
// prices function) and quoted a 1 MB one whole (attack-core9).
import { describeValue } from '../options/define-options.ts';

/*
 * Money in gemloop is exact. A price is US dollars per 1M tokens with at most 6 decimals, so one
 * token costs a whole number of pico-dollars (10^-12 USD): price x 10^6. Sums are kept as whole
 * pico-dollars ({@link Picos}) and handed out as decimal strings of dollars ('0.0001275'), never as
 * fractions of a dollar in floats, so a run of 300 steps adds up to the same digits a bill does
 * (0.1 + 0.2 never becomes 0.30000000000000004).
 */

const PICOS_PER_DOLLAR = 1_000_000_000_000n;
const PRICE_DECIMALS = 6;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A price in US dollars per 1M tokens, as a decimal string (`'0.30'`) or a number (`0.3`), with at
 * most 6 decimals.
 */
export type UsdPerMillion = string | number;

/**
 * Pico-dollars per token of a price per 1M tokens. Throws an {@link InvalidArgumentError} naming
 * `argument` when the price is not a non-negative decimal with at most 6 decimals.
 * @internal
 */
export function picosPerToken(price: UsdPerMillion, argument: string): bigint {
  const text = typeof price === 'number' && Number.isFinite(price) ? String(price) : price;
  const match = typeof text === 'string' ? DECIMAL.exec(text) : null;
  const fraction = match?.[2] ?? '';
  if (match === null || fraction.length > PRICE_DECIMALS) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be US dollars per 1M tokens as a decimal with at most ${PRICE_DECIMALS} decimals, such as '0.30' or 0.3; got ${describeValue(price)}.`,
    });
  }
  return BigInt(match[1] as string) * 1_000_000n + BigInt(fraction.padEnd(PRICE_DECIMALS, '0'));
}

/**
 * Pico-dollars of a decimal string of dollars (`'0.25'`), or of a number of dollars; `undefined`
 * when it is not a non-negative decimal with at most 12 decimals.
 * @internal
 */
export function dollarsToPicos(dollars: string | number): bigint | undefined {
  const text = typeof dollars === 'number' ? numberToPlain(dollars) : dollars;
  const match = text === undefined ? null : DECIMAL.exec(text);
  const fraction = match?.[2] ?? '';
  if (match === null || fraction.length > 12) return undefined;
  return BigInt(match[1] as string) * PICOS_PER_DOLLAR + BigInt(fraction.padEnd(12, '0'));
}

/**
 * A whole, non-negative number of pico-dollars, exact either way: a `number` while it is at most
 * `Number.MAX_SAFE_INTEGER` (2^53 - 1 pico-dollars, about 9,007 dollars), where a double holds
 * every whole number and a sum or product of two is exact whenever it stays that small; a
 * `bigint` past it. A step's sums stay numbers: pricing each step in bigints (`BigInt()`
 * conversions, bigint products and sums, `Number(bigint)` to write them) cost about 2,200 of a
 * streamed step's 350,700 instructions (callgrind of the ABBA client, helper step-cpu2).
 * {@link addPicos} and {@link timesPicos} keep the form canonical: a number exactly when it fits.
 * @internal
 */
export type Picos = number | bigint;

/** The five amounts of a known cost, in pico-dollars (exact; see above). @internal */
export type CostPicos = {
  readonly total: Picos;
  readonly input: Picos;
  readonly cachedInput: Picos;
  readonly output: Picos;
  readonly thinking: Picos;
};

const MAX_SAFE_PICOS = BigInt(Number.MAX_SAFE_INTEGER);
/** `'0.'` and `'0.0'` to `'0.00000000000'`: the opening of an amount under a dollar, by leading zeros. */
const UNDER_A_DOLLAR = Array.from({ length: 12 }, (_, zeros) => `0.${'0'.repeat(zeros)}`);

/** An amount of pico-dollars in its canonical {@link Picos} form. @internal */
export function toPicos(picos: bigint): Picos {
  return picos >= 0n && picos <= MAX_SAFE_PICOS ? Number(picos) : picos;
}

/**
 * `a + b`, exact. Two safe integers add exactly in a double when the true sum is safe, and a
 * sum past 2^53 - 1 rounds to at least 2^53, so the test below never passes an inexact sum.
 * @internal
 */
export function addPicos(a: Picos, b: Picos): Picos {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (sum <= Number.MAX_SAFE_INTEGER) return sum;
  }
  return toPicos(BigInt(a) + BigInt(b));
}

/** `tokens × rate` pico-dollars, exact (as {@link addPicos}: a product past 2^53 - 1 rounds to at least 2^53). @internal */
export function timesPicos(tokens: number, rate: Picos): Picos {
  if (typeof rate === 'number') {
    const product = tokens * rate;
    if (product <= Number.MAX_SAFE_INTEGER) return product;
  }
  return toPicos(BigInt(tokens) * BigInt(rate));
}

/** A decimal string of dollars: `'0'`, `'0.000125'`, `'12.5'` (no trailing zeros). @internal */
export function picosToDollars(picos: Picos): string {
  if (typeof picos === 'number' || (picos >= 0n && picos <= MAX_SAFE_PICOS)) {
    // Below 2^53 (9007 dollars) the amount is a whole double, which String() writes as its plain
    // digits: the dollars are those digits with the point 12 places from the end, the trailing
    // zeros cut off: one conversion and a scan where the arithmetic took %, / and a loop of % 10
    // on doubles before its conversion. `writeCost` of costPicosOf's amounts, 64 usages, one
    // process a build, three each, Node 20 at load 25-29: 0.8-3.2 µs against 1.6-5.7 (helper
    // node-path; a step's profile does not resolve it: the conversion of a double is most of it).
    const digits = String(Number(picos));
    let end = digits.length;
    while (end > 0 && digits.charCodeAt(end - 1) === 48 /* '0' */) end--;
    if (end === 0) return '0';
    const wholeDigits = digits.length - 12;
    // A step's amounts are under a dollar: the opening zeros from the table.
    if (wholeDigits <= 0) return (UNDER_A_DOLLAR[-wholeDigits] as string) + digits.slice(0, end);
    const whole = digits.slice(0, wholeDigits);
    return end <= wholeDigits ? whole : `${whole}.${digits.slice(wholeDigits, end)}`;
  }
  const whole = picos / PICOS_PER_DOLLAR;
  const fraction = picos % PICOS_PER_DOLLAR;
  return fraction === 0n ? whole.toString() : `${whole}.${fractionDigits(fraction.toString())}`;
}

/** The 12 digits of a non-zero fraction of pico-dollars, without its trailing zeros. */
function fractionDigits(digits: string): string {
  const padded = digits.padStart(12, '0');
  let end = padded.length;
  while (padded.charCodeAt(end - 1) === 48 /* '0' */) end--;
  return padded.slice(0, end);
}

function numberToPlain(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  // toFixed(12) is exact for what a person types as a budget (0.5, 2.25); it never gives an exponent.
  return value.toFixed(12).replace(/\.?0+$/, '');
}
