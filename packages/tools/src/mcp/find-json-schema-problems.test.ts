import { describe, expect, it } from 'vitest';
import { findJsonSchemaProblems } from './find-json-schema-problems.ts';

describe('findJsonSchemaProblems', () => {
  it('finds nothing wrong with ordinary tool schemas', () => {
    expect(
      findJsonSchemaProblems({
        type: 'object',
        properties: {
          query: { type: 'string', minLength: 1, pattern: '^\\p{L}+$' },
          filters: {
            type: 'array',
            items: { anyOf: [{ type: 'string' }, { type: ['integer', 'null'] }] },
            maxItems: 5,
          },
          options: { type: 'object', additionalProperties: { type: 'boolean' } },
          old: { type: 'number', minimum: 0, exclusiveMinimum: true },
        },
        patternProperties: { '^x-': { type: 'string' } },
        required: ['query'],
        $defs: { unused: true },
      }),
    ).toEqual([]);
  });

  it('reports each problem with its path', () => {
    expect(
      findJsonSchemaProblems({
        type: 'object',
        properties: {
          a: { type: 'float' },
          b: { type: 'string', maxLength: -1 },
          c: { anyOf: [] },
          d: { type: 'number', minimum: '0' },
        },
        patternProperties: { '(': {} },
        required: [1],
        enum: 'x',
      }),
    ).toEqual([
      { path: 'required', message: 'must be a list of property names, got a list' },
      { path: 'enum', message: 'must be a list of values, got "x"' },
      {
        path: 'properties.a.type',
        message: expect.stringContaining('"float" is not a JSON Schema type'),
      },
      { path: 'properties.b.maxLength', message: 'must be a non-negative integer, got -1' },
      { path: 'properties.c.anyOf', message: 'must be a non-empty list of schemas, got a list' },
      { path: 'properties.d.minimum', message: 'must be a number, got "0"' },
      {
        path: 'patternProperties.(',
        message: expect.stringContaining('is not a valid regular expression'),
      },
    ]);
  });

  it('stops on cyclic schemas', () => {
    const schema: Record<string, unknown> = { type: 'object', properties: {} };
    (schema['properties'] as Record<string, unknown>)['self'] = schema;
    expect(findJsonSchemaProblems(schema)).toEqual([]);
  });
});
