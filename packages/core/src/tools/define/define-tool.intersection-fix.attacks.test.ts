import { describe, expect, it } from 'vitest';
import { z as z4 } from 'zod';
import { z as z3 } from 'zod-v3';
import { prepareOutput } from '../../agent/structured-output.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from './define-tool.ts';

// tools64's leftover: the refusal of an intersection whose sides share no type gave its own fix
// ("Give both sides one type, or use a union if either may be sent"), then the wrapper's general
// sentence for a type JSON cannot carry ("Tool arguments arrive as JSON, so every field must be a
// JSON type"), which is not what is wrong: both sides are JSON types. It now ends with its own fix.

const OWN_FIX = 'Give both sides one type, or use a union if either may be sent.';

function toolRefusal(parameters: unknown): string {
  try {
    defineTool({
      name: 'probe',
      parameters: parameters as never,
      execute: (args: unknown) => args,
    });
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('defineTool accepted the schema');
}

function outputRefusal(output: unknown): string {
  try {
    prepareOutput(output as never);
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('prepareOutput accepted the schema');
}

const schemas: [string, unknown][] = [
  ['zod 3', z3.object({ trip: z3.object({ code: z3.intersection(z3.string(), z3.number()) }) })],
  ['zod 4', z4.object({ trip: z4.object({ code: z4.intersection(z4.string(), z4.number()) }) })],
];

describe("an intersection's conflict ends with its own fix", () => {
  it.each(schemas)('%s: a tool', (_, schema) => {
    const message = toolRefusal(schema);
    expect(message).toContain('tool "probe"');
    expect(message).toContain('the intersection at properties.trip.properties.code');
    expect(message.endsWith(OWN_FIX)).toBe(true);
    expect(message).not.toContain('every field must be a JSON type');
  });

  it.each(schemas)("%s: an agent's output", (_, schema) => {
    const message = outputRefusal(schema);
    expect(message).toContain('the intersection at properties.trip.properties.code');
    expect(message.endsWith(OWN_FIX)).toBe(true);
    expect(message).not.toContain('every field must be a JSON type');
  });

  it('a type JSON cannot carry still gets the general sentence', () => {
    expect(toolRefusal(z4.object({ at: z4.date() }))).toContain('every field must be a JSON type');
  });
});
