import { describe, expect, it } from 'vitest';
import { z as z3 } from 'zod-v3';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from './define-tool.ts';

// zod 3's `z.object({…}).optional()` as a tool's parameters: zod-to-json-schema writes it as
// `anyOf: [{ not: {} }, { type: 'object', … }]`, and the refusal said only "got a schema with
// anyOf", never `.optional()` nor the tool's fix (attack44c). The types refuse it already
// (`NotAnObjectSchema`); JavaScript and casts reach the run-time check.

function refusal(parameters: unknown): InvalidArgumentError {
  try {
    defineTool({ name: 'weather', parameters: parameters as never, execute: () => 'sunny' });
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('defineTool accepted the schema');
}

describe("zod 3's .optional() object as a tool's parameters", () => {
  it('is refused naming the tool, .optional() and the fix', () => {
    for (const parameters of [
      z3.object({ city: z3.string() }).optional(),
      z3.object({ city: z3.string() }).nullish(),
    ]) {
      const error = refusal(parameters);
      expect(error.argument).toBe('parameters');
      expect(error.message).toBe(
        'The parameters of tool "weather" must be an object, not its .optional(): drop .optional() (make its fields optional instead).',
      );
    }
  });

  // tools45: `.nullable()` still said "got a schema with anyOf" (zod-to-json-schema writes
  // `anyOf: [{ type: 'object', … }, { type: 'null' }]`).
  it('.nullable() is refused naming .nullable() and the fix', () => {
    for (const parameters of [
      z3.object({ city: z3.string() }).nullable(),
      z3.object({ city: z3.string() }).optional().nullable(),
    ]) {
      const error = refusal(parameters);
      expect(error.argument).toBe('parameters');
      expect(error.message).toBe(
        'The parameters of tool "weather" must be an object, not its .nullable(): drop .nullable() (make its fields nullable instead).',
      );
    }
  });

  it('the object itself, its fields optional, is accepted', () => {
    const tool = defineTool({
      name: 'weather',
      parameters: z3.object({ city: z3.string().optional() }),
      execute: () => 'sunny',
    });
    expect(tool.parseArgs({})).toEqual({ success: true, value: {} });
  });
});
