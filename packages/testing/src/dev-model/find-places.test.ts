import { describe, expect, it } from 'vitest';
import { findPlaceMentions, findPlaces, maskNonProse } from './find-places.ts';
import { knownCities } from './known-places.ts';

// The places a user names, as the demo model reads them for a weather or time tool: proper names
// wherever they stand, big cities in lower case, and nothing out of URLs, e-mails or paths.

describe('findPlaces', () => {
  it.each([
    ['Weather in Paris and Tokyo?', ['Paris', 'Tokyo']],
    ['What time is it in New York?', ['New York']],
    ['flights to Rio de Janeiro', ['Rio de Janeiro']],
    ['weather in paris', ['Paris']],
    ['Compare São Paulo with Kraków', ['São Paulo', 'Kraków']],
  ])('reads %j as %j', (text, places) => {
    expect(findPlaces(text)).toEqual(places);
  });

  it('names each place once, in the order written', () => {
    expect(findPlaces('Paris, then Tokyo, then Paris again')).toEqual(['Paris', 'Tokyo']);
  });

  it('reads no place out of a URL, an e-mail, a path or a time-zone id', () => {
    expect(
      findPlaces(
        'see https://Paris.example/Berlin, write to Tokyo@example.com, open docs/London.md, zone Europe/Madrid',
      ),
    ).toEqual([]);
  });

  it('gives offsets into the text as written', () => {
    const text = 'Is it raining in Oslo?';
    const [mention] = findPlaceMentions(text);
    expect(mention).toBeDefined();
    expect(text.slice(mention?.start, mention?.end)).toBe('Oslo');
  });
});

describe('findPlaceMentions, the known cities in lower case', () => {
  // What the scan did as one `gu` pattern per city, kept here as the reference: the scan now
  // finds the same words by `indexOf` and a look at the code point on each side.
  function byPatterns(text: string) {
    const lower = maskNonProse(text).toLowerCase();
    const mentions: { name: string; start: number; end: number }[] = [];
    for (const [key, city] of knownCities) {
      if (key.length < 4) continue;
      const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const pattern = new RegExp(`(?<![\\p{L}\\d_])${escaped}(?![\\p{L}\\d_])`, 'gu');
      for (const match of lower.matchAll(pattern)) {
        const start = match.index;
        const end = start + key.length;
        if (mentions.some((mention) => start < mention.end && end > mention.start)) continue;
        mentions.push({ name: city.name, start, end });
      }
    }
    return mentions.sort((left, right) => left.start - right.start);
  }

  // Beside each city: nothing, a space, a letter (accented; U+1D41A, a small letter outside the
  // BMP), a digit, `_`, an emoji (two code units, not a letter), the city itself.
  const sides = ['', ' ', 'é', '\u{1D41A}', '7', '_', '\u{1F600}'];
  const cities = [...knownCities.keys()].filter((key) => key.length >= 4);

  it('finds each where the per-city patterns found it, and nowhere else', () => {
    const differing: string[] = [];
    for (const key of cities) {
      // Every pair of sides around the city, and the city twice running, in one text a city.
      const text = sides
        .flatMap((before) => sides.map((after) => `${before}${key}${after}`))
        .concat(`${key}${key}`)
        .join(' ; ');
      if (JSON.stringify(findPlaceMentions(text)) !== JSON.stringify(byPatterns(text)))
        differing.push(text);
    }
    expect(cities.length).toBeGreaterThan(50);
    expect(differing).toEqual([]);
  });

  it('keeps a city whole beside letters outside the BMP, and apart beside other symbols', () => {
    expect(findPlaces('weather in \u{1D41A}paris')).toEqual([]);
    expect(findPlaces('weather in paris\u{1D41A}')).toEqual([]);
    expect(findPlaces('weather in \u{1F600}paris\u{1F600}')).toEqual(['Paris']);
    expect(findPlaces('weather in parisparis, _paris, paris7 or -paris-')).toEqual(['Paris']);
  });
});

describe('maskNonProse', () => {
  it('blanks what is not prose with spaces, keeping every offset', () => {
    const text = 'mail a.b+c@mail.example.com or open src/app/index.ts and `Paris` now';
    const masked = maskNonProse(text);
    expect(masked.length).toBe(text.length);
    expect(masked).not.toContain('@');
    expect(masked).not.toContain('src/app');
    expect(masked).not.toContain('Paris');
    expect(masked.startsWith('mail ')).toBe(true);
    expect(masked.endsWith(' now')).toBe(true);
  });

  it('reads a pasted blob of 400,000 letters in one pass', () => {
    // Each letter used to start a scan to the blob's end: 6 s for a tenth of this, and the
    // rest past the suite's time limit (a hang guard).
    const blob = 'aB'.repeat(200_000);
    expect(maskNonProse(`${blob} in Paris`)).toBe(`${blob} in Paris`);
    expect(findPlaces(`${blob}@ weather in Paris`)).toContain('Paris');
  });
});
