import * as luxon from 'luxon';
import { describe, expect, it } from 'vitest';
import { DateTimeError } from './date-time-error.ts';
import { resolveTimeZone } from './resolve-time-zone.ts';

// A time zone as a model writes it: IANA names in any case, offsets in the forms people write,
// abbreviations that mean several zones, and strings that are no zone at all.

const resolve = (input: string) => resolveTimeZone(luxon, input, 'timeZone');

function refusal(input: string): DateTimeError {
  try {
    resolve(input);
  } catch (error) {
    if (DateTimeError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected "${input}" to be refused`);
}

describe('resolveTimeZone', () => {
  it.each([
    ['UTC', 'UTC'],
    [' utc ', 'UTC'],
    ['Z', 'UTC'],
    ['GMT', 'UTC'],
    ['Etc/UTC', 'UTC'],
    ['Europe/Paris', 'Europe/Paris'],
    ['america/new_york', 'America/New_York'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
  ])('reads %j as %s', (input, zone) => {
    expect(resolve(input)).toBe(zone);
  });

  it.each([
    ['UTC+5', 300],
    ['UTC-03:30', -210],
    ['GMT+05:30', 330],
    ['+05:30', 330],
    ['-8', -480],
    ['UTC+0530', 330],
    ['+0545', 345],
    ['utc+14', 840],
    ['UTC-12', -720],
  ])('reads the offset %j as %i minutes east of UTC', (input, minutes) => {
    const zone = luxon.Info.normalizeZone(resolve(input));
    expect(zone?.isValid).toBe(true);
    expect(zone?.offset(0)).toBe(minutes);
  });

  it.each(['UTC+5:75', 'UTC+14:30', 'UTC-15', '+99', 'UTC+5:60'])(
    'refuses the offset %j, which no clock shows',
    (input) => {
      const error = refusal(input);
      expect(error.reason).toBe('invalid-time-zone');
      expect(error.message).toContain('Unknown time zone');
    },
  );

  it.each([
    ['EST', 'America/New_York'],
    ['pst', 'America/Los_Angeles'],
    ['IST', 'Asia/Kolkata'],
    ['BST', 'Europe/London'],
  ])('refuses the abbreviation %s and suggests %s first', (input, first) => {
    const error = refusal(input);
    expect(error.message).toContain('are ambiguous and ignore daylight saving');
    expect(error.suggestions[0]).toBe(first);
  });

  it('refuses the server’s own zone, which says nothing about the user', () => {
    for (const input of ['local', 'SYSTEM']) {
      expect(refusal(input).message).toContain("the server's zone says nothing about the user");
    }
  });

  it('suggests the IANA name of a city written with spaces or dashes', () => {
    expect(refusal('New York').suggestions).toContain('America/New_York');
    expect(refusal('Europe/Pariss').suggestions).toContain('Europe/Paris');
  });

  it.each([
    ['a name of a megabyte', `Europe/${'x'.repeat(1_000_000)}`],
    ['control characters', 'Europe/Paris\u0000'],
    ['a right-to-left override', '\u202eEurope/Paris'],
    ['a path', '../../etc/localtime'],
    ['a JSON object', '{"zone":"UTC"}'],
    ['nothing', ''],
  ])('refuses %s with a short message', (_case, input) => {
    const error = refusal(input);
    expect(error.reason).toBe('invalid-time-zone');
    expect(error.argument).toBe('timeZone');
    expect(error.message.length).toBeLessThan(600);
  });
});
