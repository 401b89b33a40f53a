import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { z as z325v4 } from 'zod-v3/v4';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { Logger } from '../../logging/logger.ts';
import { findJsonSchemaProblems } from '../schema/find-json-schema-problems.ts';
import type { SchemaWarning } from '../schema/schema-warning.ts';
import type { ToolExecuteContext } from '../tool.ts';
import { defineTool as defineToolUnderTest } from './define-tool.ts';

const execute = (): string => 'ok';

// Every schema these tests define, the zod-made ones included, must also pass the JSON Schema
// check that defineTool runs on plain JSON Schemas: it may not flag what zod itself writes.
const defineTool: typeof defineToolUnderTest = (options) => {
  const tool = defineToolUnderTest(options);
  if (tool.inputSchema !== undefined) expect(findJsonSchemaProblems(tool.inputSchema)).toEqual([]);
  return tool;
};

function catalogueSchema(zod: typeof z | typeof z3) {
  const zz = zod as typeof z;
  return zz.object({
    query: zz.string().min(1).describe('What to search for'),
    category: zz.enum(['books', 'music', 'films']).describe('Catalogue section'),
    maxResults: zz.number().int().min(1).max(50).default(10).describe('How many results to return'),
    filters: zz
      .object({
        inStock: zz.boolean().optional(),
        priceRange: zz.object({ min: zz.number().nonnegative(), max: zz.number() }).optional(),
      })
      .optional()
      .describe('Narrow the results'),
    tags: zz.array(zz.string()).optional().describe('Tags that must all match'),
  });
}

// Written out by hand from what Gemini should receive: no `$schema`, no `additionalProperties`
// on plain objects, `.describe()` texts kept, `.default()` fields optional, nested objects inline.
const catalogueDeclaration = {
  name: 'search_catalogue',
  description: 'Search the shop catalogue.',
  parametersJsonSchema: {
    type: 'object',
    properties: {
      query: { type: 'string', minLength: 1, description: 'What to search for' },
      category: {
        type: 'string',
        enum: ['books', 'music', 'films'],
        description: 'Catalogue section',
      },
      maxResults: {
        type: 'integer',
        minimum: 1,
        maximum: 50,
        default: 10,
        description: 'How many results to return',
      },
      filters: {
        type: 'object',
        description: 'Narrow the results',
        properties: {
          inStock: { type: 'boolean' },
          priceRange: {
            type: 'object',
            properties: { min: { type: 'number', minimum: 0 }, max: { type: 'number' } },
            required: ['min', 'max'],
          },
        },
      },
      tags: { type: 'array', items: { type: 'string' }, description: 'Tags that must all match' },
    },
    required: ['query', 'category'],
  },
};

describe('defineTool', () => {
  it.each([
    ['zod 4', z],
    ['zod 3', z3],
  ] as const)('declares a realistic %s schema exactly as the golden JSON', (_label, zod) => {
    const tool = defineTool({
      name: 'search_catalogue',
      description: 'Search the shop catalogue.',
      parameters: catalogueSchema(zod),
      execute,
    });
    expect(tool.declaration).toEqual(catalogueDeclaration);
    expect(tool.kind).toBe('function');
    expect(tool.schemaWarnings).toEqual([]);
  });

  it.each([
    ['zod 4', z, 'zod-v4'],
    ['zod 3', z3, 'zod-v3'],
  ] as const)(
    'parses %s arguments into the output type, defaults included',
    (_label, zod, source) => {
      const tool = defineTool({ name: 'search', parameters: catalogueSchema(zod), execute });
      expect(tool.parametersSource).toBe(source);
      expect(tool.parseArgs({ query: 'dune', category: 'books' })).toEqual({
        success: true,
        value: { query: 'dune', category: 'books', maxResults: 10 },
      });
    },
  );

  it.each([
    ['zod 4', z],
    ['zod 3', z3],
  ] as const)('reports %s issues with JSON paths into nested objects and arrays', (_label, zod) => {
    const zz = zod as typeof z;
    const tool = defineTool({
      name: 'order',
      parameters: zz.object({
        customer: zz.object({ address: zz.object({ zip: zz.string() }) }),
        items: zz.array(zz.object({ sku: zz.string(), qty: zz.number().int() })),
      }),
      execute,
    });
    const result = tool.parseArgs({
      customer: { address: { zip: 12345 } },
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 'two' },
      ],
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues.map((issue) => issue.path)).toEqual([
      ['customer', 'address', 'zip'],
      ['items', 1, 'qty'],
    ]);
    for (const issue of result.issues) expect(issue.message).toMatch(/expected/i);
  });

  it('applies zod transforms, so execute gets the parsed value', () => {
    const tool = defineTool({
      name: 'shout',
      parameters: z.object({ text: z.string().transform((text) => text.toUpperCase()) }),
      execute: ({ text }) => text,
    });
    expect(tool.declaration.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
    expect(tool.parseArgs({ text: 'hi' })).toEqual({ success: true, value: { text: 'HI' } });
  });

  it("keeps .describe() texts of zod 3.25's v4 build, converted by another copy of zod core", () => {
    const tool = defineTool({
      name: 'lookup',
      parameters: z325v4.object({ city: z325v4.string().describe('City name') }),
      execute,
    });
    expect(tool.parametersSource).toBe('zod-v4');
    expect(tool.declaration.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' } },
      required: ['city'],
    });
    expect(tool.parseArgs({ city: 3 }).success).toBe(false);
  });

  it('does not fall into the zod-to-json-schema trap with a zod 4 schema', () => {
    const schema = z.object({ city: z.string(), days: z.number() });
    const { zodToJsonSchema } = createRequire(import.meta.url)('zod-to-json-schema') as {
      zodToJsonSchema: (schema: unknown) => Record<string, unknown>;
    };
    // The trap: zod-to-json-schema does not know zod 4 and silently returns no properties.
    const trapped = zodToJsonSchema(schema);
    expect(trapped['properties']).toBeUndefined();
    expect(Object.keys(trapped).filter((key) => key !== '$schema')).toEqual([]);

    const tool = defineTool({ name: 'forecast', parameters: schema, execute });
    expect(tool.declaration.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'number' } },
      required: ['city', 'days'],
    });
  });

  it('declares z.object({}) with an empty object schema, and omits parameters in openapi', () => {
    const json = defineTool({ name: 'now', parameters: z.object({}), execute });
    expect(json.declaration).toEqual({
      name: 'now',
      parametersJsonSchema: { type: 'object', properties: {} },
    });
    expect(json.parseArgs(undefined)).toEqual({ success: true, value: {} });
    const openapi = defineTool({
      name: 'now',
      parameters: z.object({}),
      execute,
      schemaFormat: 'openapi',
    });
    expect(openapi.declaration).toEqual({ name: 'now' });
  });

  it('declares a tool without parameters and accepts a call without args', () => {
    const tool = defineTool({ name: 'ping', description: 'Ping.', execute: () => 'pong' });
    expect(tool.declaration).toEqual({ name: 'ping', description: 'Ping.' });
    expect(tool.parametersSource).toBe('none');
    expect(tool.parseArgs(undefined)).toEqual({ success: true, value: {} });
  });

  it('rejects arguments that are not an object', () => {
    const tool = defineTool({
      name: 'lookup',
      parameters: z.object({ city: z.string() }),
      execute,
    });
    expect(tool.parseArgs(['Paris'])).toEqual({
      success: false,
      issues: [{ path: [], message: 'Arguments must be a JSON object of named parameters.' }],
    });
  });

  it.each([
    ['no description', undefined],
    ['a blank description', '  '],
  ])('reports a tool with %s when it is defined, and still defines it', (_label, description) => {
    const onSchemaWarning = vi.fn();
    const warn = vi.fn();
    const logger = { warn, isLevelEnabled: () => true } as unknown as Logger;
    const tool = defineTool({
      name: 'lookup',
      ...(description === undefined ? {} : { description }),
      parameters: z.object({ id: z.string() }),
      execute,
      onSchemaWarning,
      logger,
      // Not a loss in the schema: strictSchema does not turn it into an error (Gemini accepts it).
      strictSchema: true,
    });
    const expected: SchemaWarning = {
      path: [],
      keyword: 'description',
      message: expect.stringMatching(
        /no description.*model.*decides when to call.*Add a description/,
      ) as unknown as string,
    };
    expect(tool.schemaWarnings).toEqual([expected]);
    expect(onSchemaWarning).toHaveBeenCalledWith(expected, 'lookup');
    expect(warn).toHaveBeenCalledWith(
      { toolName: 'lookup', path: '(root)', keyword: 'description' },
      expect.stringContaining('no description'),
    );
    expect(tool.declaration).toEqual({
      name: 'lookup',
      ...(description === undefined ? {} : { description }),
      parametersJsonSchema: expect.any(Object),
    });
  });

  it('sends the OpenAPI subset with schemaFormat openapi and reports what it loses', () => {
    const onSchemaWarning = vi.fn();
    const warn = vi.fn();
    const logger = { warn, isLevelEnabled: () => true } as unknown as Logger;
    const tool = defineTool({
      name: 'tag',
      description: 'Tags an item.',
      parameters: z.object({ labels: z.record(z.string(), z.number()), id: z.string() }),
      execute,
      schemaFormat: 'openapi',
      onSchemaWarning,
      logger,
    });
    expect(tool.declaration).toEqual({
      name: 'tag',
      description: 'Tags an item.',
      parameters: {
        type: 'OBJECT',
        properties: { labels: { type: 'OBJECT' }, id: { type: 'STRING' } },
        required: ['labels', 'id'],
      },
    });
    const expected: SchemaWarning = {
      path: ['properties', 'labels'],
      keyword: 'additionalProperties',
      message: expect.stringContaining('the model may send any keys') as unknown as string,
    };
    expect(tool.schemaWarnings).toEqual([expected]);
    expect(onSchemaWarning).toHaveBeenCalledWith(expected, 'tag');
    expect(warn).toHaveBeenCalledWith(
      { toolName: 'tag', path: 'properties.labels', keyword: 'additionalProperties' },
      expect.stringContaining('tool schema:'),
    );
    // The dropped constraint is still enforced.
    expect(tool.parseArgs({ labels: { a: 'x' }, id: '1' }).success).toBe(false);
  });

  it('does not build log fields when warn is disabled', () => {
    const warn = vi.fn();
    const logger = { warn, isLevelEnabled: () => false } as unknown as Logger;
    defineTool({
      name: 'tag',
      parameters: z.object({ m: z.record(z.string(), z.string()) }),
      execute,
      schemaFormat: 'openapi',
      logger,
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('throws every warning at once with strictSchema', () => {
    const define = () =>
      defineTool({
        name: 'tag',
        parameters: z.object({ labels: z.record(z.string(), z.number()), mail: z.email() }),
        execute,
        schemaFormat: 'openapi',
        strictSchema: true,
      });
    expect(define).toThrow(InvalidArgumentError);
    expect(define).toThrow(
      /strictSchema is on[\s\S]*properties\.labels \(additionalProperties\)[\s\S]*properties\.mail \(format\)/,
    );
  });

  it('throws on a recursive schema in openapi, with the path', () => {
    type Node = { name: string; children: Node[] };
    const node: z.ZodType<Node> = z.lazy(() =>
      z.object({ name: z.string(), children: z.array(node) }),
    );
    const parameters = z.object({ tree: node });
    expect(() =>
      defineTool({ name: 'walk', parameters, execute, schemaFormat: 'openapi' }),
    ).toThrow(/tool "walk" is recursive at properties\.tree\.properties\.children\.items/);
    // JSON Schema keeps the recursion as a $ref.
    const tool = defineTool({ name: 'walk', parameters, execute });
    expect(JSON.stringify(tool.declaration.parametersJsonSchema)).toContain('"$ref"');
    expect(
      tool.parseArgs({ tree: { name: 'a', children: [{ name: 'b', children: [] }] } }).success,
    ).toBe(true);
  });

  it.each([
    ['1abc', 'it starts with "1"', '_1abc'],
    ['has space', 'it contains " "', 'has_space'],
    ['x'.repeat(129), 'it has 129 characters', 'x'.repeat(128)],
    ['', 'it is empty', 'tool'],
    ['ümlaut', 'it starts with "ü"', 'umlaut'],
    ['get-wéather', 'it contains "é"', 'get-weather'],
  ])('rejects the name %j, quoting the rule and suggesting one', (name, problem, suggestion) => {
    const define = () => defineTool({ name, execute });
    expect(define).toThrow(InvalidArgumentError);
    expect(define).toThrow(problem);
    expect(define).toThrow('^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$');
    expect(define).toThrow(`Try ${JSON.stringify(suggestion)}`);
  });

  it('checks its other options', () => {
    expect(() => defineTool({ name: 'a', execute, timeoutMs: 0 })).toThrow(
      /timeoutMs of tool "a" must be a positive number/,
    );
    expect(() => defineTool({ name: 'a', execute: 'no' as never })).toThrow(
      /needs an execute function/,
    );
    expect(() => defineTool({ name: 'a', execute, description: 3 as never })).toThrow(
      /description of tool "a" must be a string/,
    );
    expect(() => defineTool({ name: 'a', execute, schemaFormat: 'yaml' as never })).toThrow(
      /must be 'json-schema' or 'openapi'/,
    );
    expect(() => defineTool(null as never)).toThrow(/one options object/);
  });

  it('returns a frozen tool whose execute and close are the given ones', async () => {
    const close = vi.fn();
    const run = vi.fn(({ city }: { city: string }) => `sunny in ${city}`);
    const tool = defineTool({
      name: 'w',
      parameters: z.object({ city: z.string() }),
      execute: run,
      close,
      timeoutMs: 500,
    });
    expect(Object.isFrozen(tool)).toBe(true);
    expect(tool.timeoutMs).toBe(500);
    expect(tool.execute({ city: 'Oslo' }, {} as ToolExecuteContext)).toBe('sunny in Oslo');
    await tool.close?.();
    expect(close).toHaveBeenCalledOnce();
  });

  it('gives tools defined with the same close one shared tool.close, so an agent closes it once', async () => {
    const close = vi.fn();
    const first = defineTool({ name: 'a', execute, close });
    const second = defineTool({ name: 'b', execute, close });
    const other = defineTool({ name: 'c', execute, close: () => {} });
    expect(first.close).toBe(second.close);
    expect(other.close).not.toBe(first.close);
    await first.close?.();
    expect(close).toHaveBeenCalledOnce();
  });

  it('keeps the converted JSON Schema as inputSchema', () => {
    const tool = defineTool({
      name: 'w',
      parameters: z.object({ city: z.string().describe('City') }),
      execute,
    });
    expect(tool.inputSchema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      properties: { city: { description: 'City' } },
    });
  });
});

describe('defineTool: live behavior and scheduling', () => {
  it('keeps behavior and scheduling on the tool, never on the generateContent declaration', () => {
    const tool = defineTool({
      name: 'slow',
      description: 'Slow.',
      behavior: 'NON_BLOCKING',
      scheduling: 'SILENT',
      execute: () => 'ok',
    });
    expect(tool.behavior).toBe('NON_BLOCKING');
    expect(tool.scheduling).toBe('SILENT');
    // Google's Behavior is "currently only supported by the BidiGenerateContent method".
    expect(tool.declaration).toEqual({ name: 'slow', description: 'Slow.' });
    expect('behavior' in defineTool({ name: 'plain', description: 'd', execute: () => 1 })).toBe(
      false,
    );
  });

  it('refuses a behavior or scheduling the API does not have, naming the tool', () => {
    expect(() =>
      defineTool({ name: 'slow', behavior: 'ASYNC' as never, execute: () => 'ok' }),
    ).toThrow(/The behavior of tool "slow" must be 'BLOCKING' or 'NON_BLOCKING', got "ASYNC"/);
    expect(() =>
      defineTool({ name: 'slow', scheduling: 'LATER' as never, execute: () => 'ok' }),
    ).toThrow(InvalidArgumentError);
  });
});
