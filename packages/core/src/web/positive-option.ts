import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';

/**
 * `value`, or `fallback` when it is undefined. @internal
 * @throws {@link InvalidArgumentError} naming `name` when it is not a positive finite number
 *   (`allowZero`: zero too).
 */
export function positiveOption(
  value: number | undefined,
  fallback: number,
  name: string,
  allowZero = false,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (value === 0 && !allowZero)
  ) {
    throw new InvalidArgumentError({
      argument: name,
      message: `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, not ${String(value)}.`,
    });
  }
  return value;
}
