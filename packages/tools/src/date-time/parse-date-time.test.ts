import * as luxon from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { DateTimeError } from './date-time-error.ts';
import { MAX_DATE_TIME_LENGTH, parseDateTime } from './parse-date-time.ts';

// What the date tools read from a model's text (ISO 8601, RFC 2822, HTTP and SQL dates, Unix
// seconds and milliseconds, relative words) and how they refuse the rest; the tools' own tests
// (create-date-time-tools.test.ts) cover the same reader through each tool.

// 2026-11-25T22:30:00Z: 23:30 in Paris, already the 26th in Tokyo (07:30).
const NOW = Date.parse('2026-11-25T22:30:00Z');
const read = (text: string, zone = 'Europe/Paris', inputFormat?: string) =>
  parseDateTime({ luxon, text, zone, inputFormat, now: NOW, argument: 'time' });
const iso = (text: string, zone?: string) => read(text, zone).dateTime.toISO();

function refusal(run: () => unknown): DateTimeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DateTimeError) return error;
    throw error;
  }
  throw new Error('expected a DateTimeError');
}

const savedNow = luxon.Settings.now;
afterEach(() => {
  luxon.Settings.now = savedNow;
});

describe('parseDateTime', () => {
  it('reads now, today, tomorrow and yesterday on the injected clock, in the zone asked', () => {
    expect(iso('now')).toBe('2026-11-25T23:30:00.000+01:00');
    expect(iso(' Today ')).toBe('2026-11-25T00:00:00.000+01:00');
    // In Tokyo the same instant is already the 26th: its "today" is the 26th.
    expect(iso('today', 'Asia/Tokyo')).toBe('2026-11-26T00:00:00.000+09:00');
    expect(iso('TOMORROW')).toBe('2026-11-26T00:00:00.000+01:00');
    expect(iso('yesterday')).toBe('2026-11-24T00:00:00.000+01:00');
  });

  it('reads 9 to 11 digits as Unix seconds and 12 to 14 as milliseconds, negative ones too', () => {
    expect(iso('1715949000', 'UTC')).toBe('2024-05-17T12:30:00.000Z');
    expect(iso('1715949000123', 'UTC')).toBe('2024-05-17T12:30:00.123Z');
    expect(iso('-100000000', 'UTC')).toBe('1966-10-31T14:13:20.000Z');
    // Eight digits is no Unix time: ISO's basic form, a date.
    expect(iso('20240517')).toBe('2024-05-17T00:00:00.000+02:00');
  });

  it('reads RFC 2822, HTTP and SQL dates, keeping a stated offset', () => {
    expect(iso('Fri, 17 May 2024 14:30:00 +0200')).toBe('2024-05-17T14:30:00.000+02:00');
    expect(iso('Fri, 17 May 2024 12:30:00 GMT')).toBe('2024-05-17T12:30:00.000Z');
    expect(iso('2024-05-17 14:30:00')).toBe('2024-05-17T14:30:00.000+02:00');
  });

  it('fills a time without a date from the injected clock, and puts luxon’s clock back', () => {
    expect(iso('14:00')).toBe('2026-11-25T14:00:00.000+01:00');
    expect(luxon.Settings.now).toBe(savedNow);
    // Put back even when the text cannot be read.
    expect(() => read('not a date')).toThrow(DateTimeError);
    expect(luxon.Settings.now).toBe(savedNow);
  });

  it('bounds the text: empty, blank or past 100 characters is refused before any parse', () => {
    for (const text of [
      '',
      '   ',
      `2024-05-17${' '.repeat(5)}${'x'.repeat(MAX_DATE_TIME_LENGTH)}`,
    ]) {
      const error = refusal(() => read(text));
      expect(error.reason).toBe('invalid-date');
      expect(error.message).toContain(`time must be 1 to ${MAX_DATE_TIME_LENGTH} characters`);
    }
  });

  it('names the impossible value of an ISO-looking date, and lists the forms it reads otherwise', () => {
    const february = refusal(() => read('2024-02-30'));
    expect(february.message).toContain('Cannot read time "2024-02-30" as a date/time (');
    expect(february.message).toContain('Use ISO 8601');
    const word = refusal(() => read('next blue moon'));
    expect(word.message).toContain(
      'Cannot read time "next blue moon" as a date/time. Use ISO 8601',
    );
  });

  it('reads an inputFormat layout, and names it when the text does not fit', () => {
    expect(read('17/05/2024 14:30', 'UTC', 'dd/MM/yyyy HH:mm').dateTime.toISO()).toBe(
      '2024-05-17T14:30:00.000Z',
    );
    const misfit = refusal(() => read('2024-05-17', 'UTC', 'dd/MM/yyyy'));
    expect(misfit.message).toContain('with inputFormat "dd/MM/yyyy"');
  });

  it('notes a wall-clock time inside a daylight-saving gap, and none for a stated offset', () => {
    // Paris skips 02:00-03:00 on 2026-03-29.
    const gap = read('2026-03-29T02:30');
    expect(gap.dateTime.toISO()).toBe('2026-03-29T03:30:00.000+02:00');
    expect(gap.note).toContain('does not exist in Europe/Paris');
    expect(read('2026-03-29T02:30+01:00').note).toBeUndefined();
    expect(read('2026-03-29T04:30').note).toBeUndefined();
  });
});
