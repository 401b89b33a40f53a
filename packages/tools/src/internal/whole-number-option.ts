import { integerOption, type OptionCheck } from '@gemloop/core/internal';

/**
 * The check of a numeric limit of a tool factory's options: a whole number from `min` to `max`
 * (or `Infinity` with `infinity`), in the message every tool gives,
 * `<factory>: <option> must be a whole number from 1 to 200, got 0.`
 * @internal
 */
export function wholeNumberOption(
  factory: string,
  min: number,
  max: number,
  infinity = false,
): OptionCheck {
  return integerOption({
    min,
    max,
    infinity,
    message: (path, value) =>
      `${factory}: ${path} must be a whole number from ${min} to ${max}, got ${String(value)}.`,
  });
}
