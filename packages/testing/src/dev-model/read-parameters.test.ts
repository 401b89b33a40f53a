import { describe, expect, it } from 'vitest';
import { readParameters, resolveRef, schemaType } from './read-parameters.ts';

// How the demo model reads a declared function's parameters, from `parametersJsonSchema` (JSON
// Schema) or `parameters` (the OpenAPI subset, upper-case types), as Gemini's FunctionDeclaration
// takes either. The declaration is the client's bytes: it is read bounded.

describe('readParameters', () => {
  it('reads names, types, required, descriptions and string enums, in declaration order', () => {
    const parameters = readParameters({
      name: 'book',
      parametersJsonSchema: {
        type: 'object',
        properties: {
          city: { type: 'string', description: 'Where.' },
          nights: { type: ['integer', 'null'] },
          room: { enum: ['single', 'double', 3] },
          tags: { type: 'array', items: { type: 'string' } },
        },
        required: ['city'],
      },
    });
    expect(
      parameters.map(({ name, type, required, description, enumValues, items }) => ({
        name,
        type,
        required,
        description,
        enumValues,
        items,
      })),
    ).toEqual([
      {
        name: 'city',
        type: 'string',
        required: true,
        description: 'Where.',
        enumValues: undefined,
        items: undefined,
      },
      {
        name: 'nights',
        type: 'integer',
        required: false,
        description: '',
        enumValues: undefined,
        items: undefined,
      },
      {
        name: 'room',
        type: 'string',
        required: false,
        description: '',
        enumValues: ['single', 'double'],
        items: undefined,
      },
      {
        name: 'tags',
        type: 'array',
        required: false,
        description: '',
        enumValues: undefined,
        items: { type: 'string' },
      },
    ]);
  });

  it('reads the OpenAPI subset of parameters, upper-case types included', () => {
    const [value] = readParameters({
      name: 'convert',
      parameters: {
        type: 'OBJECT',
        properties: { value: { type: 'NUMBER' } },
        required: ['value'],
      },
    } as never);
    expect(value).toMatchObject({ name: 'value', type: 'number', required: true });
  });

  it('follows $ref to $defs and definitions, keeping the definitions beside the parameter', () => {
    const [address] = readParameters({
      name: 'ship',
      parametersJsonSchema: {
        $ref: '#/$defs/Order',
        $defs: {
          Order: { type: 'object', properties: { to: { $ref: '#/definitions/Address' } } },
        },
        definitions: { Address: { type: 'object', properties: { street: { type: 'string' } } } },
      },
    });
    // The root's own $ref is followed too, and $defs travel with the parameter.
    expect(address?.type).toBe('object');
    expect(address?.schema).toMatchObject({ properties: { street: { type: 'string' } } });
  });

  it('reads nothing from a schema without properties, or one that is no object', () => {
    expect(readParameters({ name: 'f' })).toEqual([]);
    expect(readParameters({ name: 'f', parametersJsonSchema: { type: 'string' } })).toEqual([]);
    expect(readParameters({ name: 'f', parametersJsonSchema: 'text' as never })).toEqual([]);
  });
});

describe('resolveRef', () => {
  it('stops on a $ref cycle, and leaves a $ref to nowhere as undefined', () => {
    const root = { $defs: { A: { $ref: '#/$defs/B' }, B: { $ref: '#/$defs/A' } } };
    expect(resolveRef(root, { $ref: '#/$defs/A' })).toEqual({ $ref: expect.any(String) });
    expect(resolveRef(root, { $ref: '#/$defs/Missing' })).toBeUndefined();
  });

  it('never reads an inherited property as a definition', () => {
    expect(resolveRef({ $defs: {} }, { $ref: '#/$defs/constructor' })).toBeUndefined();
  });
});

describe('schemaType', () => {
  it('reads the first type that is not null of a list, an anyOf or a oneOf', () => {
    expect(schemaType({ type: ['null', 'NUMBER'] })).toBe('number');
    expect(schemaType({ anyOf: [{ type: 'null' }, { type: 'boolean' }] })).toBe('boolean');
    expect(schemaType({ oneOf: [{ const: 3 }] })).toBe('number');
    expect(schemaType({ enum: [1, 2] })).toBe('number');
    expect(schemaType({ properties: {} })).toBe('object');
    expect(schemaType({ items: {} })).toBe('array');
    expect(schemaType({})).toBe('string');
  });

  it('reads 40 nested anyOf in linear time, and a 10,000-deep nesting without a stack overflow', () => {
    // Each level read its option twice: 2^40 steps, the demo model hung on such a declaration.
    const nest = (depth: number) => {
      let schema: Record<string, unknown> = { type: 'integer' };
      for (let level = 0; level < depth; level++) schema = { anyOf: [schema] };
      return schema;
    };
    expect(schemaType(nest(25))).toBe('integer');
    expect(schemaType(nest(40))).toBe('string');
    expect(schemaType(nest(10_000))).toBe('string');
  });
});
