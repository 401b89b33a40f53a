import type { FunctionDeclaration } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { readClauseFeatures, scoreTool } from './score-tool.ts';

// How the demo model ranks the declared tools for one request: the best fit scores highest.

const tool = (
  name: string,
  description = '',
  properties: Record<string, Record<string, unknown>> = {},
  required: string[] = [],
): FunctionDeclaration => ({
  name,
  description,
  parametersJsonSchema: { type: 'object', properties, required },
});
const weather = tool('get_weather', 'Current weather for a city', { city: { type: 'string' } }, [
  'city',
]);
const time = tool('get_current_time', 'The time now in a time zone', {
  timezone: { type: 'string' },
});
const calculator = tool('calculate', 'Evaluates arithmetic', { expression: { type: 'string' } }, [
  'expression',
]);
const add = tool('add', 'Adds numbers', { a: { type: 'number' }, b: { type: 'number' } }, [
  'a',
  'b',
]);
const addToDate = tool(
  'add_to_date',
  'Adds days to a date',
  { date: { type: 'string', description: 'ISO 8601 date' }, days: { type: 'integer' } },
  ['date', 'days'],
);
const convert = tool('convert_units', 'Converts units', {
  value: { type: 'number' },
  from: { type: 'string' },
  to: { type: 'string' },
});
const fetchPage = tool('fetch_page', 'Fetches a web page', { url: { type: 'string' } });
const findFiles = tool('find_files', 'Finds files by pattern', { pattern: { type: 'string' } });
const readFile = tool('read_file', 'Reads a file', { path: { type: 'string' } });
const all = [weather, time, calculator, add, addToDate, convert, fetchPage, findFiles, readFile];

const best = (text: string, tools = all) => {
  const clause = readClauseFeatures(text);
  const scored = tools.map((declaration) => ({
    name: declaration.name,
    score: scoreTool(clause, declaration),
  }));
  scored.sort((left, right) => right.score - left.score);
  return scored[0]?.name;
};

describe('readClauseFeatures', () => {
  it('reads the values a clause holds', () => {
    expect(readClauseFeatures('what is 2 + 3')).toMatchObject({
      hasDigits: true,
      hasExpression: true,
    });
    expect(readClauseFeatures('convert 5 km to miles')).toMatchObject({ hasUnits: true });
    expect(readClauseFeatures('fetch https://example.com')).toMatchObject({ hasUrl: true });
    expect(readClauseFeatures('what time is it now')).toMatchObject({
      mentionsNow: true,
      hasDigits: false,
    });
    expect(readClauseFeatures('find *.md')).toMatchObject({ hasGlob: true });
    expect(readClauseFeatures('open notes.md')).toMatchObject({ hasFileName: true });
    expect(readClauseFeatures('between 2024-01-15 and 2024-03-01').dates).toBe(2);
  });

  it('reads empty, emoji and hostile text without throwing', () => {
    for (const text of ['', '😀😀😀', '__proto__ constructor', '\u0000\uFFFF', 'a'.repeat(2_000)]) {
      expect(() => readClauseFeatures(text)).not.toThrow();
    }
    expect(readClauseFeatures('').words).toEqual([]);
  });
});

describe('scoreTool', () => {
  it('picks the tool whose name or synonym the request uses', () => {
    expect(best('weather in Paris')).toBe('get_weather');
    expect(best("what's the forecast for Tokyo")).toBe('get_weather');
  });

  it('picks a calculator for an expression, not a date sum', () => {
    expect(best('what is 12 * (3 + 4)')).toBe('calculate');
    expect(best('what is 12 * 7', [add, addToDate])).toBe('add');
  });

  it('picks the tool whose parameters take the value: units, URL, glob, path', () => {
    expect(best('convert 5 km to miles')).toBe('convert_units');
    expect(best('summarize https://example.com/post')).toBe('fetch_page');
    expect(best('find *.ts files')).toBe('find_files');
    expect(best('read notes.md')).toBe('read_file');
  });

  it('gives dates to a tool that takes dates', () => {
    expect(best('add 30 days to 2024-01-15', [addToDate, calculator, weather])).toBe('add_to_date');
  });

  it('prefers the tool reading the present for "now"', () => {
    expect(best('what time is it now')).toBe('get_current_time');
  });

  it('takes points off a calculating tool when there is no number', () => {
    const clause = readClauseFeatures('calculate my mood');
    expect(scoreTool(clause, calculator)).toBeLessThan(
      scoreTool(readClauseFeatures('calculate 2 + 2'), calculator),
    );
  });

  it('scores a declaration with no parameters, odd names or no description', () => {
    const clause = readClauseFeatures('hello there');
    for (const declaration of [
      { name: 'ping' },
      tool('__proto__'),
      tool('constructor', 'x'),
      tool('😀'),
      { name: 'x', parameters: { type: 'OBJECT', properties: null } },
    ] as FunctionDeclaration[]) {
      expect(Number.isFinite(scoreTool(clause, declaration)), declaration.name).toBe(true);
    }
  });

  it('gives the same score when asked again (the declaration is read once)', () => {
    const clause = readClauseFeatures('weather in Paris');
    expect(scoreTool(clause, weather)).toBe(scoreTool(clause, weather));
  });
});
