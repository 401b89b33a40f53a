import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import type { DateTime, DurationLikeObject } from 'luxon';
import { z } from 'zod/v4';
import { checkDateRange } from './check-date-range.ts';
import { DateTimeError } from './date-time-error.ts';
import type { DateTimeSettings } from './date-time-settings.ts';
import {
  DATE_TIME_DESCRIPTION,
  describeTimeZoneArgument,
  FORMAT_DESCRIPTION,
} from './date-time-settings.ts';
import type { DateTimeDescription } from './describe-date-time.ts';
import { describeDateTime } from './describe-date-time.ts';
import { describeSkip, MAX_DATE_TIME_LENGTH, parseDateTime } from './parse-date-time.ts';
import { resolveTimeZone } from './resolve-time-zone.ts';

/** The arguments of the add-to-date tool. */
export type AddToDateArgs = {
  dateTime: string;
  timeZone?: string | undefined;
  years?: number | undefined;
  months?: number | undefined;
  weeks?: number | undefined;
  days?: number | undefined;
  hours?: number | undefined;
  minutes?: number | undefined;
  seconds?: number | undefined;
  format?: string | undefined;
};

/** What the add-to-date tool returns: the resulting instant, plus any note. */
export type AddToDateResult = DateTimeDescription & { note?: string | undefined };

const UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;

// ±1e9 of any unit is past the representable range (±275 760 years) once it matters; the real
// check is the result's validity, this bound only keeps the numbers sane.
const calendarAmount = (unit: string) =>
  z
    .number()
    .int()
    .min(-1_000_000_000)
    .max(1_000_000_000)
    .optional()
    .describe(`Whole ${unit} to add; negative to subtract.`);
const clockAmount = (unit: string) =>
  z
    .number()
    .min(-1_000_000_000_000)
    .max(1_000_000_000_000)
    .optional()
    .describe(`${unit} to add (fractions allowed); negative to subtract.`);

/** @internal */
export function createAddToDateTool(
  settings: DateTimeSettings,
  name: string,
): DefinedTool<AddToDateArgs, AddToDateResult> {
  return defineTool({
    name,
    description:
      'Adds or subtracts a duration to a date/time, with calendar rules: adding 1 month to 2024-01-31 gives 2024-02-29, and adding days keeps the wall-clock time across daylight-saving changes while adding hours adds exact elapsed time. Give at least one amount; negative amounts subtract. Example: { "dateTime": "2024-05-17T09:00", "timeZone": "Europe/Paris", "days": 90 } or { "dateTime": "now", "hours": -36 }.',
    parameters: z.object({
      dateTime: z.string().min(1).max(MAX_DATE_TIME_LENGTH).describe(DATE_TIME_DESCRIPTION),
      timeZone: z
        .string()
        .max(64)
        .optional()
        .describe(
          describeTimeZoneArgument(settings.defaultTimeZone, 'to do the calendar arithmetic in'),
        ),
      years: calendarAmount('years'),
      months: calendarAmount('months'),
      weeks: calendarAmount('weeks'),
      days: calendarAmount('days'),
      hours: clockAmount('Hours'),
      minutes: clockAmount('Minutes'),
      seconds: clockAmount('Seconds'),
      format: z.string().max(100).optional().describe(FORMAT_DESCRIPTION),
    }),
    execute: async (args) => {
      const duration: DurationLikeObject = {};
      for (const unit of UNITS) {
        const amount = args[unit];
        if (amount !== undefined) duration[unit] = amount;
      }
      if (Object.keys(duration).length === 0) {
        throw new DateTimeError({
          reason: 'invalid-duration',
          argument: 'years',
          message: `Give at least one amount to add: ${UNITS.join(', ')} (negative to subtract), e.g. { "dateTime": "2024-05-17", "days": 30 }.`,
        });
      }
      const luxon = await settings.loadLuxon();
      const zone = resolveTimeZone(luxon, args.timeZone ?? settings.defaultTimeZone, 'timeZone');
      const parsed = parseDateTime({
        luxon,
        text: args.dateTime,
        zone,
        now: settings.now(),
        argument: 'dateTime',
      });
      const sum = checkDateRange({
        dateTime: parsed.dateTime.plus(duration),
        argument: 'dateTime',
        what: `${parsed.dateTime.toISO()} plus ${JSON.stringify(duration)}`,
        hint: 'Use smaller amounts.',
      });
      const result: AddToDateResult = describeDateTime({
        dateTime: sum,
        locale: settings.locale,
        format: args.format,
      });
      const notes = [parsed.note, landingNote(parsed.dateTime, duration, sum)].filter(
        (note) => note !== undefined,
      );
      if (notes.length > 0) result.note = notes.join(' ');
      return result;
    },
  });
}

/**
 * A calendar sum keeps the wall-clock time, except where the day reached has no such time (a
 * daylight-saving gap, a skipped day): luxon then moves it, and the model is told, as
 * convert_time tells it of a time it gave (attack59b). The wall clock wanted is the same sum in
 * UTC, which skips nothing. Hours, minutes and seconds add elapsed time: nothing to keep.
 */
function landingNote(
  start: DateTime,
  duration: DurationLikeObject,
  sum: DateTime,
): string | undefined {
  if (duration.hours !== undefined || duration.minutes !== undefined) return undefined;
  if (duration.seconds !== undefined) return undefined;
  const wanted = start.setZone('UTC', { keepLocalTime: true }).plus(duration);
  const reached = sum.setZone('UTC', { keepLocalTime: true });
  if (reached.toMillis() === wanted.toMillis()) return undefined;
  const sameDay = reached.toISODate() === wanted.toISODate();
  return `${wanted.toFormat("yyyy-MM-dd'T'HH:mm:ss")} does not exist in ${sum.zoneName ?? 'this zone'} (${describeSkip(sameDay)}); the result was moved to ${sum.toISO()}.`;
}
