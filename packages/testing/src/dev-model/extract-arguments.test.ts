import { describe, expect, it } from 'vitest';
import { cleanQuery, extractArguments } from './extract-arguments.ts';
import type { DemoParameter } from './read-parameters.ts';

// How the demo model fills a tool's arguments from the words of a request.

function parameter(name: string, type: string, extra: Partial<DemoParameter> = {}): DemoParameter {
  return {
    name,
    type,
    required: false,
    description: '',
    enumValues: undefined,
    items: undefined,
    schema: { type },
    ...extra,
  };
}
const extract = (parameters: DemoParameter[], clause: string, place?: string) =>
  extractArguments(parameters, { clause, place });

describe('extractArguments', () => {
  it('fills places, in order, the planner place first', () => {
    expect(extract([parameter('city', 'string', { required: true })], 'weather in Paris')).toEqual({
      city: 'Paris',
    });
    expect(extract([parameter('location', 'string')], 'weather there', 'Tokyo')).toEqual({
      location: 'Tokyo',
    });
    expect(extract([parameter('city', 'string', { required: true })], 'weather')).toEqual({
      city: 'London',
    });
  });

  it('gives numbers named in the text to their parameters first', () => {
    const args = extract(
      [parameter('amount', 'number', { required: true }), parameter('days', 'integer')],
      'add 90 days to 5',
    );
    expect(args).toEqual({ days: 90, amount: 5 });
  });

  it('keeps numbers within the schema bounds, whole for an integer', () => {
    const days = parameter('days', 'integer', {
      required: true,
      schema: { type: 'integer', minimum: 1, maximum: 30 },
    });
    expect(extract([days], 'how long')).toEqual({ days: 1 });
    expect(extract([days], 'in 99.6 days')).toEqual({ days: 30 });
    const ratio = parameter('ratio', 'number', {
      required: true,
      schema: { type: 'number', exclusiveMinimum: 0 },
    });
    expect((extract([ratio], 'anything') as { ratio: number }).ratio).toBeGreaterThan(0);
  });

  it('reads a unit conversion into amount, from and to, matching enum spellings', () => {
    const args = extract(
      [
        parameter('value', 'number', { required: true }),
        parameter('from_unit', 'string', { enumValues: ['celsius', 'fahrenheit'] }),
        parameter('to_unit', 'string', { enumValues: ['celsius', 'fahrenheit'] }),
      ],
      'convert 20 C to F',
    );
    expect(args).toEqual({ value: 20, from_unit: 'celsius', to_unit: 'fahrenheit' });
  });

  it('reads expressions, URLs, e-mails, ids, globs and paths', () => {
    expect(extract([parameter('expression', 'string')], 'what is 2 + 3 * 4')).toEqual({
      expression: expect.stringContaining('2 + 3 * 4'),
    });
    expect(extract([parameter('url', 'string')], 'fetch https://example.org/a?b=1 now')).toEqual({
      url: 'https://example.org/a?b=1',
    });
    expect(extract([parameter('email', 'string')], 'mail bob.smith+x@mail.example.com')).toEqual({
      email: 'bob.smith+x@mail.example.com',
    });
    expect(extract([parameter('issue_id', 'string')], 'close #1234')).toEqual({ issue_id: '1234' });
    expect(extract([parameter('pattern', 'string')], 'find *.md files')).toEqual({
      pattern: '*.md',
    });
    expect(extract([parameter('path', 'string')], 'read notes.md please')).toEqual({
      path: 'notes.md',
    });
    expect(extract([parameter('path', 'string')], 'list the files in docs')).toEqual({
      path: 'docs',
    });
  });

  it('sets a boolean the text names, false when required and not named', () => {
    expect(extract([parameter('include_hidden', 'boolean')], 'list with include hidden')).toEqual({
      include_hidden: true,
    });
    expect(extract([parameter('verbose', 'boolean', { required: true })], 'list')).toEqual({
      verbose: false,
    });
    expect(extract([parameter('verbose', 'boolean')], 'list')).toEqual({});
  });

  it('fills arrays: numbers, enum values named, or the query', () => {
    expect(
      extract([parameter('values', 'array', { items: { type: 'number' } })], 'sum 1, 2 and 3'),
    ).toEqual({ values: [1, 2, 3] });
    expect(
      extract(
        [parameter('units', 'array', { items: { type: 'string', enum: ['days', 'weeks'] } })],
        'how many weeks until May',
      ),
    ).toEqual({ units: ['weeks'] });
    expect(
      extract([parameter('search_terms', 'array')], 'please search the web for cats?'),
    ).toEqual({
      search_terms: ['cats'],
    });
  });

  it('leaves an optional parameter without evidence out, and gives a required one a default', () => {
    expect(extract([parameter('note', 'string')], 'hello')).toEqual({});
    expect(extract([parameter('timezone', 'string', { required: true })], 'hello')).toEqual({
      timezone: 'UTC',
    });
    expect(extract([parameter('count', 'integer', { required: true })], 'hello')).toEqual({
      count: 0,
    });
  });

  it('takes parameter names with regular-expression characters without throwing', () => {
    const names = ['c++', 'price($)', 'a[b', 'x|y', 'rate*', '(count)', 'is?ok'];
    for (const name of names) {
      expect(() => extract([parameter(name, 'number')], `${name} 5 and 7`), name).not.toThrow();
      expect(() => extract([parameter(name, 'boolean')], `use ${name}`), name).not.toThrow();
    }
    expect(extract([parameter('price($)', 'number', { required: true })], 'price($) 12')).toEqual({
      'price($)': 12,
    });
  });

  it('fills parameters named like Object.prototype members as own keys', () => {
    const args = extract(
      [
        parameter('constructor', 'string', { required: true }),
        parameter('toString', 'string', { required: true }),
        parameter('__proto__', 'string', { required: true }),
      ],
      'search for cats',
    );
    expect(Object.keys(args).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(args))).toEqual(args);
  });

  it('handles emoji and other scripts in the text', () => {
    expect(extract([parameter('query', 'string')], 'search for "東京 🍣"')).toEqual({
      query: '東京 🍣',
    });
  });
});

describe('cleanQuery', () => {
  it('drops the polite frame and trailing punctuation', () => {
    expect(cleanQuery('please search the files for TODO?')).toBe('TODO');
    expect(cleanQuery('Could you tell me about the Eiffel Tower!')).toBe('the Eiffel Tower');
    expect(cleanQuery('"quoted"')).toBe('quoted');
  });

  it('keeps the clause when nothing would be left', () => {
    expect(cleanQuery('  find  ')).toBe('find');
    expect(cleanQuery('?')).toBe('?');
    expect(cleanQuery('')).toBe('');
  });
});
