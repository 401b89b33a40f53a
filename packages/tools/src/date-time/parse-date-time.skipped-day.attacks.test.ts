import { describe, expect, it } from 'vitest';
import { toolContext } from '../__fixtures__/tool-context.ts';
import { createDateTimeTools } from '../index.ts';

// attack59b: a wall-clock time that does not exist is moved by luxon, and the model is told so
// in a note, but only when the hour or minute moved. Samoa (Pacific/Apia) skipped the whole of
// 2011-12-30 to cross the date line: "2011-12-30T12:00" there was read as 2011-12-31T12:00, the
// same hour of another day, and the answer came back without a word that the day never was.

const tools = createDateTimeTools({ defaultTimeZone: 'UTC' });

describe('a date the zone skipped', () => {
  it.each([
    ['2011-12-30T12:00', '2011-12-31T12:00:00.000+14:00'],
    ['2011-12-30', '2011-12-31T00:00:00.000+14:00'],
    ['2011-12-30T23:59:59', '2011-12-31T23:59:59.000+14:00'],
  ])('%s in Pacific/Apia: read as the next day, with a note saying so', async (dateTime, read) => {
    const result = await tools.convertTime.execute(
      { dateTime, timeZone: 'Pacific/Apia' },
      toolContext(),
    );
    expect(result.iso).toBe(read);
    expect(result.note).toBe(
      `${dateTime} does not exist in Pacific/Apia (the clocks skipped that day); it was read as ${read}.`,
    );
  });

  it('the day before and the day after are read as they are, without a note', async () => {
    for (const dateTime of ['2011-12-29T12:00', '2011-12-31T12:00']) {
      const result = await tools.convertTime.execute(
        { dateTime, timeZone: 'Pacific/Apia' },
        toolContext(),
      );
      expect(result.note).toBeUndefined();
    }
  });

  it('a date alone whose midnight a daylight-saving change skips gets the note too', async () => {
    // Chile moves its clocks from 00:00 to 01:00; "2024-09-08" ends in "-08", which was taken
    // for a UTC offset, so a date alone never got a note.
    const result = await tools.convertTime.execute(
      { dateTime: '2024-09-08', timeZone: 'America/Santiago' },
      toolContext(),
    );
    expect(result.iso).toBe('2024-09-08T01:00:00.000-03:00');
    expect(result.note).toBe(
      '2024-09-08 does not exist in America/Santiago (the clocks skip that hour for daylight saving); it was read as 2024-09-08T01:00:00.000-03:00.',
    );
  });

  it('a daylight-saving gap keeps its own note', async () => {
    const result = await tools.convertTime.execute(
      { dateTime: '2024-03-10T02:30', timeZone: 'America/New_York' },
      toolContext(),
    );
    expect(result.note).toBe(
      '2024-03-10T02:30 does not exist in America/New_York (the clocks skip that hour for daylight saving); it was read as 2024-03-10T03:30:00.000-04:00.',
    );
  });
});
