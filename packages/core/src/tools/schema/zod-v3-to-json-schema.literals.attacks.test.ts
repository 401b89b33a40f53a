import { describe, expect, it } from 'vitest';
import { z as z4 } from 'zod';
import { z as z3 } from 'zod-v3';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from '../define/define-tool.ts';

// attack68b: zod-to-json-schema writes a literal that is not a string, number or boolean as
// `{ type: 'object' }` (its parseLiteralDef: "array" for an array, "object" for anything else):
// a zod 3 tool with `z.literal(null)` told the model to send an object, and every object it sent
// was refused ("Invalid literal value, expected null"); zod 4 declares `{ type: 'null' }`.
// `z.literal(undefined)` became an optional object (zod 4 refuses it), and `z.literal(10n)` an
// `enum: [10n]` that made defineTool throw JSON.stringify's bare TypeError ("Do not know how to
// serialize a BigInt"), naming neither the tool nor the field.

const execute = (args: unknown) => args;
type Declared = { properties: Record<string, unknown>; required?: string[] };

function declared(parameters: unknown): Declared {
  return defineTool({ name: 'probe', parameters: parameters as never, execute }).declaration
    .parametersJsonSchema as Declared;
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

describe('zod 3 literals that are not strings, numbers or booleans', () => {
  it('z.literal(null) is declared as zod 4 declares it, and a null passes', async () => {
    const zod3 = declared(z3.object({ a: z3.literal(null), b: z3.string() }));
    const zod4 = declared(z4.object({ a: z4.literal(null), b: z4.string() }));
    expect(zod3).toEqual(zod4);
    expect(zod3.properties['a']).toEqual({ type: 'null', enum: [null] });
    const tool = defineTool({
      name: 'probe',
      parameters: z3.object({ a: z3.literal(null) }),
      execute,
    });
    expect(await tool.parseArgs({ a: null })).toEqual({ success: true, value: { a: null } });
  });

  it('z.literal(null) in a union is declared as zod 4 declares it', () => {
    const zod3 = declared(z3.object({ a: z3.union([z3.string(), z3.literal(null)]) }));
    const zod4 = declared(z4.object({ a: z4.union([z4.string(), z4.literal(null)]) }));
    expect(JSON.stringify(zod3)).not.toContain('"object"},');
    expect(zod3.properties['a']).toEqual(zod4.properties['a']);
  });

  it('z.literal(10n) is refused typed, naming the tool and the place', () => {
    const message = refusal(z3.object({ trip: z3.object({ code: z3.literal(10n) }) }));
    expect(message).toContain('tool "probe"');
    expect(message).toContain('properties/trip/properties/code');
    expect(refusal(z4.object({ code: z4.literal(10n) }))).toContain('tool "probe"');
  });

  it('z.literal(undefined) is refused, as zod 4 refuses it, naming the place', () => {
    const message = refusal(z3.object({ a: z3.string(), gone: z3.literal(undefined) }));
    expect(message).toContain('tool "probe"');
    expect(message).toContain('properties/gone');
    expect(message).toContain('.optional()');
    expect(refusal(z4.object({ a: z4.string(), gone: z4.literal(undefined) }))).toContain(
      'tool "probe"',
    );
  });
});
