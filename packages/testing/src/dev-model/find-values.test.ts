import { describe, expect, it } from 'vitest';
import {
  findDateTimes,
  findExpression,
  findNumbers,
  findTimeZones,
  prettyExpression,
  withoutDateTimes,
} from './find-values.ts';

// What the demo model reads out of a user's words. The words are anyone's: a long paste, a list
// without spaces, a question full of dashes. Each reader answers what a person would read.

describe('findNumbers', () => {
  it.each([
    ['I have 20 apples and -3.5 debts', [20, -3.5]],
    ['a population of 1,000,000 people', [1_000_000]],
    ['the values 1,2,3', [1, 2, 3]],
    ['12,5 in European notation', [12, 5]],
    ['version v2 and x3 are words', []],
    ['0.5, .5 and 5.', [0.5, 5]],
    ['no numbers here', []],
  ])('reads %j as %j', (text, numbers) => {
    expect(findNumbers(text)).toEqual(numbers);
  });

  it('never reads NaN, whatever the commas', () => {
    for (const text of ['1,,2', '1,', ',1', '1,2,,3', '9,99,999', '1,0000']) {
      for (const value of findNumbers(text)) expect(Number.isNaN(value)).toBe(false);
    }
  });
});

describe('findExpression', () => {
  it.each([
    ['What is 23 × 19?', '23 * 19'],
    ['what is 23 times 19', '23 * 19'],
    ['15% of 80', '15 / 100 * 80'],
    ['compute (2 + 3) * 4) please', '(2 + 3) * 4'],
    ['2 to the power of 10', '2 ^ 10'],
    ['7 squared', '7^2'],
    ['sqrt(16) + 1', 'sqrt(16) + 1'],
    ['100 divided by 4', '100 / 4'],
  ])('reads %j as %j', (text, expression) => {
    expect(findExpression(text)).toBe(expression);
  });

  it.each(['just 42', 'on 2024-05-17 at 10:30', 'no numbers at all', '- - -', ''])(
    'finds no expression in %j',
    (text) => {
      expect(findExpression(text)).toBeUndefined();
    },
  );

  it('reads a 400 KB run of dashes and spaces in one pass, and still finds the sum after it', () => {
    // The old pattern backtracked from every dash to the end of the run: 17 s for a quarter of
    // this, minutes for all of it (past the suite's time limit, a hang guard).
    const text = `${'- '.repeat(200_000)}then 2 + 3`;
    expect(findExpression(text)).toBe('2 + 3');
  });
});

describe('dates, times and zones', () => {
  it('finds ISO dates, clock times and the words for now, in order', () => {
    expect(
      findDateTimes('From 2024-05-17T10:30:00Z until 5:45 pm tomorrow, or NOW, not 2024-5-1'),
    ).toEqual(['2024-05-17T10:30:00Z', '5:45 pm', 'tomorrow', 'now']);
  });

  it('blanks dates and times without moving anything else', () => {
    const text = 'On 2024-05-17 at 10:30 add 5';
    const blanked = withoutDateTimes(text);
    expect(blanked.length).toBe(text.length);
    expect(findNumbers(blanked)).toEqual([5]);
  });

  it('finds IANA ids, offsets and abbreviations, in the order written', () => {
    expect(
      findTimeZones('from PST to Europe/Paris, then GMT + 5:30 and America/Argentina/Salta'),
    ).toEqual(['America/Los_Angeles', 'Europe/Paris', 'UTC+5:30', 'America/Argentina/Salta']);
  });

  it('does not read an abbreviation inside an offset it already read', () => {
    expect(findTimeZones('UTC+5')).toEqual(['UTC+5']);
  });
});

describe('prettyExpression', () => {
  it('writes an expression as people do', () => {
    expect(prettyExpression('23*19')).toBe('23 × 19');
    expect(prettyExpression('2 ** 3  +  1')).toBe('2^3 + 1');
  });
});
