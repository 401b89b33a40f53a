import type { ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import { createDateTimeTools } from './create-date-time-tools.ts';
import { DateTimeError } from './date-time-error.ts';
import { MAX_DATE_TIME_LENGTH } from './parse-date-time.ts';

const context: ToolExecuteContext = {
  signal: new AbortController().signal,
  toolCallId: 'call-1',
  step: 1,
  logger: silentLogger,
  contents: [],
};

const NOW = Date.parse('2024-06-15T12:00:00Z');
const { addToDate } = createDateTimeTools({
  now: () => NOW,
  defaultTimeZone: 'UTC',
});

async function failure(run: () => unknown): Promise<DateTimeError> {
  try {
    await run();
  } catch (error) {
    if (DateTimeError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a DateTimeError');
}

const add = async (args: Parameters<typeof addToDate.execute>[0]): Promise<string> =>
  (await addToDate.execute(args, context)).iso;

describe('add_to_date', () => {
  it('clamps a leap day to 28 February in a common year, both ways', async () => {
    expect(await add({ dateTime: '2024-02-29', years: 1 })).toBe('2025-02-28T00:00:00.000Z');
    expect(await add({ dateTime: '2024-02-29', years: -1 })).toBe('2023-02-28T00:00:00.000Z');
    expect(await add({ dateTime: '2024-02-29', years: 4 })).toBe('2028-02-29T00:00:00.000Z');
  });

  it('adds months in one step, so two months from 31 January is 31 March, not 29 March', async () => {
    expect(await add({ dateTime: '2024-01-31', months: 2 })).toBe('2024-03-31T00:00:00.000Z');
    const february = await add({ dateTime: '2024-01-31', months: 1 });
    expect(await add({ dateTime: february, months: 1 })).toBe('2024-03-29T00:00:00.000Z');
  });

  it('accepts fractional clock units down to the millisecond, and zero amounts', async () => {
    expect(await add({ dateTime: '2024-01-01T00:00:00Z', seconds: 0.5 })).toBe(
      '2024-01-01T00:00:00.500Z',
    );
    expect(await add({ dateTime: '2024-01-01T00:00:00Z', minutes: 1.5 })).toBe(
      '2024-01-01T00:01:30.000Z',
    );
    expect(await add({ dateTime: '2024-01-01T00:00:00Z', days: 0 })).toBe(
      '2024-01-01T00:00:00.000Z',
    );
  });

  it('reads "now" from the injected clock and keeps the requested zone', async () => {
    expect(await add({ dateTime: 'now', weeks: 1 })).toBe('2024-06-22T12:00:00.000Z');
    const tokyo = await addToDate.execute(
      { dateTime: '2024-06-15T09:00', timeZone: 'Asia/Tokyo', hours: 1 },
      context,
    );
    expect(tokyo.iso).toBe('2024-06-15T10:00:00.000+09:00');
    expect(tokyo.timeZone).toBe('Asia/Tokyo');
    expect(tokyo.utcOffset).toBe('+09:00');
  });

  it('describes the result and honours a custom format', async () => {
    const result = await addToDate.execute(
      { dateTime: '2024-12-31', days: 1, format: "yyyy-MM-dd 'week' W" },
      context,
    );
    expect(result).toMatchObject({
      iso: '2025-01-01T00:00:00.000Z',
      weekday: 'Wednesday',
      formatted: '2025-01-01 week 1',
      isoWeek: 1,
      unixSeconds: 1735689600,
      isDaylightSavingTime: false,
    });
  });

  it('answers 100 concurrent calls each with its own sum', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, days) => add({ dateTime: '2024-01-01', days })),
    );
    expect(results[0]).toBe('2024-01-01T00:00:00.000Z');
    expect(results[59]).toBe('2024-02-29T00:00:00.000Z');
    expect(results[99]).toBe('2024-04-09T00:00:00.000Z');
  });

  it('does not take amounts from a __proto__ key in the model JSON', async () => {
    const parsed = addToDate.parseArgs(
      JSON.parse('{"dateTime":"2024-01-01","__proto__":{"days":5,"hours":3}}'),
    );
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    const error = await failure(() => addToDate.execute(parsed.value, context));
    expect(error.reason).toBe('invalid-duration');
    expect(({} as { days?: unknown }).days).toBeUndefined();
  });

  it('refuses hostile strings with a typed error naming the argument', async () => {
    const emoji = await failure(() => add({ dateTime: '\u{1f600}', days: 1 }));
    expect(emoji.argument).toBe('dateTime');
    const zone = await failure(() => add({ dateTime: 'now', timeZone: '__proto__', days: 1 }));
    expect(zone.argument).toBe('timeZone');
    expect(addToDate.parseArgs({ dateTime: '', days: 1 }).success).toBe(false);
    expect(
      addToDate.parseArgs({ dateTime: 'x'.repeat(MAX_DATE_TIME_LENGTH + 1), days: 1 }).success,
    ).toBe(false);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '1', null]) {
      expect(addToDate.parseArgs({ dateTime: 'now', hours: bad }).success).toBe(false);
    }
  });
});
