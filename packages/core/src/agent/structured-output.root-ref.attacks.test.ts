import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { prepareOutput } from './structured-output.ts';

// An output object registered with `.meta({ id })`: zod 4 writes `{ $ref: "#/$defs/Answer", $defs }`
// at the root. The `responseJsonSchema` sent is the inlined object, but its `type: "object"` was
// deleted (the root of the conversion had no `type`, so the type was taken for the cleaning's own):
// Gemini was asked for an answer of any type with these properties (attack44c).

describe('an output schema that is a $ref at the root', () => {
  it('is sent as the object it points to, type and all', () => {
    const plain = prepareOutput(z.object({ answer: z.string() })).jsonSchema;
    const registered = prepareOutput(
      z.object({ answer: z.string() }).meta({ id: 'Answer' }),
    ).jsonSchema;
    expect(plain).toEqual({
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
    });
    expect(registered).toEqual(plain);
  });

  it('a union at the root stays without a type', () => {
    const schema = prepareOutput(
      z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]),
    ).jsonSchema as Record<string, unknown>;
    expect(schema['type']).toBeUndefined();
    expect(schema['anyOf']).toHaveLength(2);
  });
});
