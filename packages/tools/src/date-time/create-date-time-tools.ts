import type { DefinedTool } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  functionOption,
  stringOption,
} from '@gemloop/core/internal';
import type { AddToDateArgs, AddToDateResult } from './create-add-to-date-tool.ts';
import { createAddToDateTool } from './create-add-to-date-tool.ts';
import type { ConvertTimeArgs, ConvertTimeResult } from './create-convert-time-tool.ts';
import { createConvertTimeTool } from './create-convert-time-tool.ts';
import type { CurrentTimeArgs } from './create-current-time-tool.ts';
import { createCurrentTimeTool } from './create-current-time-tool.ts';
import type { DateDifferenceArgs, DateDifferenceResult } from './create-date-difference-tool.ts';
import { createDateDifferenceTool } from './create-date-difference-tool.ts';
import type { DateTimeSettings } from './date-time-settings.ts';
import type { DateTimeDescription } from './describe-date-time.ts';
import type { LuxonModule } from './resolve-time-zone.ts';

/** The options of {@link createDateTimeTools}. */
export type DateTimeToolsOptions = {
  /**
   * The zone of "now" and of times written without an offset, when the model names none: set it
   * to the user's zone. Validated at creation.
   * @defaultValue `'UTC'`
   */
  defaultTimeZone?: string | undefined;
  /** The locale of the readable `formatted` field (BCP 47). @defaultValue `'en-US'` */
  locale?: string | undefined;
  /** The clock, in epoch milliseconds; inject a fixed one in tests. @defaultValue `Date.now` */
  now?: (() => number) | undefined;
  /** Prefix of the four tool names, e.g. `'calendar_'`. @defaultValue `''` */
  namePrefix?: string | undefined;
};

/** The date and time tools, one per job, and all of them as a list for an agent. */
export type DateTimeTools = {
  /** `get_current_time`: now, in any zone. */
  currentTime: DefinedTool<CurrentTimeArgs, DateTimeDescription>;
  /** `convert_time`: parse a date/time and express it in another zone or layout. */
  convertTime: DefinedTool<ConvertTimeArgs, ConvertTimeResult>;
  /** `add_to_date`: add or subtract years, months, weeks, days, hours, minutes, seconds. */
  addToDate: DefinedTool<AddToDateArgs, AddToDateResult>;
  /** `date_difference`: the time between two date/times, broken down and in totals. */
  dateDifference: DefinedTool<DateDifferenceArgs, DateDifferenceResult>;
  /** The four tools, for `createAgent({ tools: [...dateTime.tools] })`. */
  tools: readonly [
    DefinedTool<CurrentTimeArgs, DateTimeDescription>,
    DefinedTool<ConvertTimeArgs, ConvertTimeResult>,
    DefinedTool<AddToDateArgs, AddToDateResult>,
    DefinedTool<DateDifferenceArgs, DateDifferenceResult>,
  ];
};

const dateTimeOptions: DeclaredOptions<DateTimeToolsOptions> = defineOptions<DateTimeToolsOptions>({
  name: 'createDateTimeTools',
  example: "{ defaultTimeZone: 'Europe/Paris' }",
  checks: {
    // Both are checked where used, by asking Intl (the message then names the nearest zone).
    defaultTimeZone: checkedWhereUsed,
    locale: checkedWhereUsed,
    now: functionOption(
      'createDateTimeTools: now must be a function returning epoch milliseconds.',
    ),
    namePrefix: stringOption(),
  },
});

/**
 * Date and time tools built on luxon (time zones from the IANA database through `Intl`, calendar
 * arithmetic that respects month lengths and daylight saving). Four small tools rather than one
 * with an `operation` switch: each has its own required arguments, so the schema itself tells the
 * model what a call needs and rejects incomplete ones with a precise message, and each
 * description stays short. Time zones are checked, and a wrong one is answered with the closest
 * valid names ("Europe/Pariss" → "Europe/Paris", "PST" → "America/Los_Angeles").
 *
 * luxon is loaded on the first call, not when `@gemloop/tools` is imported.
 *
 * @example
 * const dateTime = createDateTimeTools({ defaultTimeZone: 'Europe/Paris' });
 * const agent = createAgent({ model, tools: [...dateTime.tools] });
 *
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} for an invalid `defaultTimeZone`, `locale` or `now`.
 */
export function createDateTimeTools(options: DateTimeToolsOptions = {}): DateTimeTools {
  // Each option read once (attack20): a `now` getter gave the check a clock, the tools a string.
  const {
    defaultTimeZone = 'UTC',
    locale = 'en-US',
    now = Date.now,
    namePrefix = '',
  } = checkOptionsCopy(dateTimeOptions, options);
  const settings: DateTimeSettings = {
    loadLuxon: () => import('luxon') as Promise<LuxonModule>,
    now: () => checkClock(now()),
    defaultTimeZone: checkTimeZone(defaultTimeZone),
    locale: checkLocale(locale),
  };
  const currentTime = createCurrentTimeTool(settings, `${namePrefix}get_current_time`);
  const convertTime = createConvertTimeTool(settings, `${namePrefix}convert_time`);
  const addToDate = createAddToDateTool(settings, `${namePrefix}add_to_date`);
  const dateDifference = createDateDifferenceTool(settings, `${namePrefix}date_difference`);
  return {
    currentTime,
    convertTime,
    addToDate,
    dateDifference,
    tools: [currentTime, convertTime, addToDate, dateDifference],
  };
}

/**
 * The clock's reading, checked at every call (a clock is only known by calling it): a `Date`
 * (`() => new Date()`, an easy slip) or `NaN` would otherwise reach the model as luxon's
 * "fromMillis requires a numerical input" or as a result full of nulls.
 */
function checkClock(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new InvalidArgumentError({
    argument: 'now',
    message: `createDateTimeTools: now() must return epoch milliseconds (a finite number), got ${value instanceof Date ? 'a Date' : typeof value === 'number' ? String(value) : `a ${typeof value}`}. Return Date.now() or date.getTime().`,
  });
}

// The options are checked with Intl alone, so creating the tools does not load luxon.
function checkTimeZone(timeZone: string): string {
  if (typeof timeZone === 'string' && timeZone.toUpperCase() === 'UTC') return 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch (cause) {
    throw new InvalidArgumentError({
      argument: 'defaultTimeZone',
      message: `createDateTimeTools: defaultTimeZone ${JSON.stringify(timeZone)} is not a time zone Intl knows. Use an IANA name such as "Europe/Paris" or "UTC".`,
      cause,
    });
  }
}

function checkLocale(locale: string): string {
  try {
    return new Intl.DateTimeFormat(locale).resolvedOptions().locale;
  } catch (cause) {
    throw new InvalidArgumentError({
      argument: 'locale',
      message: `createDateTimeTools: locale ${JSON.stringify(locale)} is not a valid BCP 47 tag such as "en-US" or "fr-FR".`,
      cause,
    });
  }
}
