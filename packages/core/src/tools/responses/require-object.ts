import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';

/**
 * Throws an {@link InvalidArgumentError} unless `value` is a plain object (not null, not an
 * array): the options object of a public function, so `fn(null)` says what it takes instead of
 * "Cannot destructure property of null".
 * @internal
 */
export function requireObject(
  value: unknown,
  argument: string,
  takes: string,
): asserts value is object {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return;
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new InvalidArgumentError({ argument, message: `${takes}; got ${got}.` });
}
