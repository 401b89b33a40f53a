import type { ToolExecuteContext } from '@gemloop/core';
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

const NOW = Date.parse('2024-06-15T12:00:00Z');
const { dateDifference } = createDateTimeTools({
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

describe('date_difference', () => {
  it('lists the breakdown largest unit first whatever order the units are asked in, once each', async () => {
    const result = await dateDifference.execute(
      { from: '2024-01-01', to: '2024-03-15T06:00', units: ['hours', 'days', 'days', 'months'] },
      context,
    );
    expect(Object.keys(result.breakdown)).toEqual(['months', 'days', 'hours']);
    expect(result.breakdown).toEqual({ months: 2, days: 14, hours: 6 });
    expect(result.text).toBe('2 months, 14 days, 6 hours');
    expect(result.isoDuration).toBe('P2M14DT6H');
  });

  it('says "no difference" for the same instant and is zero in every total', async () => {
    const result = await dateDifference.execute(
      { from: '2024-05-17T10:00:00+02:00', to: '2024-05-17T08:00:00Z' },
      context,
    );
    expect(result.text).toBe('no difference');
    expect(result.totals).toEqual({ weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 });
    for (const value of Object.values(result.breakdown)) expect(Object.is(value, -0)).toBe(false);
  });

  it('rounds a fractional last unit to six decimals', async () => {
    const result = await dateDifference.execute(
      { from: '2024-01-01T00:00:00Z', to: '2024-01-01T00:00:01Z', units: ['hours'] },
      context,
    );
    expect(result.breakdown).toEqual({ hours: 0.000278 });
    expect(result.totals.seconds).toBe(1);
  });

  it('counts a leap year as 366 days and 52 weeks and 2 days', async () => {
    const result = await dateDifference.execute(
      { from: '2024-01-01', to: '2025-01-01', units: ['weeks', 'days'] },
      context,
    );
    expect(result.breakdown).toEqual({ weeks: 52, days: 2 });
    expect(result.totals.days).toBe(366);
  });

  it('refuses unknown, empty or prototype unit lists through the schema', () => {
    for (const units of [[], ['fortnights'], ['__proto__'], ['constructor'], 'days', [null]]) {
      expect(dateDifference.parseArgs({ from: 'today', to: 'tomorrow', units }).success).toBe(
        false,
      );
    }
    expect(
      dateDifference.parseArgs({ from: 'today', to: 'tomorrow', units: ['days'] }).success,
    ).toBe(true);
  });

  it('names "from" when the start cannot be read', async () => {
    const error = await failure(() =>
      dateDifference.execute({ from: '\u0000', to: '2024-01-01' }, context),
    );
    expect(error.argument).toBe('from');
  });
});
