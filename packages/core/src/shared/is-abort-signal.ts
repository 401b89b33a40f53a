/**
 * Whether `value` can be used as an AbortSignal: duck-typed, because a signal from another realm
 * or an AbortController polyfill fails `instanceof`. Both listener methods are required: whoever
 * follows a signal removes its listener when its work ends.
 * @internal
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function'
  );
}
