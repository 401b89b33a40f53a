import { describe, expect, it } from 'vitest';
import { z as z4 } from 'zod';
import { z as z3 } from 'zod-v3';
import { prepareOutput } from '../../agent/structured-output.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from './define-tool.ts';

// attack68b's leftover (a): zod 3's intersection (`.and()`, `z.intersection`) is written by
// zod-to-json-schema as `allOf`, which defineTool refused at the root ("got a schema with allOf")
// and sent as it was when nested, where zod 4 merges two objects into one: the same tool gave two
// declarations, one of them refused. `allOf` is not among the keywords Google lists for its JSON
// Schema (js-genai `responseJsonSchema`), so a nested one may be ignored by the model. zod 4 keeps
// `allOf` where its members carry more than an object's keywords (a description, a string's
// bounds), and refuses such a root too. Both zods' intersections are now merged into one schema,
// and one whose sides share no type (no value can pass) is refused, naming the place.

const execute = (args: unknown) => args;

function declared(parameters: unknown): Record<string, unknown> {
  return defineTool({ name: 'probe', parameters: parameters as never, execute }).declaration
    .parametersJsonSchema as Record<string, unknown>;
}

function refusal(parameters: unknown): string {
  try {
    defineTool({ name: 'probe', parameters: parameters as never, execute });
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('defineTool accepted the schema');
}

/** Each case built with either zod: the same schema, written once (both have these methods). */
const cases: [string, (z: typeof z4) => unknown][] = [
  [
    'two objects at the root (.and)',
    (z) => z.object({ a: z.string() }).and(z.object({ b: z.number().optional() })),
  ],
  [
    'three objects at the root',
    (z) =>
      z
        .object({ a: z.string() })
        .and(z.object({ b: z.string() }))
        .and(z.object({ c: z.boolean() })),
  ],
  [
    'an intersection in a field, in a list',
    (z) =>
      z.object({
        trip: z.array(z.intersection(z.object({ from: z.string() }), z.object({ to: z.string() }))),
      }),
  ],
  [
    'a field both sides define, with their own bounds',
    (z) =>
      z
        .object({ code: z.string().min(2) })
        .and(z.object({ code: z.string().max(5), n: z.number() })),
  ],
  [
    'described sides, and the intersection described',
    (z) =>
      z
        .object({ a: z.string() })
        .describe('side A')
        .and(z.object({ b: z.string() }).describe('side B'))
        .describe('both'),
  ],
  ['two strings in a field', (z) => z.object({ code: z.string().min(2).and(z.string().max(5)) })],
];
const zod3 = z3 as unknown as typeof z4;

function hasAllOf(schema: unknown): boolean {
  return JSON.stringify(schema).includes('"allOf"');
}

describe('an intersection in a zod tool’s parameters', () => {
  it.each(cases)('%s: one declaration with zod 3 and zod 4, without allOf', (_, build) => {
    const fromZod3 = declared(build(zod3));
    expect(fromZod3).toEqual(declared(build(z4)));
    expect(hasAllOf(fromZod3)).toBe(false);
    expect(fromZod3['type']).toBe('object');
  });

  it('merges the sides as zod 4 does: properties and required united, bounds together', () => {
    expect(declared(cases[3]![1](zod3))).toEqual({
      type: 'object',
      properties: {
        code: { type: 'string', minLength: 2, maxLength: 5 },
        n: { type: 'number' },
      },
      required: ['code', 'n'],
    });
    expect(declared(cases[4]![1](zod3))).toMatchObject({
      description: 'both',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      required: ['a', 'b'],
    });
  });

  it('a zod 3 intersection still validates as zod does, and execute gets the parsed value', async () => {
    const tool = defineTool({
      name: 'probe',
      parameters: z3.object({ a: z3.string() }).and(z3.object({ b: z3.coerce.number() })),
      execute,
    });
    expect(await tool.parseArgs({ a: 'x', b: '2' })).toEqual({
      success: true,
      value: { a: 'x', b: 2 },
    });
    expect((await tool.parseArgs({ a: 'x' })).success).toBe(false);
  });

  it('a zod 3 side reused elsewhere ($ref into the allOf) is merged and declared whole', () => {
    const place = z3.object({ city: z3.string() });
    const schema = z3.object({
      from: place.and(z3.object({ at: z3.string() })),
      to: place,
    });
    const declaration = declared(schema) as { properties: Record<string, unknown> };
    expect(hasAllOf(declaration)).toBe(false);
    expect(declaration.properties['to']).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' } },
    });
    expect(declaration.properties['from']).toMatchObject({
      properties: { city: { type: 'string' }, at: { type: 'string' } },
    });
  });

  it.each([
    ['zod 3', z3.object({ trip: z3.object({ code: z3.intersection(z3.string(), z3.number()) }) })],
    ['zod 4', z4.object({ trip: z4.object({ code: z4.intersection(z4.string(), z4.number()) }) })],
  ])(
    '%s: sides that share no type are refused, naming the tool, the place and the types',
    (_, schema) => {
      const message = refusal(schema);
      expect(message).toContain('tool "probe"');
      expect(message).toContain('properties.trip.properties.code');
      expect(message).toContain('"string"');
      expect(message).toContain('"number"');
    },
  );

  it("an agent's output: one responseJsonSchema with zod 3 and zod 4, without allOf", () => {
    const zod3 = prepareOutput(z3.object({ a: z3.string() }).and(z3.object({ b: z3.number() })));
    const zod4 = prepareOutput(z4.object({ a: z4.string() }).and(z4.object({ b: z4.number() })));
    expect(zod3.jsonSchema).toEqual(zod4.jsonSchema);
    expect(hasAllOf(zod3.jsonSchema)).toBe(false);
  });
});
