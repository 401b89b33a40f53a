import { describe, expect, it } from 'vitest';
import { toOpenApiSchema } from './to-open-api-schema.ts';

const anyTypes = [{ type: 'STRING' }, { type: 'NUMBER' }, { type: 'BOOLEAN' }, { type: 'OBJECT' }];

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});

/** Converts `{ value: schema }` and returns the converted `value` and the warnings. */
function convertProperty(schema: unknown) {
  const { schema: converted, warnings } = toOpenApiSchema(object({ value: schema }));
  return { value: converted?.properties?.['value'], warnings };
}

// The conversion table, keyword by keyword.
describe('OpenAPI keyword conversion', () => {
  it.each([
    [
      'string',
      { type: 'string', minLength: 1, maxLength: 9, pattern: '^a' },
      { type: 'STRING', minLength: 1, maxLength: 9, pattern: '^a' },
    ],
    [
      'integer',
      { type: 'integer', minimum: 1, maximum: 5 },
      { type: 'INTEGER', minimum: 1, maximum: 5 },
    ],
    ['number', { type: 'number' }, { type: 'NUMBER' }],
    ['boolean', { type: 'boolean', default: false }, { type: 'BOOLEAN', default: false }],
    ['string enum', { type: 'string', enum: ['a', 'b'] }, { type: 'STRING', enum: ['a', 'b'] }],
    ['enum without type', { enum: ['a', 'b'] }, { type: 'STRING', enum: ['a', 'b'] }],
    [
      'array',
      { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
      { type: 'ARRAY', items: { type: 'STRING' }, minItems: 1, maxItems: 3 },
    ],
    [
      'nested object',
      object({ a: { type: 'string' } }, { required: ['a'] }),
      { type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'] },
    ],
    ['type list with null', { type: ['string', 'null'] }, { type: 'STRING', nullable: true }],
    [
      'anyOf [X, null]',
      { anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'd' },
      { type: 'INTEGER', description: 'd', nullable: true },
    ],
    [
      'anyOf of two',
      { anyOf: [{ type: 'string' }, { type: 'number' }] },
      { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
    ],
    [
      'type list of two',
      { type: ['string', 'integer'], minLength: 2, minimum: 3 },
      {
        anyOf: [
          { type: 'STRING', minLength: 2 },
          { type: 'INTEGER', minimum: 3 },
        ],
      },
    ],
    [
      'date-time format',
      { type: 'string', format: 'date-time' },
      { type: 'STRING', format: 'date-time' },
    ],
    ['int64 format', { type: 'integer', format: 'int64' }, { type: 'INTEGER', format: 'int64' }],
    ['examples', { type: 'string', examples: ['x', 'y'] }, { type: 'STRING', example: 'x' }],
    ['title (dropped: python-genai#1732)', { type: 'string', title: 'T' }, { type: 'STRING' }],
    [
      'integer exclusive bounds (exact)',
      { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 },
      { type: 'INTEGER', minimum: 1, maximum: 9 },
    ],
    [
      'zod .int() safe bounds',
      { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
      { type: 'INTEGER' },
    ],
    [
      'allOf of objects',
      {
        allOf: [
          object({ a: { type: 'string' } }, { required: ['a'] }),
          object({ b: { type: 'number' } }, { required: ['b'] }),
        ],
      },
      {
        type: 'OBJECT',
        properties: { a: { type: 'STRING' }, b: { type: 'NUMBER' } },
        required: ['a', 'b'],
      },
    ],
    ['empty nested object', { type: 'object', properties: {} }, { type: 'OBJECT' }],
    [
      'additionalProperties: false',
      object({ a: { type: 'string' } }, { additionalProperties: false }),
      { type: 'OBJECT', properties: { a: { type: 'STRING' } } },
    ],
    ['null', { type: 'null' }, { type: 'NULL', nullable: true }],
    [
      'const string (exact as a one-value enum)',
      { const: 'fixed' },
      { type: 'STRING', enum: ['fixed'] },
    ],
  ])('converts %s without warnings', (_label, input, expected) => {
    const { value, warnings } = convertProperty(input);
    expect(value).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it.each([
    [
      'a record (additionalProperties schema)',
      { type: 'object', additionalProperties: { type: 'number' } },
      { type: 'OBJECT' },
      'additionalProperties',
      /record.*any keys/,
    ],
    [
      'extra keys next to properties',
      object({ a: { type: 'string' } }, { additionalProperties: true }),
      { type: 'OBJECT', properties: { a: { type: 'STRING' } } },
      'additionalProperties',
      /which extra keys/,
    ],
    [
      'patternProperties',
      { type: 'object', patternProperties: { '^x': { type: 'string' } } },
      { type: 'OBJECT' },
      'patternProperties',
      /any keys/,
    ],
    [
      'non-string enum',
      { type: 'integer', enum: [1, 2, 3], description: 'Level.' },
      { type: 'INTEGER', description: 'Level. Allowed values: 1, 2, 3.' },
      'enum',
      /only takes string enums/,
    ],
    [
      'boolean const',
      { type: 'boolean', const: true },
      { type: 'BOOLEAN', description: 'Allowed values: true.' },
      'const',
      /only takes string enums/,
    ],
    [
      'oneOf',
      { oneOf: [{ type: 'string' }, { type: 'number' }] },
      { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
      'oneOf',
      /sent as anyOf/,
    ],
    [
      'prefixItems (tuple)',
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] },
      {
        type: 'ARRAY',
        items: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
        minItems: 2,
        maxItems: 2,
      },
      'prefixItems',
      /tuple/,
    ],
    [
      'draft-07 tuple',
      { type: 'array', items: [{ type: 'string' }, { type: 'string' }] },
      { type: 'ARRAY', items: { type: 'STRING' }, minItems: 2, maxItems: 2 },
      'items',
      /tuple/,
    ],
    [
      'number exclusiveMinimum',
      { type: 'number', exclusiveMinimum: 0 },
      { type: 'NUMBER', minimum: 0 },
      'exclusiveMinimum',
      /may send exactly 0/,
    ],
    [
      'unsupported format',
      { type: 'string', format: 'email', description: 'Contact.' },
      { type: 'STRING', description: 'Contact. Format: email.' },
      'format',
      /description/,
    ],
    ['multipleOf', { type: 'number', multipleOf: 5 }, { type: 'NUMBER' }, 'multipleOf', /dropped/],
    [
      'uniqueItems',
      { type: 'array', items: { type: 'string' }, uniqueItems: true },
      { type: 'ARRAY', items: { type: 'STRING' } },
      'uniqueItems',
      /dropped/,
    ],
    ['not', { type: 'string', not: { const: 'x' } }, { type: 'STRING' }, 'not', /dropped/],
    [
      'an unknown keyword',
      { type: 'string', contentFoo: 1 },
      { type: 'STRING' },
      'contentFoo',
      /not part of Gemini's schema subset/,
    ],
    // Gemini refuses a property without `type` or `anyOf` (LibreChat#6971).
    ['any value', {}, { anyOf: anyTypes }, 'type', /no "any" type/],
    [
      'array of anything',
      { type: 'array' },
      { type: 'ARRAY', items: { anyOf: anyTypes } },
      'type',
      /no "any" type/,
    ],
  ])('converts %s and reports it', (_label, input, expected, keyword, message) => {
    const { value, warnings } = convertProperty(input);
    expect(value).toEqual(expected);
    expect(warnings).toEqual([
      {
        path: expect.arrayContaining(['properties', 'value']),
        keyword,
        message: expect.stringMatching(message),
      },
    ]);
  });
});
