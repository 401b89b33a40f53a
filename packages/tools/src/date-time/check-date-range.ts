import type { DateTime } from 'luxon';
import { DateTimeError } from './date-time-error.ts';

/**
 * The first instant the date/time tools accept: 1 January of the first whole year after the
 * earliest JavaScript date (-271821-04-20T00:00:00Z). @internal
 */
export const MIN_SUPPORTED_MS: number = Date.UTC(-271820, 0, 1);

/**
 * The last instant the date/time tools accept: the end of the year that still leaves a year and a
 * day before the latest JavaScript date (+275760-09-13T00:00:00Z). @internal
 */
export const MAX_SUPPORTED_MS: number = Date.UTC(275759, 0, 1) - 1;

/** The accepted range, as the messages state it. @internal */
export const SUPPORTED_RANGE_TEXT: string = `Dates must lie between ${new Date(MIN_SUPPORTED_MS).toISOString()} and ${new Date(MAX_SUPPORTED_MS).toISOString()} (about 271 821 BC to 275 758 AD).`;

/**
 * Refuses an instant too close to the ends of the JavaScript date range for luxon to work with.
 * Luxon computes a zone's wall-clock time as the instant plus the offset, through `Date`, so
 * within a day of either end the local time falls off the range and `toISO()` returns null; and a
 * calendar difference steps up to one unit past its end (a year, for a breakdown in years), where
 * luxon throws "Invalid unit value NaN". A day of margin covers every UTC offset (the widest in
 * the zone database is under 16 hours), a year and a day covers the stepping.
 *
 * @throws {@link DateTimeError} `out-of-range` naming `argument` and the valid range.
 * @internal
 */
export function checkDateRange({
  dateTime,
  argument,
  what,
  hint = '',
}: {
  dateTime: DateTime;
  /** The argument at fault. */
  argument: string;
  /** What the instant is, for the message (e.g. `dateTime "+275760-09-13"`). */
  what: string;
  /** A sentence appended to the message, e.g. what to do instead. */
  hint?: string | undefined;
}): DateTime {
  const millis = dateTime.toMillis();
  if (dateTime.isValid && millis >= MIN_SUPPORTED_MS && millis <= MAX_SUPPORTED_MS) {
    return dateTime;
  }
  throw new DateTimeError({
    reason: 'out-of-range',
    argument,
    message: `${what} is outside the dates these tools can work with. ${SUPPORTED_RANGE_TEXT}${hint === '' ? '' : ` ${hint}`}`,
  });
}
