import { describe, expect, it } from 'vitest';
import {
  humanizeName,
  isStopword,
  meaningfulStems,
  nameStems,
  stem,
  synonymGroup,
} from './read-words.ts';

// How the demo model matches a user's words to a tool's name: stems, stopwords, synonym groups,
// and names split at underscores, dots, colons, dashes and camel case.

describe('stem', () => {
  it.each([
    ['cities', 'citie'],
    ['Weather', 'weather'],
    ['converting', 'convert'],
    ['converted', 'convert'],
    ['files', 'file'],
    ['class', 'class'],
    ['bus', 'bus'],
    ['times', 'times'],
    ['is', 'is'],
    ['ring', 'ring'],
    ['red', 'red'],
    ['', ''],
  ])('stems %j as %j', (word, stemmed) => {
    expect(stem(word)).toBe(stemmed);
  });
});

describe('meaningfulStems', () => {
  it('keeps the words that say what is asked, stemmed, stopwords dropped', () => {
    expect(meaningfulStems('What is the weather in Paris?')).toEqual(['weather', 'pari']);
  });

  it('reads accented letters, and skips digits, punctuation and emoji', () => {
    expect(meaningfulStems('Météo à Zürich 😀 42 !!')).toEqual(['météo', 'à', 'zürich']);
  });

  it('reads 100,000 words in one pass', () => {
    expect(meaningfulStems('weather '.repeat(100_000))).toHaveLength(100_000);
  });
});

describe('nameStems', () => {
  it.each([
    ['get_weather', ['weather']],
    ['convertUnits', ['convert', 'unit']],
    ['files.search:v2', ['file', 'search', 'v']],
    ['HTTPFetch', ['httpfetch']],
    ['get-current-time', ['current', 'time']],
  ])('splits %j into %j', (name, stems) => {
    expect(nameStems(name)).toEqual(stems);
  });
});

describe('synonyms and stopwords', () => {
  it('puts words of one meaning in one group, by stem too', () => {
    const fetch = synonymGroup('fetch');
    expect(fetch).toBeDefined();
    expect(synonymGroup('website')).toBe(fetch);
    expect(synonymGroup('websites')).toBe(fetch);
    expect(synonymGroup('zebra')).toBeUndefined();
  });

  it('tells stopwords in any case', () => {
    expect(isStopword('The')).toBe(true);
    expect(isStopword('weather')).toBe(false);
  });
});

describe('humanizeName', () => {
  it.each([
    ['get_weather', 'Weather'],
    ['convert_units', 'Convert units'],
  ])('writes %j as %j', (name, human) => {
    expect(humanizeName(name)).toBe(human);
  });
});
