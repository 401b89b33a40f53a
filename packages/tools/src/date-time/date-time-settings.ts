import type { LuxonModule } from './resolve-time-zone.ts';

/** What every date/time tool of one {@link createDateTimeTools} call shares. @internal */
export type DateTimeSettings = {
  /** Loads luxon on first use, so importing `@gemloop/tools` stays cheap. */
  loadLuxon: () => Promise<LuxonModule>;
  /** Epoch milliseconds of "now". */
  now: () => number;
  /** The zone of times written without an offset, and of "now", unless the model names one. */
  defaultTimeZone: string;
  /** The locale of `formatted`. */
  locale: string;
};

/** The `timeZone` argument's description, shared by the tools. @internal */
export function describeTimeZoneArgument(defaultTimeZone: string, what: string): string {
  return `IANA time zone ${what}, e.g. "Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC", or a fixed offset like "UTC+05:30". Default: "${defaultTimeZone}".`;
}

/** The `format` argument's description. @internal */
export const FORMAT_DESCRIPTION =
  'Optional output layout in luxon tokens, e.g. "yyyy-MM-dd HH:mm" or "cccc d LLLL yyyy, h:mm a" (yyyy year, MM month, LLLL month name, dd day, cccc weekday, HH 24-hour, hh 12-hour, mm minute, ss second, a AM/PM, ZZ offset, ZZZZ zone abbreviation; text in single quotes is literal). Leave out for a readable default.';

/** The `dateTime`-like arguments' description. @internal */
export const DATE_TIME_DESCRIPTION =
  'ISO 8601 ("2024-05-17", "2024-05-17T14:30", "2024-05-17T14:30:00+02:00", "2024-05-17T12:30:00Z"), RFC 2822, a Unix time in seconds ("1715949000"), or "now", "today", "tomorrow", "yesterday". Text without an offset is read in timeZone.';
