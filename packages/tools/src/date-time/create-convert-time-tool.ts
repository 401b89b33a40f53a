import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import { z } from 'zod/v4';
import type { DateTimeSettings } from './date-time-settings.ts';
import {
  DATE_TIME_DESCRIPTION,
  describeTimeZoneArgument,
  FORMAT_DESCRIPTION,
} from './date-time-settings.ts';
import type { DateTimeDescription } from './describe-date-time.ts';
import { describeDateTime } from './describe-date-time.ts';
import { MAX_DATE_TIME_LENGTH, parseDateTime } from './parse-date-time.ts';
import { resolveTimeZone } from './resolve-time-zone.ts';

/** The arguments of the convert-time tool. */
export type ConvertTimeArgs = {
  dateTime: string;
  timeZone?: string | undefined;
  toTimeZone?: string | undefined;
  inputFormat?: string | undefined;
  format?: string | undefined;
};

/** What the convert-time tool returns: the instant in the target zone, plus any note. */
export type ConvertTimeResult = DateTimeDescription & { note?: string | undefined };

/** @internal */
export function createConvertTimeTool(
  settings: DateTimeSettings,
  name: string,
): DefinedTool<ConvertTimeArgs, ConvertTimeResult> {
  return defineTool({
    name,
    description:
      'Reads a date/time and returns it in another time zone and/or layout, with weekday, ISO week and Unix time. Use it to parse dates, convert between time zones ("14:00 in Tokyo is what in Paris?"), or find the weekday of a date. Example: { "dateTime": "2024-05-17T14:00", "timeZone": "Asia/Tokyo", "toTimeZone": "Europe/Paris" }.',
    parameters: z.object({
      dateTime: z.string().min(1).max(MAX_DATE_TIME_LENGTH).describe(DATE_TIME_DESCRIPTION),
      timeZone: z
        .string()
        .max(64)
        .optional()
        .describe(
          describeTimeZoneArgument(
            settings.defaultTimeZone,
            'that dateTime is in when it has no offset',
          ),
        ),
      toTimeZone: z
        .string()
        .max(64)
        .optional()
        .describe('IANA time zone to express the result in. Default: the zone of the input.'),
      inputFormat: z
        .string()
        .max(100)
        .optional()
        .describe(
          'Luxon tokens describing a non-ISO dateTime, e.g. "dd/MM/yyyy" or "MMMM d, yyyy h:mm a". Leave out for ISO 8601 and the other listed forms.',
        ),
      format: z.string().max(100).optional().describe(FORMAT_DESCRIPTION),
    }),
    execute: async ({ dateTime, timeZone, toTimeZone, inputFormat, format }) => {
      const luxon = await settings.loadLuxon();
      const zone = resolveTimeZone(luxon, timeZone ?? settings.defaultTimeZone, 'timeZone');
      const target =
        toTimeZone === undefined ? undefined : resolveTimeZone(luxon, toTimeZone, 'toTimeZone');
      const parsed = parseDateTime({
        luxon,
        text: dateTime,
        zone,
        inputFormat,
        now: settings.now(),
        argument: 'dateTime',
      });
      const converted = target === undefined ? parsed.dateTime : parsed.dateTime.setZone(target);
      const result: ConvertTimeResult = describeDateTime({
        dateTime: converted,
        locale: settings.locale,
        format,
      });
      if (parsed.note !== undefined) result.note = parsed.note;
      return result;
    },
  });
}
