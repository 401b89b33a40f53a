import { describe, expect, it } from 'vitest';
import type { EvalCase } from '../eval-case.ts';
import type { ScoreContext } from '../scorer.ts';
import {
  checkSchema,
  type EvalJsonSchema,
  outputEquals,
  outputMatchesSchema,
} from './output-scorers.ts';

// The structured-output scorers on the outputs a model can give: each JSON Schema keyword the
// scorer promises, the path its reason names, and keys that are names of Object's own members.
// (scorers.test.ts has the main paths.)

const context = (output: unknown, expected?: EvalCase['expected']): ScoreContext => ({
  evalCase: { id: 'c', input: 'q', ...(expected === undefined ? {} : { expected }) },
  run: { text: '', turns: [''], output, toolCalls: [] },
  signal: new AbortController().signal,
});

describe('checkSchema', () => {
  const cases: [string, EvalJsonSchema, unknown, string | undefined][] = [
    ['an integer is a number', { type: 'number' }, 3, undefined],
    ['a fraction is not an integer', { type: 'integer' }, 2.5, '$ should be integer, is number'],
    ['2.0 is an integer', { type: 'integer' }, 2.0, undefined],
    ['null is its own type', { type: 'object' }, null, '$ should be object, is null'],
    ['an array is not an object', { type: 'object' }, [], '$ should be object, is array'],
    ['no output at all', { type: 'object' }, undefined, '$ should be object, is undefined'],
    ['below the minimum', { minimum: 0 }, -1, '$ is below 0'],
    ['at the minimum and maximum', { minimum: 0, maximum: 0 }, 0, undefined],
    ['above the maximum', { maximum: 10 }, 10.5, '$ is above 10'],
    ['bounds only apply to numbers', { minimum: 5 }, 'abc', undefined],
    ['a pattern, matched anywhere', { pattern: '\\d{5}' }, 'zip 75001', undefined],
    [
      'a pattern that does not match',
      { pattern: '^\\d{5}$' },
      'zip 75001',
      '$ does not match ^\\d{5}$',
    ],
    // Compiled with `u`: `.` is one code point, so one emoji is one character.
    ['a pattern counts code points', { pattern: '^.$' }, '😀', undefined],
    ['too few items', { minItems: 2 }, [1], '$ has fewer than 2 items'],
    ['too many items', { maxItems: 1 }, [1, 2], '$ has more than 1 items'],
    ['an enum of objects, compared deeply', { enum: [{ a: 1 }, 'b'] }, { a: 1 }, undefined],
    [
      'a value outside the enum',
      { enum: ['metric', 'imperial'] },
      'kelvin',
      '$ is "kelvin", not one of ["metric","imperial"]',
    ],
    ['enum before type', { type: 'string', enum: ['x'] }, 5, '$ is 5, not one of ["x"]'],
  ];
  it.each(cases)('%s', (_, schema, value, problem) => {
    expect(checkSchema(schema, value, '$')).toBe(problem);
  });

  it('names the path of the first item or property that breaks its schema, however deep', () => {
    const schema: EvalJsonSchema = {
      type: 'object',
      properties: {
        days: {
          type: 'array',
          items: { type: 'object', required: ['tempC'], properties: { tempC: { type: 'number' } } },
        },
      },
    };
    const value = { days: [{ tempC: 18 }, { tempC: 'warm' }, {}] };
    expect(checkSchema(schema, value, '$')).toBe('$.days[1].tempC should be number, is string');
    expect(checkSchema(schema, { days: [{ tempC: 1 }, {}] }, '$')).toBe(
      '$.days[1].tempC is required',
    );
  });

  it('reads keys named like Object`s own members as plain keys', () => {
    // Without own-key checks, `toString` would find Object.prototype.toString as its schema, and
    // a `required: ['constructor']` would be met by every object.
    const open: EvalJsonSchema = { type: 'object', properties: { city: { type: 'string' } } };
    expect(checkSchema(open, { toString: 'x', constructor: 1, __proto__: 2 }, '$')).toBeUndefined();
    const closed: EvalJsonSchema = { ...open, additionalProperties: false };
    expect(checkSchema(closed, JSON.parse('{"__proto__": 1}'), '$')).toBe(
      '$.__proto__ is not allowed',
    );
    expect(checkSchema({ required: ['constructor'] }, {}, '$')).toBe('$.constructor is required');
  });

  it('lets extra properties through unless additionalProperties is false', () => {
    const schema: EvalJsonSchema = { properties: { a: { type: 'string' } } };
    expect(checkSchema(schema, { a: 'x', b: 1 }, '$')).toBeUndefined();
    expect(checkSchema({ ...schema, additionalProperties: false }, { a: 'x', b: 1 }, '$')).toBe(
      '$.b is not allowed',
    );
  });
});

describe('outputMatchesSchema', () => {
  it('scores 1 with a fixed reason when the output fits, 0 with the problem when not', async () => {
    const scorer = outputMatchesSchema({ type: 'array', items: { type: 'string' } });
    expect(await scorer.score(context(['a', 'b']))).toEqual({
      scorer: 'output-schema',
      score: 1,
      pass: true,
      reason: 'the output fits the schema',
    });
    expect(await scorer.score(context(['a', 2]))).toEqual({
      scorer: 'output-schema',
      score: 0,
      pass: false,
      reason: '$[1] should be string, is integer',
    });
  });
});

describe('outputEquals', () => {
  it('judges a case that expects an output of null or undefined; skips one that expects none', async () => {
    const scorer = outputEquals();
    expect(await scorer.score(context(null, { output: null }))).toMatchObject({ pass: true });
    expect(await scorer.score(context({}, { output: null }))).toMatchObject({
      pass: false,
      reason: 'the output differs at $: got {}',
    });
    expect(await scorer.score(context(undefined, { output: undefined }))).toMatchObject({
      pass: true,
    });
    expect(await scorer.score(context({ a: 1 }, { text: 'x' }))).toBeUndefined();
    expect(await scorer.score(context({ a: 1 }))).toBeUndefined();
  });

  it('names a missing key, an extra key and a different array length by path', async () => {
    const scorer = outputEquals();
    const expected = { output: { a: { b: 1 }, list: [1, 2] } };
    const reason = async (output: unknown) =>
      (await scorer.score(context(output, expected)))?.reason;
    expect(await reason({ a: {}, list: [1, 2] })).toMatch(/^the output differs at \$\.a\.b:/);
    expect(await reason({ a: { b: 1, c: 2 }, list: [1, 2] })).toMatch(
      /^the output differs at \$\.a\.c:/,
    );
    expect(await reason({ a: { b: 1 }, list: [1] })).toMatch(
      /^the output differs at \$\.list\.length:/,
    );
  });

  it('quotes a huge output in its reason shortly, never cutting a character in half', async () => {
    const output = { text: '😀'.repeat(5000) };
    const score = await outputEquals().score(context(output, { output: { text: '' } }));
    expect(score?.reason.length).toBeLessThan(250);
    expect(score?.reason).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(score?.reason.endsWith('…')).toBe(true);
  });
});
