import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import { z } from 'zod/v4';
import { checkDateRange } from './check-date-range.ts';
import type { DateTimeSettings } from './date-time-settings.ts';
import { describeTimeZoneArgument, FORMAT_DESCRIPTION } from './date-time-settings.ts';
import type { DateTimeDescription } from './describe-date-time.ts';
import { describeDateTime } from './describe-date-time.ts';
import { resolveTimeZone } from './resolve-time-zone.ts';

/** The arguments of the current-time tool. */
export type CurrentTimeArgs = { timeZone?: string | undefined; format?: string | undefined };

/** @internal */
export function createCurrentTimeTool(
  settings: DateTimeSettings,
  name: string,
): DefinedTool<CurrentTimeArgs, DateTimeDescription> {
  return defineTool({
    name,
    description:
      "Returns the current date and time in a time zone: ISO 8601 with offset, weekday, ISO week, Unix time, whether daylight saving is in effect, and a readable form. Call it whenever the answer depends on today's date or the current time; do not guess them.",
    parameters: z.object({
      timeZone: z
        .string()
        .max(64)
        .optional()
        .describe(describeTimeZoneArgument(settings.defaultTimeZone, 'to show the time in')),
      format: z.string().max(100).optional().describe(FORMAT_DESCRIPTION),
    }),
    execute: async ({ timeZone, format }) => {
      const luxon = await settings.loadLuxon();
      const zone = resolveTimeZone(luxon, timeZone ?? settings.defaultTimeZone, 'timeZone');
      const dateTime = checkDateRange({
        dateTime: luxon.DateTime.fromMillis(settings.now(), { zone }),
        // No argument of the call is at fault: the application's clock (the `now` option) is.
        argument: 'now',
        what: 'The current time of the configured clock',
      });
      return describeDateTime({ dateTime, locale: settings.locale, format });
    },
  });
}
