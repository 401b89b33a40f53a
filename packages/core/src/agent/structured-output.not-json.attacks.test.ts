import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { prepareOutput } from './structured-output.ts';

// The same refusal as a tool's parameters (define-tool.not-json.attacks.test.ts), for an agent's
// `output`: zod 4 said "Date cannot be represented in JSON Schema" with no place and no fix.

describe('an output schema holding a zod 4 type JSON cannot carry', () => {
  it('is refused naming output, the place and the fix', () => {
    const output = z.object({
      title: z.string(),
      events: z.array(z.object({ name: z.string(), at: z.date() })),
    });
    let message = '';
    try {
      prepareOutput(output);
    } catch (error) {
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe('output');
      message = (error as Error).message;
    }
    expect(message).toContain('properties.events.items.properties.at');
    expect(message).toContain('z.iso.datetime()');
  });
});
