import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../../agent/create-agent.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../define/define-tool.ts';
import { MAX_SCHEMA_NESTING } from './inline-refs.ts';
import { jsonSchema } from './json-schema.ts';
import { toOpenApiSchema } from './to-open-api-schema.ts';

// attack23 (noticed by attack20): a tool's JSON Schema nested 20,000 deep was refused with
// "Maximum call stack size exceeded", naming no limit, no place and no fix; a zod schema as deep
// the same, and an `output` schema nested past what the cleaning walks threw a plain RangeError.
// Each is now refused with the declared limit, where it was passed, and what to do instead.

function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let index = 0; index < levels; index++) {
    schema = { type: 'object', properties: { a: schema } };
  }
  return schema;
}

const zodSchemas = new Map<number, z.ZodType>();
function nestedZod(levels: number): z.ZodType {
  let schema = zodSchemas.get(levels);
  if (schema !== undefined) return schema;
  schema = z.string();
  for (let index = 0; index < levels; index++) schema = z.object({ a: schema });
  zodSchemas.set(levels, schema);
  return schema;
}

function refusal(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw new Error(`expected an InvalidArgumentError, got ${String(error)}`);
  }
  throw new Error('expected a refusal');
}

const tool = (parameters: unknown, schemaFormat?: 'openapi') =>
  defineTool({
    name: 'deep',
    description: 'A deep schema.',
    parameters: parameters as never,
    ...(schemaFormat === undefined ? {} : { schemaFormat }),
    execute: () => 'ok',
  });

const limit = new RegExp(`nests deeper than ${MAX_SCHEMA_NESTING} levels of objects and lists`);

describe('a schema nested past the declared limit', () => {
  it('is 128 levels of objects and lists: a 64-level object schema passes, 65 levels do not', () => {
    expect(MAX_SCHEMA_NESTING).toBe(128);
    expect(tool(jsonSchema(nested(64) as never)).declaration.parametersJsonSchema).toBeDefined();
    const error = refusal(() => tool(jsonSchema(nested(65) as never)));
    expect(error.message).toMatch(limit);
    expect(error.message).toMatch(
      /flatten it, or write a recursive type with "\$ref" and "\$defs"/,
    );
    expect(error.argument).toMatch(/^parameters\.properties\.a\.properties\.a/);
  });

  for (const schemaFormat of [undefined, 'openapi'] as const) {
    it(`a 20,000-level JSON Schema tool names the limit and the place, not the stack (${schemaFormat ?? 'json-schema'})`, () => {
      const error = refusal(() => tool(jsonSchema(nested(20_000) as never), schemaFormat));
      expect(error.message).toMatch(limit);
      expect(error.message).not.toMatch(/call stack/);
      expect(error.message).toContain('The parameters schema of tool "deep"');
      // The place is cut to its ends: 20,000 levels of it would be a 260 KB message.
      expect(error.message.length).toBeLessThan(1_000);
    });
  }

  it('a zod schema: 200 levels (zod converts them) and 20,000 (zod overflows converting them)', () => {
    const converted = refusal(() => tool(nestedZod(200)));
    expect(converted.message).toMatch(limit);
    expect(converted.message).toMatch(/properties\.a/);
    const overflowed = refusal(() => tool(nestedZod(20_000)));
    expect(overflowed.message).toMatch(limit);
    expect(overflowed.message).not.toMatch(/call stack/);
  });

  it("createAgent's output schema, and toOpenApiSchema given one", () => {
    const gemini = createGemini({ apiKey: 'k', fetch: async () => new Response('{}') });
    for (const levels of [200, 20_000]) {
      const error = refusal(() =>
        createAgent({ gemini, model: 'gemini-2.5-flash', output: nestedZod(levels) as never }),
      );
      expect(error.argument).toBe('output');
      expect(error.message).toMatch(limit);
    }
    expect(refusal(() => toOpenApiSchema(nested(20_000))).message).toMatch(limit);
  });
});
