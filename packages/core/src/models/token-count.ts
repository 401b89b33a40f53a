import { describeValue } from '../options/define-options.ts';

/**
 * A usage's token count as a number of tokens: an absent count (`undefined`, or `null`, which a
 * translating gateway writes for "none") is 0. Call {@link unusableTokenCount} first: a count it
 * refuses is also 0 here, and pricing it so would be a made-up cost.
 * @internal
 */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/**
 * Why the count `value` of the usage's `field` cannot be priced (`"10"`, `-10`, `1.5`, `NaN`,
 * `1e300`: no whole number of tokens a price can be applied to), or `undefined` when it can
 * (absent, `null`, or a whole number from 0 to 2^53 - 1). A usage read from the API never has
 * such a count; one built by hand or passed on by a gateway may, and its cost is then unknown,
 * never the cost of 0 tokens (leftovers71).
 * @internal
 */
export function unusableTokenCount(field: string, value: unknown): string | undefined {
  if (isUsableTokenCount(value)) return undefined;
  return `the usage's ${field} ${describeValue(value)} is not a whole number of tokens, so what it cost is unknown`;
}

/**
 * A usage's token count as {@link tokenCount} reads it, but `NaN` for a count it cannot use:
 * one check of a sum finds any such count among several, on the path every model call takes,
 * and {@link unusableTokenCount} then names it.
 * @internal
 */
export function tokenCountOrNaN(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? value
    : Number.NaN;
}

/**
 * Whether `value` can be priced as a token count: absent, `null`, or a whole number from 0 to
 * 2^53 - 1 ({@link unusableTokenCount} says why not, naming the field).
 * @internal
 */
export function isUsableTokenCount(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
  );
}
