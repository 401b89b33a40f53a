import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { assertObjectJsonSchema, jsonSchema } from './json-schema.ts';

describe('jsonSchema', () => {
  it('returns the same schema object (the type is the only addition)', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(jsonSchema<{ a: string }>(schema)).toBe(schema);
  });

  it('rejects a schema that is not an object schema', () => {
    expect(() => jsonSchema({ type: 'array' })).toThrow(InvalidArgumentError);
  });
});

describe('assertObjectJsonSchema', () => {
  it.each([
    [{ type: 'object' }],
    [{ type: ['object', 'null'], properties: {} }],
    [{ properties: { a: {} } }],
  ])('accepts %j', (schema) => {
    expect(() => assertObjectJsonSchema(schema, 'parameters')).not.toThrow();
  });

  it.each([
    [null, 'got null'],
    [[{ type: 'object' }], 'got an array'],
    ['object', 'got string'],
    [{ type: 'array', items: {} }, 'got type "array"'],
    [{ oneOf: [{ type: 'object' }], $defs: {} }, 'got a schema with oneOf'],
  ])('rejects %j, saying what it got', (schema, found) => {
    expect(() => assertObjectJsonSchema(schema, 'parameters')).toThrow(found);
  });
});
