import { describe, expect, it } from 'vitest';
import { z as z4 } from 'zod';
import * as zm from 'zod/mini';
import { z as z3 } from 'zod-v3';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { jsonSchema } from '../schema/json-schema.ts';
import { defineTool } from './define-tool.ts';

// attack68b: a zod tool with a field named `__proto__` was defined, and could never work. zod's
// parse (3 and 4 alike) reads the model's own `__proto__` key and then writes it into a plain
// object, where it sets the prototype instead: `execute` never got the field the schema requires
// (`{ __proto__: z.string() }` parsed `{"__proto__":"hi","a":"x"}` to `{ a: 'x' }`). zod 4 declared
// the field; zod-to-json-schema wrote it the same way and lost it from `properties`, leaving it
// in `required`. Now refused when defined, naming the tool and the place; a JSON Schema tool, whose
// arguments reach `execute` as parsed, keeps it.

const execute = (args: unknown) => args;
const ARGS = JSON.parse('{"a":"x","__proto__":"hi"}') as Record<string, unknown>;

function refusal(parameters: unknown): string {
  try {
    defineTool({ name: 'probe', parameters: parameters as never, execute });
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('defineTool accepted the schema');
}

const zods = [
  ['zod 3', z3],
  ['zod 4', z4],
] as const;

describe('a zod field named __proto__', () => {
  for (const [name, z] of zods) {
    it(`${name}: at the root, required or optional, refused naming the tool and the place`, () => {
      const zod = z as unknown as typeof z4;
      for (const field of [zod.string(), zod.string().optional()]) {
        const message = refusal(zod.object({ a: zod.string(), ['__proto__']: field }));
        expect(message).toContain('tool "probe"');
        expect(message).toContain('properties.__proto__');
        expect(message).toMatch(/rename/i);
      }
    });

    it(`${name}: deep (an object in a list in an object), refused naming the place`, () => {
      const zod = z as unknown as typeof z4;
      const message = refusal(
        zod.object({
          trip: zod.object({ legs: zod.array(zod.object({ ['__proto__']: zod.number() })) }),
        }),
      );
      expect(message).toContain('properties.trip.properties.legs.items.properties.__proto__');
    });

    it(`${name}: fields named constructor and toString are kept and reach execute`, async () => {
      const zod = z as unknown as typeof z4;
      const tool = defineTool({
        name: 'probe',
        parameters: zod.object({ constructor: zod.string(), toString: zod.string() }),
        execute,
      });
      const declared = tool.declaration.parametersJsonSchema as { properties: object };
      expect(Object.keys(declared.properties)).toEqual(['constructor', 'toString']);
      expect(await tool.parseArgs({ constructor: 'c', toString: 't' })).toEqual({
        success: true,
        value: { constructor: 'c', toString: 't' },
      });
    });
  }

  it('zod/mini: refused as zod 4', () => {
    expect(refusal(zm.object({ ['__proto__']: zm.string() }))).toContain('properties.__proto__');
  });

  it('a JSON Schema tool keeps it: declared and handed to execute as the model sent it', async () => {
    const tool = defineTool({
      name: 'probe',
      parameters: jsonSchema(
        JSON.parse(
          '{"type":"object","properties":{"a":{"type":"string"},"__proto__":{"type":"string"}},"required":["a","__proto__"]}',
        ),
      ),
      execute,
    });
    const declared = tool.declaration.parametersJsonSchema as { properties: object };
    expect(Object.hasOwn(declared.properties, '__proto__')).toBe(true);
    const parsed = (await tool.parseArgs(ARGS)) as { success: true; value: object };
    expect(Object.hasOwn(parsed.value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(parsed.value)).toBe(Object.prototype);
  });
});
