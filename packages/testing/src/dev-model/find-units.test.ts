import { describe, expect, it } from 'vitest';
import { findUnits, isUnit, matchEnum, unitOf } from './find-units.ts';

// How the demo model reads a unit conversion from the user's words.

describe('unitOf', () => {
  it('maps spellings, degree signs, case and a trailing dot to the symbol', () => {
    expect(unitOf('miles')).toBe('mi');
    expect(unitOf('°C')).toBe('C');
    expect(unitOf('° f')).toBe('F');
    expect(unitOf('Celsius')).toBe('C');
    expect(unitOf('lbs.')).toBe('lb');
    expect(unitOf('KM/H')).toBe('km/h');
    expect(unitOf('inch')).toBe('inch');
  });

  it('answers undefined for words that are no unit, prototype names included', () => {
    for (const word of ['days', '', '°', '__proto__', 'constructor', 'toString', '😀']) {
      expect(unitOf(word), word).toBeUndefined();
      expect(isUnit(word)).toBe(false);
    }
  });
});

describe('findUnits', () => {
  it('reads "<n> <unit> to <unit>" in its forms', () => {
    expect(findUnits('convert 20 C to F')).toEqual({ value: 20, from: 'C', to: 'F' });
    expect(findUnits('5km in miles please')).toEqual({ value: 5, from: 'km', to: 'miles' });
    expect(findUnits('20 degrees celsius into fahrenheit')).toEqual({
      value: 20,
      from: 'celsius',
      to: 'fahrenheit',
    });
    expect(findUnits('-40 °C → °F')).toEqual({ value: -40, from: '°C', to: '°F' });
    expect(findUnits('1,500.5 m as ft')).toEqual({ value: 1500.5, from: 'm', to: 'ft' });
  });

  it('reads "how many <unit> is <n> <unit>"', () => {
    expect(findUnits('How many miles is 10 km?')).toEqual({ value: 10, from: 'km', to: 'miles' });
    expect(findUnits('how many grams in 2 lbs')).toEqual({ value: 2, from: 'lbs', to: 'grams' });
  });

  it('reads currency codes as units', () => {
    expect(findUnits('100 USD to EUR')).toEqual({ value: 100, from: 'USD', to: 'EUR' });
    expect(findUnits('100 usd to eur')).toBeUndefined();
  });

  it('is no conversion when a side is no unit', () => {
    expect(findUnits('5 days to Christmas')).toBeUndefined();
    expect(findUnits('3 km to nowhere')).toBeUndefined();
    expect(findUnits('')).toBeUndefined();
    expect(findUnits('km to miles')).toBeUndefined();
  });

  it('gives no value for a number too big to be finite', () => {
    expect(findUnits(`${'9'.repeat(400)} km to mi`)).toEqual({
      value: undefined,
      from: 'km',
      to: 'mi',
    });
  });

  it('answers a hostile question as long as the demo model reads (2,000 characters)', () => {
    expect(findUnits(`${'1,'.repeat(500)} ${'a'.repeat(1_000)}`)).toBeUndefined();
    expect(findUnits('how many '.repeat(220))).toBeUndefined();
    expect(findUnits(`${'9,'.repeat(999)}9 km to mi`)?.from).toBe('km');
  });
});

describe('matchEnum', () => {
  it('matches a value directly, ignoring case', () => {
    expect(matchEnum(['celsius', 'fahrenheit'], 'Celsius')).toBe('celsius');
  });

  it('matches through a unit spelling', () => {
    expect(matchEnum(['CELSIUS', 'FAHRENHEIT'], '°F')).toBe('FAHRENHEIT');
    expect(matchEnum(['km', 'mi'], 'miles')).toBe('mi');
  });

  it('answers undefined for no word or no match', () => {
    expect(matchEnum(['a'], undefined)).toBeUndefined();
    expect(matchEnum(['km'], 'kg')).toBeUndefined();
    expect(matchEnum([], 'km')).toBeUndefined();
    expect(matchEnum(['x'], '__proto__')).toBeUndefined();
  });
});
