import type { DateTime } from 'luxon';

/** A date/time as the date/time tools report it. */
export type DateTimeDescription = {
  /** ISO 8601 with the offset, e.g. `2024-05-17T14:30:00.000+02:00`. */
  iso: string;
  /** The IANA zone name, `UTC`, or a fixed offset like `UTC+5`. */
  timeZone: string;
  /** The offset from UTC at that instant, e.g. `+02:00`. */
  utcOffset: string;
  /** The day of the week in English, e.g. `Friday`. */
  weekday: string;
  /** A human-readable form in the configured locale, or in the requested `format`. */
  formatted: string;
  /** The ISO week number (1 to 53). */
  isoWeek: number;
  /** Seconds since 1970-01-01T00:00:00Z. */
  unixSeconds: number;
  /** Whether daylight-saving time is in effect in the zone. */
  isDaylightSavingTime: boolean;
};

/** Formats one instant for the model. @internal */
export function describeDateTime({
  dateTime,
  locale,
  format,
}: {
  dateTime: DateTime;
  locale: string;
  format?: string | undefined;
}): DateTimeDescription {
  const localized = dateTime.setLocale(locale);
  return {
    iso: dateTime.toISO() as string,
    timeZone: dateTime.zoneName ?? 'UTC',
    utcOffset: dateTime.toFormat('ZZ'),
    weekday: dateTime.setLocale('en-US').weekdayLong as string,
    formatted:
      format === undefined
        ? localized.toLocaleString({
            weekday: 'long',
            year: 'numeric',
            month: 'long',
            day: 'numeric',
            hour: 'numeric',
            minute: '2-digit',
            second: '2-digit',
            timeZoneName: 'short',
          })
        : localized.toFormat(format),
    isoWeek: dateTime.weekNumber,
    unixSeconds: Math.floor(dateTime.toSeconds()),
    isDaylightSavingTime: dateTime.isInDST,
  };
}
