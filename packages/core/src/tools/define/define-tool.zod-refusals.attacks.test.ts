import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { z as z3 } from 'zod-v3';
import { prepareOutput } from '../../agent/structured-output.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from './define-tool.ts';

// tools64's leftover: three of zod 4's refusals named no place and no fix, where its others do
// (attack44c, attack68b, tools64): "A multipleOf divisor of 0 cannot be represented in JSON
// Schema", "Symbol keys cannot be represented in JSON Schema", "BigInt defaults cannot be
// represented in JSON Schema" (zod `v4/core/json-schema-processors.js`). The same schemas with
// zod 3: a divisor of 0, Infinity or NaN was declared (`multipleOf: 0`, Infinity sent as `null`)
// though no value passes zod 3's check, so every call failed; a bigint default threw JSON's bare
// "Do not know how to serialize a BigInt" (both now refused on Node, as zod 4's places are named
// on Node only). zod 3 ignores a symbol key in its parse and its declaration alike (the field is
// never checked): left as it is.

const execute = (args: unknown) => args;

function refusal(parameters: unknown): string {
  try {
    defineTool({ name: 'book_trip', parameters: parameters as never, execute });
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('defineTool accepted the schema');
}

// Deep inside, after a field that converts, so the place is the offending one.
const inTrip = (type: z.ZodType) =>
  z.object({ city: z.string(), legs: z.array(z.object({ from: z.string(), at: type })) });
const inTrip3 = (type: z3.ZodTypeAny) =>
  z3.object({ city: z3.string(), legs: z3.array(z3.object({ from: z3.string(), at: type })) });
const PLACE = 'properties.legs.items.properties.at';
const PLACE3 = 'properties/legs/items/properties/at';

describe('zod 4 refusals that named no place', () => {
  it.each([0, Number.POSITIVE_INFINITY, Number.NaN])('a multipleOf divisor of %s', (divisor) => {
    const message = refusal(inTrip(z.number().multipleOf(0.5).multipleOf(divisor)));
    expect(message).toContain('"book_trip"');
    expect(message).toContain(
      `A multipleOf divisor of ${divisor} cannot be represented in JSON Schema at ${PLACE}`,
    );
    expect(message).toContain('greater than zero');
  });

  it('a multipleOf divisor of 0 in zod/mini, after a good one in another field', () => {
    const schema = zm.object({
      a: zm.number().check(zm.multipleOf(2)),
      b: zm.number().check(zm.multipleOf(0)),
    });
    expect(refusal(schema)).toContain(' at properties.b;');
  });

  it('a fractional divisor is still declared', () => {
    const tool = defineTool({
      name: 'book_trip',
      parameters: inTrip(z.number().multipleOf(0.5)),
      execute,
    });
    expect(JSON.stringify(tool.declaration)).toContain('"multipleOf":0.5');
  });

  it('a symbol key: the object that has it', () => {
    const message = refusal(inTrip(z.object({ [Symbol('id')]: z.string(), name: z.string() })));
    expect(message).toContain(`Symbol keys cannot be represented in JSON Schema at ${PLACE}`);
    expect(message).toContain('string keys');
  });

  it.each([
    ['.default()', () => z.any().default(10n)],
    ['.prefault()', () => z.any().prefault(10n)],
    ['a bigint inside an object default', () => z.object({ n: z.any() }).default({ n: 10n })],
  ])('a bigint default (%s)', (_, build) => {
    const message = refusal(inTrip(build()));
    expect(message).toContain(`BigInt defaults cannot be represented in JSON Schema at ${PLACE}`);
    expect(message).toContain('number or a string');
  });

  it("an agent's output is told the place too", () => {
    let message = '';
    try {
      prepareOutput(z.object({ answer: z.string(), step: z.number().multipleOf(0) }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('at properties.step');
  });
});

describe('zod 3, the same schemas', () => {
  it.each([0, Number.POSITIVE_INFINITY, Number.NaN])(
    'a multipleOf divisor of %s is refused (no value passes zod 3 either)',
    (divisor) => {
      expect(z3.number().multipleOf(divisor).safeParse(4).success).toBe(false);
      const message = refusal(inTrip3(z3.number().multipleOf(divisor)));
      expect(message).toContain(`A multipleOf divisor of ${divisor}`);
      expect(message).toContain(PLACE3);
      expect(message).toContain('greater than zero');
    },
  );

  it('a fractional divisor is still declared', () => {
    const tool = defineTool({
      name: 'book_trip',
      parameters: inTrip3(z3.number().multipleOf(0.5)),
      execute,
    });
    expect(JSON.stringify(tool.declaration)).toContain('"multipleOf":0.5');
  });

  it('a bigint default names its place, not JSON.stringify', () => {
    const message = refusal(inTrip3(z3.any().default(10n)));
    expect(message).not.toContain('Do not know how to serialize');
    expect(message).toContain(`BigInt defaults cannot be represented in JSON`);
    expect(message).toContain(PLACE3);
    expect(message).toContain('number or a string');
  });
});
