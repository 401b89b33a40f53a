import { describe, expect, it } from 'vitest';
import { z as z4 } from 'zod';
import { z as z3 } from 'zod-v3';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { prepareOutput } from './structured-output.ts';

// attack68b refused a tool's zod field named `__proto__` and left `output` (its leftover): zod's
// parse (3 and 4 alike) reads the answer's own `__proto__` key and writes it into a plain object,
// where it sets the prototype: the typed answer came back without the field its schema requires,
// and with a prototype the model chose. Now refused at `createAgent`, naming the place.

const zods = [
  ['zod 3', z3],
  ['zod 4', z4],
] as const;

function refusal(output: unknown): string {
  try {
    prepareOutput(output as never);
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('prepareOutput accepted the schema');
}

describe('an output schema with a zod field named __proto__', () => {
  for (const [name, z] of zods) {
    it(`${name}: at the root or deep, refused naming output and the place`, () => {
      const zod = z as unknown as typeof z4;
      const root = refusal(zod.object({ answer: zod.string(), ['__proto__']: zod.string() }));
      expect(root).toContain('output');
      expect(root).toContain('properties.__proto__');
      expect(root).toMatch(/rename/i);
      const deep = refusal(
        zod.object({ rows: zod.array(zod.object({ ['__proto__']: zod.number() })) }),
      );
      expect(deep).toContain('properties.rows.items.properties.__proto__');
    });

    it(`${name}: fields named constructor and toString are kept and parsed`, async () => {
      const zod = z as unknown as typeof z4;
      const prepared = prepareOutput(
        zod.object({ constructor: zod.string(), toString: zod.string() }),
      );
      const parsed = await prepared.parse('{"constructor":"a","toString":"b"}');
      expect(parsed).toEqual({ success: true, value: { constructor: 'a', toString: 'b' } });
    });
  }
});
