import { describe, expect, it } from 'vitest';
import { cleanJsonSchema } from './clean-json-schema.ts';

const wrap = (value: Record<string, unknown>) => ({ type: 'object', properties: { value } });
const cleanProperty = (value: Record<string, unknown>) =>
  (cleanJsonSchema(wrap(value))['properties'] as Record<string, unknown>)['value'];

describe('cleanJsonSchema', () => {
  it('removes $schema, $id, $comment and discriminator', () => {
    expect(
      cleanJsonSchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: 'urn:x',
        $comment: 'note',
        type: 'object',
        properties: { a: { type: 'string', discriminator: { propertyName: 'k' } } },
      }),
    ).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
  });

  it('removes title keywords at every depth but keeps a property named title', () => {
    expect(
      cleanJsonSchema({
        title: 'Root',
        type: 'object',
        properties: {
          title: { type: 'string', title: 'Title' },
          pages: {
            type: 'array',
            title: 'Pages',
            items: {
              title: 'Page',
              type: 'object',
              properties: { n: { type: 'integer', title: 'N' } },
            },
          },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        title: { type: 'string' },
        pages: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
      },
    });
  });

  it.each([
    ['string const', { const: 'x' }, { enum: ['x'], type: 'string' }],
    ['typed const', { type: 'number', const: 5 }, { type: 'number', enum: [5] }],
    ['null const', { const: null }, { enum: [null], type: 'null' }],
    [
      'integer exclusiveMinimum',
      { type: 'integer', exclusiveMinimum: 0 },
      { type: 'integer', minimum: 1 },
    ],
    [
      'integer exclusiveMaximum',
      { type: 'integer', exclusiveMaximum: 10.5 },
      { type: 'integer', maximum: 10 },
    ],
    [
      'number exclusiveMinimum',
      { type: 'number', exclusiveMinimum: 0 },
      { type: 'number', minimum: 0 },
    ],
    [
      'tighter of both bounds',
      { type: 'integer', minimum: 5, exclusiveMinimum: 0 },
      { type: 'integer', minimum: 5 },
    ],
    [
      'draft-04 boolean exclusive bound',
      { type: 'integer', minimum: 3, exclusiveMinimum: true },
      { type: 'integer', minimum: 4 },
    ],
    [
      'zod safe-integer bounds',
      { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
      { type: 'integer' },
    ],
    [
      'record key type',
      {
        type: 'object',
        propertyNames: { type: 'string' },
        additionalProperties: { type: 'number' },
      },
      { type: 'object', additionalProperties: { type: 'number' } },
    ],
  ])('rewrites %s', (_label, input, expected) => {
    expect(cleanProperty(input)).toEqual(expected);
  });

  it.each([
    [
      'additionalProperties: false',
      { type: 'object', properties: {}, additionalProperties: false },
    ],
    ['format and pattern', { type: 'string', format: 'email', pattern: '@' }],
    ['default and examples', { type: 'string', default: 'a', examples: ['b'] }],
    ['anyOf and oneOf', { anyOf: [{ type: 'string' }], oneOf: [{ type: 'number' }] }],
    ['a meaningful propertyNames', { type: 'object', propertyNames: { pattern: '^x' } }],
  ])('keeps %s, which parametersJsonSchema accepts', (_label, input) => {
    expect(cleanProperty(input)).toEqual(input);
  });

  it('inlines non-recursive $refs and drops the definitions they used', () => {
    expect(
      cleanJsonSchema({
        type: 'object',
        $defs: { City: { type: 'string', title: 'City', description: 'A city' } },
        properties: {
          from: { $ref: '#/$defs/City' },
          to: { $ref: '#/$defs/City', description: 'Where to' },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        from: { type: 'string', description: 'A city' },
        to: { type: 'string', description: 'Where to' },
      },
    });
  });

  it('keeps recursive $refs and the definitions they need, cleaned too', () => {
    const cleaned = cleanJsonSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { tree: { $ref: '#/$defs/Node' } },
      $defs: {
        Node: {
          title: 'Node',
          type: 'object',
          properties: {
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/$defs/Node' } },
          },
        },
        Unused: { type: 'string' },
      },
    });
    const node = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        children: { type: 'array', items: { $ref: '#/$defs/Node' } },
      },
    };
    expect(cleaned).toEqual({ type: 'object', properties: { tree: node }, $defs: { Node: node } });
  });

  it('resolves zod-to-json-schema style pointers into properties', () => {
    expect(
      cleanJsonSchema({
        type: 'object',
        properties: {
          a: { type: 'object', properties: { x: { type: 'number' } } },
          b: { $ref: '#/properties/a' },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        a: { type: 'object', properties: { x: { type: 'number' } } },
        b: { type: 'object', properties: { x: { type: 'number' } } },
      },
    });
  });

  it('adds type object to a root that has none, and narrows a root type list to object', () => {
    expect(cleanJsonSchema({ properties: {} })).toEqual({ properties: {}, type: 'object' });
    expect(cleanJsonSchema({ type: ['object', 'null'], properties: {} })).toEqual({
      type: 'object',
      properties: {},
    });
  });

  it('leaves the root type alone with objectRoot: false (for response schemas)', () => {
    expect(
      cleanJsonSchema({ anyOf: [{ type: 'string' }, { type: 'number' }] }, { objectRoot: false }),
    ).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }],
    });
    expect(cleanJsonSchema({ type: ['string', 'null'] }, { objectRoot: false })).toEqual({
      type: ['string', 'null'],
    });
  });

  it('does not modify its input', () => {
    const input = {
      type: 'object',
      title: 'X',
      properties: { a: { const: 1, $ref: '#/$defs/A' } },
      $defs: { A: { type: 'integer' } },
    };
    const copy = structuredClone(input);
    cleanJsonSchema(input);
    expect(input).toEqual(copy);
  });
});
