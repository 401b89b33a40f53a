import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { isZodV3Schema, zodV3ToJsonSchema } from './zod-v3-to-json-schema.ts';

describe('zodV3ToJsonSchema', () => {
  it('describes the input side and says nothing about extra keys on a plain object', () => {
    const schema = z3.object({
      n: z3.number().default(1),
      s: z3.string().transform((value) => value.length),
      piped: z3.string().pipe(z3.coerce.number()),
    });
    expect(zodV3ToJsonSchema(schema)).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        n: { type: 'number', default: 1 },
        s: { type: 'string' },
        piped: { type: 'string' },
      },
      required: ['s', 'piped'],
    });
  });

  it('marks a strict object with additionalProperties: false, like zod 4', () => {
    expect(zodV3ToJsonSchema(z3.object({ a: z3.string() }).strict())).toMatchObject({
      additionalProperties: false,
    });
  });

  it.each([
    ['z.date()', z3.object({ a: z3.date() }), 'ZodDate at properties/a'],
    ['z.bigint()', z3.object({ a: z3.bigint() }), 'ZodBigInt at properties/a'],
    ['z.map()', z3.object({ a: z3.map(z3.string(), z3.string()) }), 'ZodMap at properties/a'],
    [
      'z.set() in an array',
      z3.object({ a: z3.array(z3.set(z3.string())) }),
      'ZodSet at properties/a/items',
    ],
  ])('refuses %s, which the model could never send', (_label, schema, where) => {
    expect(() => zodV3ToJsonSchema(schema)).toThrow(where);
  });
});

describe('isZodV3Schema', () => {
  it('tells zod 3 schemas from zod 4 ones', () => {
    expect(isZodV3Schema(z3.object({}))).toBe(true);
    expect(isZodV3Schema(z.object({}))).toBe(false);
    expect(isZodV3Schema({ _def: { typeName: 'ZodObject' } })).toBe(false);
  });
});
