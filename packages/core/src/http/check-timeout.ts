import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { OptionCheck } from '../options/define-options.ts';
import { describeValue } from '../options/define-options.ts';

/**
 * Checks a `timeoutMs` option: a positive number of milliseconds, or `Infinity` for no limit.
 * @throws {@link InvalidArgumentError} naming the option.
 * @internal
 */
export function checkTimeout(value: unknown, fallback: number, argument: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a positive number of milliseconds (Infinity for no limit); got ${describeValue(value)}.`,
    });
  }
  return value;
}

/** {@link checkTimeout} as the check of an options declaration (`defineOptions`). @internal */
export const timeoutOption: OptionCheck = (value, path) => {
  checkTimeout(value, 0, path);
};
