import { InvalidArgumentError, type ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import { createDateTimeTools } from './create-date-time-tools.ts';
import { DateTimeError } from './date-time-error.ts';

const context: ToolExecuteContext = {
  signal: new AbortController().signal,
  toolCallId: 'call-1',
  step: 1,
  logger: silentLogger,
  contents: [],
};

// 2024-03-30T23:30:00Z: Saturday evening in New York, already Sunday 00:30 in Paris, a few hours
// before Europe springs forward (2024-03-31T01:00Z).
const NOW = Date.parse('2024-03-30T23:30:00Z');
const tools = createDateTimeTools({ now: () => NOW, defaultTimeZone: 'Europe/Paris' });

async function failure(run: () => unknown): Promise<DateTimeError> {
  try {
    await run();
  } catch (error) {
    if (DateTimeError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a DateTimeError');
}

async function captureThrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('createDateTimeTools', () => {
  it('makes four named tools and lists them for an agent', () => {
    expect(tools.tools.map((tool) => tool.name)).toEqual([
      'get_current_time',
      'convert_time',
      'add_to_date',
      'date_difference',
    ]);
    expect(createDateTimeTools({ namePrefix: 'cal_' }).tools[0].name).toBe('cal_get_current_time');
    const schema = tools.dateDifference.declaration.parametersJsonSchema as {
      required: string[];
      properties: { timeZone: { description: string } };
    };
    expect(schema.required).toEqual(['from', 'to']);
    expect(schema.properties.timeZone.description).toContain('Default: "Europe/Paris"');
  });

  it('rejects a bad default zone, locale or clock at creation', () => {
    expect(() => createDateTimeTools({ defaultTimeZone: 'Mars/Olympus' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createDateTimeTools({ locale: 'not a locale!' })).toThrow(/BCP 47/);
    expect(() => createDateTimeTools({ now: 5 as unknown as () => number })).toThrow(
      InvalidArgumentError,
    );
  });

  it('names the clock when it returns no epoch milliseconds, instead of null fields or a luxon error', async () => {
    for (const now of [() => Number.NaN, () => new Date(NOW) as unknown as number]) {
      const broken = createDateTimeTools({ now });
      for (const call of [
        () => broken.currentTime.execute({}, context),
        () => broken.addToDate.execute({ dateTime: 'now', days: 1 }, context),
      ]) {
        const error = await captureThrown(call);
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ argument: 'now' });
        expect((error as Error).message).toMatch(
          /^createDateTimeTools: now\(\) must return epoch milliseconds/,
        );
      }
    }
    // A clock past the supported range is reported like any date there, not as iso: null.
    const far = createDateTimeTools({ now: () => 1e20 });
    expect((await failure(() => far.currentTime.execute({}, context))).reason).toBe('out-of-range');
  });

  describe('get_current_time', () => {
    it('reads the injected clock in the default zone', async () => {
      expect(await tools.currentTime.execute({}, context)).toEqual({
        iso: '2024-03-31T00:30:00.000+01:00',
        timeZone: 'Europe/Paris',
        utcOffset: '+01:00',
        weekday: 'Sunday',
        formatted: 'Sunday, March 31, 2024 at 12:30:00 AM GMT+1',
        isoWeek: 13,
        unixSeconds: NOW / 1000,
        isDaylightSavingTime: false,
      });
    });

    it('shows the same instant in another zone, fixing the case of its name', async () => {
      const result = await tools.currentTime.execute({ timeZone: 'america/new_york' }, context);
      expect(result).toMatchObject({
        iso: '2024-03-30T19:30:00.000-04:00',
        timeZone: 'America/New_York',
        weekday: 'Saturday',
        isDaylightSavingTime: true,
      });
    });

    it('accepts UTC, fixed offsets and a custom format', async () => {
      expect((await tools.currentTime.execute({ timeZone: 'utc' }, context)).iso).toBe(
        '2024-03-30T23:30:00.000Z',
      );
      const offset = await tools.currentTime.execute(
        { timeZone: '+05:30', format: "yyyy-MM-dd HH:mm 'IST-ish'" },
        context,
      );
      expect(offset).toMatchObject({ utcOffset: '+05:30', formatted: '2024-03-31 05:00 IST-ish' });
      expect((await tools.currentTime.execute({ timeZone: 'UTC-03:00' }, context)).iso).toBe(
        '2024-03-30T20:30:00.000-03:00',
      );
    });

    it('keeps a modern zone name that the ICU data spells the old way', async () => {
      const result = await tools.currentTime.execute({ timeZone: 'Asia/Kolkata' }, context);
      expect(result).toMatchObject({ timeZone: 'Asia/Kolkata', utcOffset: '+05:30' });
    });

    it('suggests close zone names for a typo, a city, or an abbreviation', async () => {
      const typo = await failure(() =>
        tools.currentTime.execute({ timeZone: 'Europe/Pariss' }, context),
      );
      expect(typo.reason).toBe('invalid-time-zone');
      expect(typo.argument).toBe('timeZone');
      expect(typo.suggestions[0]).toBe('Europe/Paris');
      expect(typo.message).toMatch(
        /^Unknown time zone "Europe\/Pariss" in timeZone\. Did you mean "Europe\/Paris"/,
      );
      expect(typo.message).toContain('Use an IANA name such as "Europe/Paris"');

      const city = await failure(() =>
        tools.currentTime.execute({ timeZone: 'new york' }, context),
      );
      expect(city.suggestions).toContain('America/New_York');
      const misspelled = await failure(() =>
        tools.currentTime.execute({ timeZone: 'Tokio' }, context),
      );
      expect(misspelled.suggestions).toContain('Asia/Tokyo');

      // Intl would take "BST" as Asia/Dhaka; a model means British Summer Time.
      const abbreviation = await failure(() =>
        tools.currentTime.execute({ timeZone: 'BST' }, context),
      );
      expect(abbreviation.message).toBe(
        'Time zone abbreviations like "BST" are ambiguous and ignore daylight saving. Use an IANA name such as "Europe/London" or "Asia/Dhaka", "UTC", or a fixed offset such as "UTC-05:00".',
      );
      expect(
        (await failure(() => tools.currentTime.execute({ timeZone: 'PST' }, context))).suggestions,
      ).toEqual(['America/Los_Angeles']);
    });

    it('refuses the server zone and hostile names', async () => {
      expect(
        (await failure(() => tools.currentTime.execute({ timeZone: 'local' }, context))).message,
      ).toContain('Leave timeZone out to use the default zone');
      for (const timeZone of [
        '__proto__',
        'constructor',
        '../../etc/passwd',
        'x'.repeat(64),
        'UTC+99',
      ]) {
        const error = await failure(() => tools.currentTime.execute({ timeZone }, context));
        expect(error.reason).toBe('invalid-time-zone');
      }
    });
  });

  describe('convert_time', () => {
    it('converts between zones', async () => {
      const result = await tools.convertTime.execute(
        { dateTime: '2024-05-17T14:00', timeZone: 'Asia/Tokyo', toTimeZone: 'Europe/Paris' },
        context,
      );
      expect(result).toMatchObject({
        iso: '2024-05-17T07:00:00.000+02:00',
        timeZone: 'Europe/Paris',
        weekday: 'Friday',
        isoWeek: 20,
      });
    });

    it('keeps an explicit offset and reads RFC 2822, Unix seconds and milliseconds', async () => {
      const expected = '2024-05-17T12:30:00.000Z';
      const read = async (dateTime: string, toTimeZone = 'UTC') =>
        (await tools.convertTime.execute({ dateTime, toTimeZone }, context)).iso;
      expect(await read('2024-05-17T14:30:00+02:00')).toBe(expected);
      expect(await read('Fri, 17 May 2024 12:30:00 GMT')).toBe(expected);
      expect(await read('1715949000')).toBe(expected);
      expect(await read('1715949000000')).toBe(expected);
      expect(await read('2024-05-17 14:30:00', 'UTC')).toBe(expected); // SQL, in the default zone
    });

    it('reads relative words against the injected clock', async () => {
      const read = async (dateTime: string) =>
        (await tools.convertTime.execute({ dateTime }, context)).iso;
      expect(await read('now')).toBe('2024-03-31T00:30:00.000+01:00');
      expect(await read('Today')).toBe('2024-03-31T00:00:00.000+01:00');
      expect(await read('tomorrow')).toBe('2024-04-01T00:00:00.000+02:00');
      expect(await read('yesterday')).toBe('2024-03-30T00:00:00.000+01:00');
    });

    it('takes the date a text leaves out from the injected clock, not the real one', async () => {
      const read = async (dateTime: string, inputFormat?: string) =>
        (await tools.convertTime.execute({ dateTime, inputFormat }, context)).iso;
      // In Paris, NOW is already 2024-03-31.
      expect(await read('14:00')).toBe('2024-03-31T14:00:00.000+02:00');
      expect(await read('9:05 PM', 'h:mm a')).toBe('2024-03-31T21:05:00.000+02:00');
      expect(await read('June 1', 'MMMM d')).toBe('2024-06-01T00:00:00.000+02:00');
      const difference = await tools.dateDifference.execute(
        { from: 'today', to: '14:00', units: ['hours'] },
        context,
      );
      expect(difference.breakdown).toEqual({ hours: 13 });
      // luxon's own clock is left as it was.
      const { Settings } = await import('luxon');
      expect(Math.abs(Settings.now() - Date.now())).toBeLessThan(60_000);
    });

    it('refuses an offset no place on Earth uses instead of reporting a zone "UTC+99"', async () => {
      for (const dateTime of [
        '2024-03-10T12:00+99:00',
        '2024-03-10T12:00-14:01',
        'Sun, 10 Mar 2024 02:30:00 +9900',
      ]) {
        const error = await failure(() => tools.convertTime.execute({ dateTime }, context));
        expect(error).toMatchObject({ reason: 'invalid-date', argument: 'dateTime' });
        expect(error.message).toContain('offsets run from -14:00 to +14:00');
      }
      const edge = await tools.convertTime.execute({ dateTime: '2024-03-10T12:00+14:00' }, context);
      expect(edge.utcOffset).toBe('+14:00');
    });

    it('reads other layouts with inputFormat', async () => {
      const result = await tools.convertTime.execute(
        { dateTime: '17/05/2024 9:05 PM', inputFormat: 'dd/MM/yyyy h:mm a', format: 'cccc' },
        context,
      );
      expect(result).toMatchObject({ iso: '2024-05-17T21:05:00.000+02:00', formatted: 'Friday' });
      const error = await failure(() =>
        tools.convertTime.execute({ dateTime: '2024-05-17', inputFormat: 'dd/MM/yyyy' }, context),
      );
      expect(error.message).toContain('with inputFormat "dd/MM/yyyy"');
    });

    it('refuses an inputFormat that would make luxon backtrack exponentially', async () => {
      const error = await failure(() =>
        tools.convertTime.execute(
          { dateTime: `${'1'.repeat(30)}x`, inputFormat: 'Hm'.repeat(10) },
          context,
        ),
      );
      expect(error).toMatchObject({ reason: 'invalid-date', argument: 'inputFormat' });
      expect(error.message).toContain('which is ambiguous');
    });

    it('notes a wall-clock time that daylight saving skips', async () => {
      const result = await tools.convertTime.execute({ dateTime: '2024-03-31T02:30' }, context);
      expect(result.iso).toBe('2024-03-31T03:30:00.000+02:00');
      expect(result.note).toBe(
        '2024-03-31T02:30 does not exist in Europe/Paris (the clocks skip that hour for daylight saving); it was read as 2024-03-31T03:30:00.000+02:00.',
      );
      const normal = await tools.convertTime.execute({ dateTime: '2024-03-31T04:30' }, context);
      expect(normal.note).toBeUndefined();
    });

    it('explains an impossible date and lists the forms it reads', async () => {
      const impossible = await failure(() =>
        tools.convertTime.execute({ dateTime: '2024-02-30' }, context),
      );
      expect(impossible.reason).toBe('invalid-date');
      expect(impossible.message).toMatch(
        /^Cannot read dateTime "2024-02-30" as a date\/time \(you specified 30 \(of type number\) as a day, which is invalid\)\. Use ISO 8601/,
      );
      const prose = await failure(() =>
        tools.convertTime.execute({ dateTime: 'next tuesday' }, context),
      );
      expect(prose.message).toContain('for other layouts give inputFormat');
      const long = await failure(() =>
        tools.convertTime.execute({ dateTime: '2'.repeat(500) }, context),
      );
      expect(long.message).toMatch(/^dateTime must be 1 to 100 characters, got 500\./);
    });
  });

  describe('add_to_date', () => {
    it('clamps to the end of a shorter month', async () => {
      const result = await tools.addToDate.execute({ dateTime: '2024-01-31', months: 1 }, context);
      expect(result.iso).toBe('2024-02-29T00:00:00.000+01:00');
    });

    it('adds calendar days by wall clock and hours by elapsed time across daylight saving', async () => {
      const days = await tools.addToDate.execute(
        { dateTime: '2024-03-30T12:00', days: 1 },
        context,
      );
      expect(days.iso).toBe('2024-03-31T12:00:00.000+02:00');
      const hours = await tools.addToDate.execute(
        { dateTime: '2024-03-30T12:00', hours: 24 },
        context,
      );
      expect(hours.iso).toBe('2024-03-31T13:00:00.000+02:00');
    });

    it('subtracts with negative amounts and combines units', async () => {
      const result = await tools.addToDate.execute(
        { dateTime: '2024-05-17T12:00:00Z', years: -1, weeks: 2, hours: -1.5 },
        context,
      );
      expect(result.iso).toBe('2023-05-31T10:30:00.000Z');
    });

    it('asks for an amount when none is given', async () => {
      const error = await failure(() => tools.addToDate.execute({ dateTime: 'now' }, context));
      expect(error.reason).toBe('invalid-duration');
      expect(error.message).toMatch(/^Give at least one amount to add: years, months/);
    });

    it('reports a result outside the representable range', async () => {
      const error = await failure(() =>
        tools.addToDate.execute({ dateTime: 'now', years: 1_000_000_000 }, context),
      );
      expect(error.reason).toBe('out-of-range');
      expect(error.message).toContain('Use smaller amounts.');
    });

    it('rejects fractional calendar units and absurd amounts through the schema', () => {
      expect(tools.addToDate.parseArgs({ dateTime: 'now', days: 1.5 }).success).toBe(false);
      expect(tools.addToDate.parseArgs({ dateTime: 'now', hours: 1e15 }).success).toBe(false);
      expect(tools.addToDate.parseArgs({ dateTime: 'now', hours: 1.5 }).success).toBe(true);
    });
  });

  describe('date_difference', () => {
    it('breaks a difference down and totals it', async () => {
      const result = await tools.dateDifference.execute(
        { from: 'today', to: '2024-12-25' },
        context,
      );
      expect(result).toEqual({
        from: '2024-03-31T00:00:00.000+01:00',
        to: '2024-12-25T00:00:00.000+01:00',
        breakdown: { years: 0, months: 8, days: 25, hours: 0, minutes: 0, seconds: 0 },
        text: '8 months, 25 days',
        // Both daylight-saving changes fall inside, so the hours are a whole 269 * 24.
        totals: { weeks: 38.428571, days: 269, hours: 6456, minutes: 387360, seconds: 23241600 },
        isoDuration: 'P8M25D',
      });
    });

    it('counts the daylight-saving day as one calendar day of 23 hours', async () => {
      const result = await tools.dateDifference.execute(
        { from: '2024-03-31', to: '2024-04-01', units: ['days', 'hours'] },
        context,
      );
      expect(result.breakdown).toEqual({ days: 1, hours: 0 });
      expect(result.totals).toMatchObject({ days: 1, hours: 23 });
    });

    it('is negative when to is before from', async () => {
      const result = await tools.dateDifference.execute(
        { from: '2024-03-01', to: '2024-01-15', units: ['days'] },
        context,
      );
      expect(result.breakdown).toEqual({ days: -46 });
      expect(result.totals.days).toBe(-46);
    });

    it('compares instants given in different zones', async () => {
      const result = await tools.dateDifference.execute(
        { from: '2024-05-17T09:00:00-04:00', to: '2024-05-17T15:00:00+02:00', units: ['hours'] },
        context,
      );
      expect(result.breakdown).toEqual({ hours: 0 });
      expect(result.text).toBe('no difference');
    });

    it('names the argument that could not be read', async () => {
      const error = await failure(() =>
        tools.dateDifference.execute({ from: '2024-01-01', to: 'someday' }, context),
      );
      expect(error.argument).toBe('to');
      expect(error.message).toMatch(/^Cannot read to "someday"/);
    });
  });

  describe('at the edges of the Date range', () => {
    const RANGE =
      'Dates must lie between -271820-01-01T00:00:00.000Z and +275758-12-31T23:59:59.999Z';

    it('refuses a difference between the ends of the range with a typed error, not a luxon throw', async () => {
      for (const [from, to] of [
        ['-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z'],
        ['2024-01-01', '+275760-09-12T00:00:00Z'],
        ['+275760-09-13T00:00:00Z', '2024-01-01'],
      ] as const) {
        const error = await failure(() => tools.dateDifference.execute({ from, to }, context));
        expect(error.reason).toBe('out-of-range');
        expect(error.message).toContain(RANGE);
      }
    });

    it('computes a difference across the whole supported range', async () => {
      const result = await tools.dateDifference.execute(
        { from: '-271820-01-01T00:00:00Z', to: '+275758-12-31T23:59:59.999Z', timeZone: 'UTC' },
        context,
      );
      expect(result.breakdown).toMatchObject({ years: 547578, months: 11, days: 30 });
      expect(Number.isFinite(result.totals.weeks)).toBe(true);
      const zoned = await tools.dateDifference.execute(
        {
          from: '-271820-01-01T00:00:00Z',
          to: '+275758-12-31T23:59:59.999Z',
          timeZone: 'Pacific/Kiritimati',
          units: ['years', 'weeks', 'days'],
        },
        context,
      );
      expect(zoned.isoDuration).toMatch(/^P547578Y/);
    });

    it('refuses to convert a time whose wall clock falls off the range instead of returning iso: null', async () => {
      for (const dateTime of ['+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z']) {
        const error = await failure(() =>
          tools.convertTime.execute({ dateTime, toTimeZone: 'Pacific/Kiritimati' }, context),
        );
        expect(error.reason).toBe('out-of-range');
        expect(error.argument).toBe('dateTime');
        expect(error.message).toContain(RANGE);
      }
      const last = await tools.convertTime.execute(
        { dateTime: '+275758-12-31T23:59:59.999Z', toTimeZone: 'Pacific/Kiritimati' },
        context,
      );
      expect(last.iso).toBe('+275759-01-01T13:59:59.999+14:00');
    });

    it('refuses a sum past the supported range and names it', async () => {
      const error = await failure(() =>
        tools.addToDate.execute({ dateTime: '+275758-12-31T00:00:00Z', days: 2 }, context),
      );
      expect(error.reason).toBe('out-of-range');
      expect(error.message).toContain(RANGE);
    });
  });
});
