import { describe, expect, it } from 'vitest';
import { toolContext } from '../__fixtures__/tool-context.ts';
import { createDateTimeTools } from '../index.ts';

// attack59b: adding days "keeps the wall-clock time across daylight-saving changes", the tool
// tells the model, and it cannot when that time does not exist on the day reached: 02:30 plus one
// day on the spring-forward night came back as 03:30, and 12:00 on the day before Samoa skipped
// 2011-12-30 plus one day came back as 2011-12-31, both without a word. A time given that way is
// noted (convert_time's note); a result landing so is noted the same way now.

const { addToDate } = createDateTimeTools({ defaultTimeZone: 'UTC' });

describe('a calendar sum that lands on a time the zone skips', () => {
  it.each([
    [
      'one day after 02:30 the night before spring-forward',
      { dateTime: '2024-03-09T02:30', timeZone: 'America/New_York', days: 1 },
      '2024-03-10T03:30:00.000-04:00',
      '2024-03-10T02:30:00 does not exist in America/New_York (the clocks skip that hour for daylight saving)',
    ],
    [
      'one day after 2011-12-29 in Samoa',
      { dateTime: '2011-12-29T12:00', timeZone: 'Pacific/Apia', days: 1 },
      '2011-12-31T12:00:00.000+14:00',
      '2011-12-30T12:00:00 does not exist in Pacific/Apia (the clocks skipped that day)',
    ],
  ])('%s: moved, and the model is told why', async (_name, args, iso, why) => {
    const result = await addToDate.execute(args, toolContext());
    expect(result.iso).toBe(iso);
    expect(result.note).toBe(`${why}; the result was moved to ${iso}.`);
  });

  it('a sum that lands on an ordinary time, or a month end clamped, has no note', async () => {
    for (const args of [
      { dateTime: '2024-03-09T01:30', timeZone: 'America/New_York', days: 1 },
      { dateTime: '2024-01-31', months: 1 },
      { dateTime: '2024-02-29', years: 1 },
      { dateTime: '2011-12-29T12:00', timeZone: 'Pacific/Apia', days: 2 },
    ]) {
      const result = await addToDate.execute(args, toolContext());
      expect(result.note).toBeUndefined();
    }
  });

  it('adding hours adds elapsed time, which has no wall clock to keep: no note', async () => {
    const result = await addToDate.execute(
      { dateTime: '2024-03-10T01:30', timeZone: 'America/New_York', hours: 1 },
      toolContext(),
    );
    expect(result.iso).toBe('2024-03-10T03:30:00.000-04:00');
    expect(result.note).toBeUndefined();
  });
});
