import { CliFlagError } from '../../cli-flag-error.ts';

/**
 * An integer flag of `gemloop eval` (`--concurrency`, `--repeats`, `--timeout-ms`, `--limit`,
 * `--k`): from 1 to `max`, `undefined` when not given.
 * @throws {@link CliFlagError} naming the flag and the range it accepts.
 */
export function parseCountFlag(flag: string, value: unknown, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const number = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(number >= 1 && number <= max)) {
    throw new CliFlagError({
      flag,
      value: text.slice(0, 100),
      accepted: [`an integer from 1 to ${max}`],
      message: `${flag} ${text.slice(0, 100)}: give an integer from 1 to ${max}.`,
    });
  }
  return number;
}
