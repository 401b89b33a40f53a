import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { MAX_TIMER_MS } from '../shared/max-timer-ms.ts';

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

/**
 * {@link positiveOption} for a time a timer waits, in ms: also at most setTimeout's limit
 * ({@link MAX_TIMER_MS}, ~24.8 days). Past it Node fires the timer at once: a `heartbeatMs` of
 * 3e9 pinged every millisecond, an approval `timeoutMs` of 3e9 denied every call at once. @internal
 */
export function timerOption(
  value: number | undefined,
  fallback: number,
  name: string,
  allowZero = false,
): number {
  const checked = positiveOption(value, fallback, name, allowZero);
  if (checked > MAX_TIMER_MS) {
    throw new InvalidArgumentError({
      argument: name,
      message: `${name} must be at most ${MAX_TIMER_MS} ms (setTimeout's limit, about 24.8 days), not ${String(value)}.`,
    });
  }
  return checked;
}
