import { describe, expect, it } from 'vitest';
import { findPlaceMentions, findPlaces, maskNonProse } from './find-places.ts';

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
