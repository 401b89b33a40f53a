import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from '../define/define-tool.ts';
import { findJsonSchemaProblems } from './find-json-schema-problems.ts';

// Found beside tools65's zod fixes: a JSON Schema tool with `multipleOf: 0` was defined, and every
// call refused ("2 is not a multiple of 0."): JSON Schema requires a divisor strictly greater than
// zero, and zod 4 refuses the same divisor. A bound or divisor of NaN or Infinity, which a schema
// built in code can hold, reached Gemini as `null` (JSON has no such number).

const tool = (schema: Record<string, unknown>) =>
  defineTool({ name: 'probe', parameters: schema, execute: (args: unknown) => args });

describe('the numbers of a JSON Schema', () => {
  it.each([0, -2])('multipleOf %s is refused, naming the place', (divisor) => {
    const schema = { type: 'object', properties: { n: { type: 'number', multipleOf: divisor } } };
    expect(findJsonSchemaProblems(schema)).toEqual([
      {
        path: 'properties.n.multipleOf',
        message: `must be a number greater than zero, got ${divisor}`,
      },
    ]);
    let thrown: unknown;
    try {
      tool(schema);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toContain('properties.n.multipleOf');
  });

  it.each([
    ['multipleOf', Number.POSITIVE_INFINITY],
    ['minimum', Number.NaN],
    ['maximum', Number.NEGATIVE_INFINITY],
  ])('%s %s (no JSON number) is refused', (keyword, value) => {
    const problems = findJsonSchemaProblems({
      type: 'object',
      properties: { n: { type: 'number', [keyword]: value } },
    });
    expect(problems.map(({ path }) => path)).toEqual([`properties.n.${keyword}`]);
    expect(problems[0]?.message).toContain(String(value));
  });

  it('a fractional divisor and negative bounds are kept', () => {
    const defined = tool({
      type: 'object',
      properties: { n: { type: 'number', multipleOf: 0.25, minimum: -10, maximum: 10 } },
    });
    expect(defined.parseArgs({ n: 0.75 }).success).toBe(true);
  });
});
