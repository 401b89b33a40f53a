import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { z as z3 } from 'zod-v3';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from './define-tool.ts';

// attack68b: a zod 4 tool with `z.promise()` in its parameters was defined (declared as its inner
// type) and could never run: zod 4 validates a promise asynchronously, and its synchronous parse,
// which tells a throwing check from an async one, throws its own TypeError for it. Every call
// was answered "the arguments could not be checked: Cannot read properties of undefined (reading
// 'length')", words the model cannot act on. zod 3's converter refuses ZodPromise when the tool is
// defined; zod 4's is now refused the same way, naming the tool and the place.

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

describe("z.promise() in a tool's parameters", () => {
  it('zod 4: refused when defined, naming the tool, the place and the fix', () => {
    const message = refusal(
      z.object({ city: z.string(), legs: z.array(z.object({ at: z.promise(z.string()) })) }),
    );
    expect(message).toContain('"book_trip"');
    expect(message).toContain('properties.legs.items.properties.at');
    expect(message).toContain('a JSON value');
  });

  it('zod/mini: refused the same way', () => {
    expect(refusal(zm.object({ at: zm.promise(zm.string()) }))).toContain('properties.at');
  });

  it('zod 3: refused as before (its converter), naming the place', () => {
    expect(refusal(z3.object({ at: z3.promise(z3.string()) }))).toContain('properties/at');
  });
});
