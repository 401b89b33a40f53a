/**
 * A wrong value as messages show it, short: a primitive as written (a string cut at 40
 * characters), anything else by its kind (`an object`, `an array`, `a function`). Checks of
 * options that hold secrets (`apiKey`) do not use it.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return value === ''
      ? 'an empty string'
      : JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return typeof value === 'function'
    ? 'a function'
    : typeof value === 'object'
      ? 'an object'
      : String(value);
}
