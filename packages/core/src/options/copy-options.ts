/**
 * An options object: an object that is not `null` or an array (what {@link copyOptions} copies and
 * a declaration checks). @internal
 */
export const isOptionsObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of an options object with each own property read once (`{ ...value }`); anything that
 * is not one (an array, `null`, a number: the check names it) as it is. For options checked by
 * hand; a declared group is copied by {@link checkOptionsCopy}.
 */
export function copyOptions<Value>(value: Value): Value {
  return isOptionsObject(value) ? { ...value } : value;
}
