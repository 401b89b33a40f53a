import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { z as z3 } from 'zod-v3';
import { prepareOutput } from '../../agent/structured-output.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from './define-tool.ts';
import { preloadToolSchemas } from './preload-tool-schemas.ts';

// The browser half of #platform in place of the Node one, as a browser bundle has it (its own
// module graph: vitest.config.ts, CORE_ISOLATED). attack68b's leftover (b): zod 4's `z.promise()`
// was refused only by the Node half's walk of a zod schema (the web half's is a no-op, for the
// agent app's bundle), so in a browser a promise tool was defined and failed at every call ("the
// arguments could not be checked: Cannot read properties of undefined"). And (a) off Node: zod 3's
// intersections are merged there too (the merge comes with zod 3's converter, in its chunk).
vi.mock(
  '#platform/load-schema-libraries',
  () => import('../../platform/web/load-schema-libraries.ts'),
);

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

describe('off Node (the web half of #platform)', () => {
  it('zod 4 z.promise(): refused when defined, naming the tool, the place and the fix', () => {
    const message = refusal(
      z.object({ city: z.string(), legs: z.array(z.object({ at: z.promise(z.string()) })) }),
    );
    expect(message).toContain('"book_trip"');
    expect(message).toContain(
      'Promises cannot be represented in JSON Schema at properties.legs.items.properties.at',
    );
    expect(message).toContain('a JSON value');
    expect(refusal(zm.object({ at: zm.promise(zm.string()) }))).toContain('properties.at');
  });

  it("zod 4 z.promise() in an agent's output: refused, naming the place", () => {
    expect(() => prepareOutput(z.object({ answer: z.promise(z.string()) }))).toThrow(
      /Promises cannot be represented in JSON Schema at properties\.answer/,
    );
  });

  it('zod 3 intersections: merged once the converter is there, as on Node', async () => {
    const tool = defineTool({
      name: 'book_trip',
      parameters: z3.object({ a: z3.string() }).and(z3.object({ b: z3.number() })),
      execute,
    });
    await preloadToolSchemas([tool]);
    expect(tool.declaration.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' } },
      required: ['a', 'b'],
    });
  });
});
