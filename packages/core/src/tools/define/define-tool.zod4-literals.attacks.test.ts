import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { prepareOutput } from '../../agent/structured-output.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from './define-tool.ts';

// attack68b's leftover (c): zod 4 refuses a bigint literal and an undefined literal with words of
// its own ("BigInt literals cannot be represented in JSON Schema", "Literal `undefined` cannot be
// represented in JSON Schema") that named no place, where every other type JSON cannot carry was
// named with its place and a fix (attack44c), and zod 3's literals are (attack68b). A literal's
// kind matches every literal, so the place is the literal holding such a value.

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

// After a string literal, so the place is the offending literal, not the first one.
const inTrip = (literal: z.ZodType) =>
  z.object({
    kind: z.literal('trip'),
    legs: z.array(z.object({ mode: z.literal(['bus', 'train']), code: literal })),
  });
const PLACE = 'properties.legs.items.properties.code';

describe('zod 4 literals JSON cannot carry', () => {
  it('a bigint literal: the tool, the place and the fix', () => {
    const message = refusal(inTrip(z.literal(10n)));
    expect(message).toContain('"book_trip"');
    expect(message).toContain(`BigInt literals cannot be represented in JSON Schema at ${PLACE}`);
    expect(message).toContain('number literal');
  });

  it('an undefined literal: the tool, the place and the fix', () => {
    const message = refusal(inTrip(z.literal(undefined)));
    expect(message).toContain(
      `Literal \`undefined\` cannot be represented in JSON Schema at ${PLACE}`,
    );
    expect(message).toContain('.optional()');
  });

  it('a literal of several values, one of them bigint; and zod/mini', () => {
    expect(refusal(inTrip(z.literal([1, 2n])))).toContain(` at ${PLACE}`);
    expect(refusal(zm.object({ a: zm.literal('x'), b: zm.literal(3n) }))).toContain(
      ' at properties.b;',
    );
  });

  it("an agent's output is told the place too", () => {
    let message = '';
    try {
      prepareOutput(z.object({ answer: z.string(), total: z.literal(5n) }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('at properties.total');
  });
});
