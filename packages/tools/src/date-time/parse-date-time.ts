import { escapeUnprintable, quoteText } from '@gemloop/core/internal';
import type { DateTime } from 'luxon';
import { checkDateRange } from './check-date-range.ts';
import { checkInputFormat } from './check-input-format.ts';
import { DateTimeError } from './date-time-error.ts';
import type { LuxonModule } from './resolve-time-zone.ts';

/** What {@link parseDateTime} needs. @internal */
export type ParseDateTimeOptions = {
  luxon: LuxonModule;
  /** The text from the model. */
  text: string;
  /** The zone of a date/time written without an offset (already resolved). */
  zone: string;
  /** Luxon format tokens for non-ISO text, e.g. `dd/MM/yyyy HH:mm`. */
  inputFormat?: string | undefined;
  /** Epoch milliseconds of "now". */
  now: number;
  /** The argument name, for error messages. */
  argument: string;
};

/** A parsed date/time, plus a note when it was adjusted. @internal */
export type ParsedDateTime = {
  dateTime: DateTime;
  /** Set when the wall-clock time does not exist in the zone (a daylight-saving gap). */
  note?: string | undefined;
};

/** Longest date/time text read; longer text is no date anyone writes. */
export const MAX_DATE_TIME_LENGTH = 100;

const EXAMPLES =
  'Use ISO 8601 such as "2024-05-17", "2024-05-17T14:30", "2024-05-17T14:30:00+02:00" or "2024-05-17T12:30:00Z", a Unix time in seconds such as "1715949000", or "now", "today", "tomorrow", "yesterday"; for other layouts give inputFormat (e.g. "dd/MM/yyyy").';

/**
 * Reads a date/time the model wrote: relative words, Unix seconds or milliseconds, ISO 8601,
 * RFC 2822, HTTP dates, SQL dates, or any layout given by `inputFormat`. Text with an offset keeps
 * it; text without one is read in `zone`. The instant must lie in the range every zone and every
 * calculation of the tools can handle ({@link checkDateRange}).
 *
 * @throws {@link DateTimeError} `invalid-date` with luxon's explanation and valid examples, or
 * `out-of-range`.
 * @internal
 */
export function parseDateTime(options: ParseDateTimeOptions): ParsedDateTime {
  const parsed = withLuxonClock(options.luxon, options.now, () => readDateTime(options));
  checkOffset(parsed.dateTime, options.argument, options.text.trim());
  checkDateRange({
    dateTime: parsed.dateTime,
    argument: options.argument,
    what: `${options.argument} ${quoteText(options.text.trim())}`,
  });
  return parsed;
}

/** The widest offset in use (Kiribati, +14:00), the bound `resolveTimeZone` applies too. */
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * luxon reads any two-digit hour as an offset, so "+99:00" (a typo, or a model's invention) would
 * give an instant four days off and a zone named "UTC+99"; refuse it like an invalid month.
 */
function checkOffset(dateTime: DateTime, argument: string, text: string): void {
  // An invalid instant (past the Date range) has no offset; checkDateRange reports it.
  if (!dateTime.isValid || dateTime.zone.type !== 'fixed') return;
  if (Math.abs(dateTime.offset) <= MAX_OFFSET_MINUTES) return;
  throw new DateTimeError({
    reason: 'invalid-date',
    argument,
    message: `Cannot read ${argument} ${quoteText(text)}: its UTC offset ${dateTime.toFormat('ZZ')} does not exist (offsets run from -14:00 to +14:00). ${EXAMPLES}`,
  });
}

/**
 * luxon fills the fields a text leaves out ("14:00" has no date, "June 1" no year) from its global
 * `Settings.now`, not from the tools' clock, so without this "today" and "14:00" would be read
 * against two different days whenever `now` is injected. Parsing is synchronous, so no other code
 * runs while luxon's clock is swapped, and it is put back even when the parse throws.
 */
function withLuxonClock<T>(luxon: LuxonModule, now: number, read: () => T): T {
  const { Settings } = luxon;
  const saved = Settings.now;
  Settings.now = () => now;
  try {
    return read();
  } finally {
    Settings.now = saved;
  }
}

function readDateTime({
  luxon,
  text,
  zone,
  inputFormat,
  now,
  argument,
}: ParseDateTimeOptions): ParsedDateTime {
  const { DateTime } = luxon;
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_DATE_TIME_LENGTH) {
    throw new DateTimeError({
      reason: 'invalid-date',
      argument,
      message: `${argument} must be 1 to ${MAX_DATE_TIME_LENGTH} characters, got ${trimmed.length}. ${EXAMPLES}`,
    });
  }
  const options = { zone, setZone: true, locale: 'en-US' } as const;

  if (inputFormat !== undefined) {
    const problem = checkInputFormat(inputFormat);
    if (problem !== undefined) {
      throw new DateTimeError({
        reason: 'invalid-date',
        argument: 'inputFormat',
        message: problem,
      });
    }
    const parsed = DateTime.fromFormat(trimmed, inputFormat, options);
    if (parsed.isValid) return { dateTime: parsed };
    throw invalidDate(
      argument,
      trimmed,
      parsed.invalidExplanation,
      ` with inputFormat ${quoteText(inputFormat)}`,
    );
  }

  const relative = readRelative(luxon, trimmed.toLowerCase(), zone, now);
  if (relative !== undefined) return { dateTime: relative };

  if (/^-?\d{9,14}$/.test(trimmed)) {
    // 9 to 11 digits are Unix seconds (1973 to 5138); 12 to 14 are milliseconds.
    const value = Number(trimmed);
    const millis = trimmed.replace('-', '').length <= 11 ? value * 1000 : value;
    const parsed = DateTime.fromMillis(millis, { zone });
    if (parsed.isValid) return { dateTime: parsed };
    throw invalidDate(argument, trimmed, parsed.invalidExplanation, '');
  }

  const iso = DateTime.fromISO(trimmed, options);
  if (iso.isValid) return { dateTime: iso, note: gapNote(luxon, trimmed, iso) };
  const others = [
    () => DateTime.fromRFC2822(trimmed, options),
    () => DateTime.fromHTTP(trimmed, options),
    () => DateTime.fromSQL(trimmed, options),
  ];
  for (const parse of others) {
    const parsed = parse();
    if (parsed.isValid) return { dateTime: parsed };
  }
  // An ISO-looking text failed on its values ("2024-02-30"): luxon says which one.
  const explanation = /^\d{4}-\d{2}/.test(trimmed) ? iso.invalidExplanation : null;
  throw invalidDate(argument, trimmed, explanation, '');
}

function readRelative(
  luxon: LuxonModule,
  word: string,
  zone: string,
  now: number,
): DateTime | undefined {
  const current = luxon.DateTime.fromMillis(now, { zone });
  switch (word) {
    case 'now':
      return current;
    case 'today':
      return current.startOf('day');
    case 'tomorrow':
      return current.startOf('day').plus({ days: 1 });
    case 'yesterday':
      return current.startOf('day').minus({ days: 1 });
    default:
      return undefined;
  }
}

/**
 * Luxon moves a wall-clock time inside a daylight-saving gap forward (02:30 on the spring-forward
 * night becomes 03:30); the model should know the time it asked for does not exist. A zone can
 * also skip a whole day (Samoa skipped 2011-12-30 to cross the date line): the time then lands on
 * the same hour of the next day, so the date is compared too (attack59b).
 */
function gapNote(luxon: LuxonModule, text: string, parsed: DateTime): string | undefined {
  const wall = luxon.DateTime.fromISO(text, { zone: 'UTC', setZone: true });
  // An offset follows a time: without the `T`, a date's own "-30" ("2011-12-30") read as one.
  if (!wall.isValid || wall.offset !== 0 || /T.*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(text))
    return undefined;
  const sameDay = wall.toISODate() === parsed.toISODate();
  if (sameDay && wall.hour === parsed.hour && wall.minute === parsed.minute) return undefined;
  return `${text} does not exist in ${parsed.zoneName ?? 'this zone'} (${describeSkip(sameDay)}); it was read as ${parsed.toISO()}.`;
}

/**
 * Why a wall-clock time does not exist: a daylight-saving gap moves it within its day, a zone
 * that skipped a whole day (across the date line) moves it to the next.
 * @internal
 */
export function describeSkip(sameDay: boolean): string {
  return sameDay ? 'the clocks skip that hour for daylight saving' : 'the clocks skipped that day';
}

function invalidDate(
  argument: string,
  text: string,
  explanation: string | null,
  layout: string,
): DateTimeError {
  // luxon's explanation quotes the model's text as it is (`the input "…" can't be parsed`).
  const why = explanation === null ? '' : ` (${escapeUnprintable(explanation)})`;
  return new DateTimeError({
    reason: 'invalid-date',
    argument,
    message: `Cannot read ${argument} ${quoteText(text)} as a date/time${layout}${why}. ${EXAMPLES}`,
  });
}
