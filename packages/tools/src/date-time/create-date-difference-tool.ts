import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import type { DateTime, Duration, DurationUnit } from 'luxon';
import { z } from 'zod/v4';
import { SUPPORTED_RANGE_TEXT } from './check-date-range.ts';
import { DateTimeError } from './date-time-error.ts';
import type { DateTimeSettings } from './date-time-settings.ts';
import { DATE_TIME_DESCRIPTION, describeTimeZoneArgument } from './date-time-settings.ts';
import { MAX_DATE_TIME_LENGTH, parseDateTime } from './parse-date-time.ts';
import { resolveTimeZone } from './resolve-time-zone.ts';

const BREAKDOWN_UNITS = [
  'years',
  'months',
  'weeks',
  'days',
  'hours',
  'minutes',
  'seconds',
] as const;

/** A unit the difference can be broken down into. */
export type DifferenceUnit = (typeof BREAKDOWN_UNITS)[number];

/** The arguments of the date-difference tool. */
export type DateDifferenceArgs = {
  from: string;
  to: string;
  timeZone?: string | undefined;
  units?: DifferenceUnit[] | undefined;
};

/** What the date-difference tool returns. Negative values mean `to` is before `from`. */
export type DateDifferenceResult = {
  from: string;
  to: string;
  /** The difference split into the requested units, largest first; the last may be fractional. */
  breakdown: Partial<Record<DifferenceUnit, number>>;
  /** The breakdown in words, e.g. `1 month, 3 days`. */
  text: string;
  /** The whole difference in each unit; `days` and `weeks` count calendar days in `timeZone`. */
  totals: { weeks: number; days: number; hours: number; minutes: number; seconds: number };
  /** The difference as an ISO 8601 duration, e.g. `P1M3D`. */
  isoDuration: string;
};

const DEFAULT_UNITS: readonly DifferenceUnit[] = [
  'years',
  'months',
  'days',
  'hours',
  'minutes',
  'seconds',
];

/** @internal */
export function createDateDifferenceTool(
  settings: DateTimeSettings,
  name: string,
): DefinedTool<DateDifferenceArgs, DateDifferenceResult> {
  return defineTool({
    name,
    description:
      'Computes the time between two date/times: a calendar breakdown (years, months, days, ...), the totals in weeks, days, hours, minutes and seconds, and an ISO 8601 duration. Negative when "to" is before "from". Use it for ages, countdowns ("days until 2025-12-25": from "today"), and elapsed time. Example: { "from": "2024-01-15", "to": "2024-03-01" }.',
    parameters: z.object({
      from: z.string().min(1).max(MAX_DATE_TIME_LENGTH).describe(`Start. ${DATE_TIME_DESCRIPTION}`),
      to: z.string().min(1).max(MAX_DATE_TIME_LENGTH).describe(`End. ${DATE_TIME_DESCRIPTION}`),
      timeZone: z
        .string()
        .max(64)
        .optional()
        .describe(
          describeTimeZoneArgument(
            settings.defaultTimeZone,
            'for dates without an offset and for counting calendar days',
          ),
        ),
      units: z
        .array(z.enum(BREAKDOWN_UNITS))
        .min(1)
        .max(BREAKDOWN_UNITS.length)
        .optional()
        .describe(
          'Units of the breakdown, e.g. ["days"] or ["hours", "minutes"]. Default: years, months, days, hours, minutes, seconds.',
        ),
    }),
    execute: async ({ from, to, timeZone, units }) => {
      const luxon = await settings.loadLuxon();
      const zone = resolveTimeZone(luxon, timeZone ?? settings.defaultTimeZone, 'timeZone');
      const now = settings.now();
      const start = parseDateTime({ luxon, text: from, zone, now, argument: 'from' }).dateTime;
      // Both ends in one zone, so "days" counts the calendar days someone there would count.
      const end = parseDateTime({ luxon, text: to, zone, now, argument: 'to' }).dateTime.setZone(
        start.zone,
      );
      const chosen = orderUnits(units ?? DEFAULT_UNITS);
      // Both ends were checked to lie in the supported range, where luxon's differences work;
      // should one still fail (luxon throws "Invalid unit value NaN" past the range), the model
      // gets a typed error rather than luxon's.
      const measure = (unit: 'weeks' | 'days'): number => {
        let value: number;
        try {
          value = end.diff(start, unit)[unit];
        } catch {
          throw cannotMeasure(start, end);
        }
        if (!Number.isFinite(value)) throw cannotMeasure(start, end);
        return value;
      };
      let duration: Duration;
      try {
        duration = end.diff(start, chosen as DurationUnit[]);
      } catch {
        throw cannotMeasure(start, end);
      }
      const values = duration.toObject();
      if (!duration.isValid || chosen.some((unit) => !Number.isFinite(values[unit] ?? 0))) {
        throw cannotMeasure(start, end);
      }
      const breakdown: Partial<Record<DifferenceUnit, number>> = {};
      for (const unit of chosen) breakdown[unit] = round(values[unit] ?? 0);
      const nonZero = Object.fromEntries(
        Object.entries(breakdown).filter(([, value]) => value !== 0),
      );
      const milliseconds = end.toMillis() - start.toMillis();
      return {
        from: start.toISO() as string,
        to: end.toISO() as string,
        breakdown,
        text:
          Object.keys(nonZero).length === 0
            ? 'no difference'
            : luxon.Duration.fromObject(nonZero, { locale: 'en-US' }).toHuman({
                listStyle: 'narrow',
              }),
        totals: {
          weeks: round(measure('weeks')),
          days: round(measure('days')),
          hours: round(milliseconds / 3_600_000),
          minutes: round(milliseconds / 60_000),
          seconds: round(milliseconds / 1000),
        },
        isoDuration: duration.toISO() as string,
      };
    },
  });
}

function cannotMeasure(start: DateTime, end: DateTime): DateTimeError {
  return new DateTimeError({
    reason: 'out-of-range',
    argument: 'to',
    message: `Cannot compute the difference between ${start.toISO()} and ${end.toISO()}. ${SUPPORTED_RANGE_TEXT}`,
  });
}

function orderUnits(units: readonly DifferenceUnit[]): DifferenceUnit[] {
  return BREAKDOWN_UNITS.filter((unit) => units.includes(unit));
}

/** Six decimals are enough for any human answer and hide float noise like 2.9999999999. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6 + 0;
}
