import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { toolResult } from '../responses/tool-result.ts';
import { jsonSchema } from '../schema/json-schema.ts';
import type { StandardSchemaV1 } from '../schema/standard-schema.ts';
import type { AnyTool, FunctionTool, ToolArgumentsResult, ToolExecuteContext } from '../tool.ts';
import { defineTool } from './define-tool.ts';
import type { DefinedTool } from './define-tool-options.ts';

describe('defineTool types', () => {
  it('infers zod 4 arguments as the parsed output: defaults filled, optionals optional', () => {
    const tool = defineTool({
      name: 'search',
      parameters: z.object({
        query: z.string(),
        limit: z.number().default(10),
        tags: z.array(z.string()).optional(),
        mode: z.enum(['fast', 'deep']),
      }),
      execute: (args, context) => {
        expectTypeOf(args).toEqualTypeOf<{
          query: string;
          limit: number;
          tags?: string[] | undefined;
          mode: 'fast' | 'deep';
        }>();
        expectTypeOf(context).toEqualTypeOf<ToolExecuteContext>();
        return args.limit;
      },
    });
    expectTypeOf(tool).toEqualTypeOf<
      DefinedTool<
        { query: string; limit: number; tags?: string[] | undefined; mode: 'fast' | 'deep' },
        number
      >
    >();
  });

  it('infers zod 3 arguments the same way', () => {
    defineTool({
      name: 'search',
      parameters: z3.object({
        query: z3.string(),
        limit: z3.number().default(10),
        tags: z3.array(z3.string()).optional(),
      }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{
          query: string;
          limit: number;
          tags?: string[] | undefined;
        }>();
      },
    });
  });

  it('types arguments after transforms', () => {
    defineTool({
      name: 'count',
      parameters: z.object({ text: z.string().transform((text) => text.length) }),
      execute: ({ text }) => {
        expectTypeOf(text).toEqualTypeOf<number>();
      },
    });
  });

  it('types a plain JSON Schema as a record, and a jsonSchema<Args>() one as Args', () => {
    defineTool({
      name: 'plain',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
      },
    });
    defineTool({
      name: 'typed',
      parameters: jsonSchema<{ city: string; days?: number }>({
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer' } },
        required: ['city'],
      }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; days?: number }>();
      },
    });
  });

  it('types a tool without parameters with empty arguments', () => {
    const tool = defineTool({ name: 'ping', execute: () => 'pong' as const });
    expectTypeOf(tool).toEqualTypeOf<DefinedTool<Record<string, never>, 'pong'>>();
  });

  it('lets the result type flow to FunctionTool, unwrapping promises', () => {
    const tool = defineTool({
      name: 'weather',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, temperature: 21 }),
    });
    expectTypeOf(tool).toExtend<
      FunctionTool<{ city: string }, { city: string; temperature: number }>
    >();
    expectTypeOf(tool.parseArgs).returns.toEqualTypeOf<ToolArgumentsResult<{ city: string }>>();
    expectTypeOf(tool).toExtend<AnyTool>();
    const media = defineTool({
      name: 'render',
      execute: () => toolResult({ output: 'done', parts: [] }),
    });
    expectTypeOf(media.execute).returns.toExtend<
      ReturnType<typeof toolResult> | Promise<ReturnType<typeof toolResult>>
    >();
  });

  it('rejects an execute whose arguments do not match the schema', () => {
    defineTool({
      name: 'weather',
      parameters: z.object({ city: z.string() }),
      // @ts-expect-error city is a string, not a number
      execute: (args: { city: number }) => args.city,
    });
    defineTool({
      name: 'weather',
      parameters: z3.object({ city: z3.string() }),
      // @ts-expect-error days is not in the schema
      execute: (args: { city: string; days: number }) => args.days,
    });
    defineTool({
      name: 'weather',
      parameters: z.object({ city: z.string() }),
      // @ts-expect-error execute takes (args, context), not three required parameters
      execute: (_args: { city: string }, _context: ToolExecuteContext, _extra: string) => 1,
    });
    defineTool({
      name: 'weather',
      // @ts-expect-error parameters must be a schema object
      parameters: 'city: string',
      execute: () => 1,
    });
  });

  it('rejects a schema that does not describe an object, as Gemini needs named parameters', () => {
    const execute = () => 1;
    // @ts-expect-error a zod 4 string schema is not an object of named parameters
    defineTool({ name: 'a', parameters: z.string(), execute });
    // @ts-expect-error a zod 4 array schema neither
    defineTool({ name: 'a', parameters: z.array(z.string()), execute });
    // @ts-expect-error a zod 3 number schema neither
    defineTool({ name: 'a', parameters: z3.number(), execute });
    // @ts-expect-error a Standard Schema whose output is a string neither
    defineTool({ name: 'a', parameters: {} as StandardSchemaV1<unknown, string>, execute });
    // @ts-expect-error a JSON Schema typed as a string neither
    defineTool({ name: 'a', parameters: jsonSchema<string>({ type: 'object' }), execute });
    // Object schemas, records and schemas of unknown output stay accepted (checked at run time).
    defineTool({ name: 'a', parameters: z.record(z.string(), z.number()), execute });
    defineTool({ name: 'a', parameters: z3.object({ a: z3.string() }).strict(), execute });
    defineTool({ name: 'a', parameters: {} as StandardSchemaV1<unknown, { a: string }>, execute });
    defineTool({ name: 'a', parameters: {} as StandardSchemaV1, execute });
    defineTool({ name: 'a', parameters: jsonSchema({ type: 'object' }), execute });
    defineTool({ name: 'a', parameters: undefined, execute });
  });

  it('requires name and execute', () => {
    // @ts-expect-error execute is missing
    defineTool({ name: 'a' });
    // @ts-expect-error name is missing
    defineTool({ execute: () => 1 });
  });
});
