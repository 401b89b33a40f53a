import { describe, expect, it } from 'vitest';
import { matchName } from './match-name.ts';

describe('matchName', () => {
  it.each([
    ['*.ts', 'index.ts', true],
    ['*.ts', 'index.tsx', false],
    ['*.TS', 'Index.ts', true],
    ['test-*.ts', 'test-files.ts', true],
    ['test-*.ts', 'my-test-files.ts', false],
    ['report-202?.csv', 'report-2024.csv', true],
    ['report-202?.csv', 'report-20245.csv', false],
    ['*', '.hidden', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    ['config', 'app.config.json', true],
    ['CONFIG', 'app.config.json', true],
    ['config', 'conf.json', false],
    ['**', 'anything', true],
    ['a?b', 'a😀b', true],
    ['report-?.csv', 'report-𠀀.csv', true],
    ['??', '😀', false],
    ['*😀*', 'party-😀-time.md', true],
    ['ÜBER*', 'übersicht.md', true],
    ['?', '', false],
    ['*', '', true],
    ['', 'anything', true],
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(matchName(pattern, name)).toBe(expected);
  });

  it('matches a name of 100 000 characters against a long pattern in one pass', () => {
    const name = `${'x'.repeat(100_000)}.ts`;
    expect(matchName('*.ts', name)).toBe(true);
    expect(matchName(`${'?'.repeat(100_000)}.ts`, name)).toBe(true);
    expect(matchName(`${'?'.repeat(99_999)}.ts`, name)).toBe(false);
  });

  it('stays quick on a pattern built to backtrack', () => {
    // A regular expression made from this pattern backtracks exponentially on this name.
    const pattern = `${'*a'.repeat(50)}b`;
    expect(matchName(pattern, 'a'.repeat(5000))).toBe(false);
  });
});
