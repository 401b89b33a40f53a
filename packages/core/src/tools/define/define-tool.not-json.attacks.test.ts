import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from './define-tool.ts';

// A zod type JSON cannot carry, deep in a tool's parameters: the model can never send a value that
// passes it, so defineTool refuses it. zod 3's refusal named the place and what to use instead
// (`ZodDate at properties/when cannot be represented in JSON ...; use z.string().datetime()`);
// zod 4's said only "Date cannot be represented in JSON Schema": no place in a schema of fifty
// fields, no fix (attack44c). Both now name the tool, the place and the fix.

const execute = (args: unknown) => args;

/** The InvalidArgumentError's message defineTool throws for `parameters`. */
function refusal(parameters: unknown): string {
  try {
    defineTool({ name: 'book_trip', parameters: parameters as never, execute });
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('defineTool accepted the schema');
}

// Each type deep inside: an object in a list in an object, after a field that converts.
const inTrip = (type: z.ZodType) =>
  z.object({ city: z.string(), legs: z.array(z.object({ from: z.string(), at: type })) });
const PLACE = 'properties.legs.items.properties.at';

const zod4Cases: [string, z.ZodType, string][] = [
  ['z.date()', z.date(), 'z.iso.datetime()'],
  ['z.coerce.date()', z.coerce.date(), 'z.iso.datetime()'],
  ['z.bigint()', z.bigint(), 'z.int()'],
  ['z.map()', z.map(z.string(), z.number()), 'z.record()'],
  ['z.set()', z.set(z.string()), 'z.array()'],
  ['z.symbol()', z.symbol(), 'z.string()'],
  ['z.nan()', z.nan(), 'z.number()'],
  ['z.undefined()', z.undefined(), '.optional()'],
  ['z.void()', z.void(), '.optional()'],
  ['z.instanceof(Date)', z.instanceof(Date), 'a JSON type'],
  ['z.custom()', z.custom<string>(), 'a JSON type'],
];

describe('defineTool names the place and the fix of a zod 4 type JSON cannot carry', () => {
  for (const [name, type, fix] of zod4Cases) {
    it(name, () => {
      const message = refusal(inTrip(type));
      expect(message).toContain('"book_trip"');
      expect(message).toContain(PLACE);
      expect(message).toContain(fix);
    });
  }

  it('names the place behind optional, nullable, default, a union and a lazy schema', () => {
    const Stop: z.ZodType = z.lazy(() => z.object({ name: z.string(), next: Stop.optional() }));
    const message = refusal(
      z.object({
        stop: Stop,
        when: z.union([z.string(), z.object({ day: z.date().nullable().optional() })]),
      }),
    );
    expect(message).toContain('properties.when.anyOf[1].properties.day');
    expect(message).toContain('z.iso.datetime()');
  });

  it('a schema that converts is untouched (preprocess and transform are read on their input side)', () => {
    const tool = defineTool({
      name: 'book_trip',
      parameters: z.object({
        when: z.preprocess((value) => String(value), z.string()),
        count: z.string().transform((value) => value.length),
      }),
      execute,
    });
    expect(tool.declaration.parametersJsonSchema).toMatchObject({
      properties: { when: { type: 'string' }, count: { type: 'string' } },
    });
  });
});

describe('zod 3 (the control: named before)', () => {
  it('z.date() deep inside', () => {
    const message = refusal(
      z3.object({ legs: z3.array(z3.object({ from: z3.string(), at: z3.date() })) }),
    );
    expect(message).toContain('"book_trip"');
    expect(message).toContain('properties/legs/items/properties/at');
    expect(message).toContain('z.string().datetime()');
  });
});
