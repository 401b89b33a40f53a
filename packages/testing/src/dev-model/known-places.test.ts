import { describe, expect, it } from 'vitest';
import { knownCities, knownRegions, notPlaceWords, zoneAbbreviations } from './known-places.ts';

// The demo model's geography: every zone it hands a tool must be one the runtime knows, and the
// tables must be keyed the way the readers look them up (lower case, no blanks).

const isZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

describe('the demo model geography', () => {
  it('gives every city a time zone Intl accepts, keyed by its lower-case name', () => {
    expect(knownCities.size).toBeGreaterThan(20);
    for (const [key, { name, timeZone }] of knownCities) {
      expect(key, name).toBe(name.toLowerCase());
      expect(isZone(timeZone), `${name}: ${timeZone}`).toBe(true);
      expect(notPlaceWords.has(key), key).toBe(false);
    }
  });

  it('maps every abbreviation, keyed in lower case, to a zone Intl accepts', () => {
    for (const [abbreviation, zone] of zoneAbbreviations) {
      expect(abbreviation).toBe(abbreviation.toLowerCase());
      expect(isZone(zone), `${abbreviation}: ${zone}`).toBe(true);
    }
    expect(zoneAbbreviations.get('jst')).toBe('Asia/Tokyo');
  });

  it('keeps the word lists lower-case words with no blanks', () => {
    for (const word of [...knownRegions, ...notPlaceWords]) {
      expect(word, JSON.stringify(word)).toMatch(/^[a-z]+$/);
    }
  });

  it('knows the cities questions name most, not question words', () => {
    for (const city of ['paris', 'london', 'tokyo', 'new york'])
      expect(knownCities.has(city), city).toBe(true);
    for (const word of ['what', 'weather', 'please', 'tomorrow'])
      expect(notPlaceWords.has(word)).toBe(true);
    expect(knownCities.has('__proto__')).toBe(false);
  });
});
