import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from '../define/define-tool.ts';
import { findJsonSchemaProblems } from './find-json-schema-problems.ts';

const execute = (): string => 'ok';

/** The InvalidArgumentError `fn` throws, or fails the test. */
function thrownBy(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an InvalidArgumentError, but nothing was thrown');
}

describe('findJsonSchemaProblems', () => {
  it('finds nothing wrong with ordinary tool schemas', () => {
    expect(
      findJsonSchemaProblems({
        type: 'object',
        properties: {
          query: { type: 'string', minLength: 1, pattern: '^\\p{L}+$' },
          filters: {
            type: 'array',
            items: { anyOf: [{ type: 'string' }, { type: ['integer', 'null'] }] },
            maxItems: 5,
          },
          options: { type: 'object', additionalProperties: { type: 'boolean' } },
          old: { type: 'number', minimum: 0, exclusiveMinimum: true },
        },
        patternProperties: { '^x-': { type: 'string' } },
        required: ['query'],
        $defs: { unused: true },
      }),
    ).toEqual([]);
  });

  it('reports each problem with its path', () => {
    expect(
      findJsonSchemaProblems({
        type: 'object',
        properties: {
          a: { type: 'float' },
          b: { type: 'string', maxLength: -1 },
          c: { anyOf: [] },
          d: { type: 'number', minimum: '0' },
        },
        patternProperties: { '(': {} },
        required: [1],
        enum: 'x',
      }),
    ).toEqual([
      { path: 'required', message: 'must be a list of property names, got a list' },
      { path: 'enum', message: 'must be a list of values, got "x"' },
      {
        path: 'properties.a.type',
        message: expect.stringContaining('"float" is not a JSON Schema type'),
      },
      { path: 'properties.b.maxLength', message: 'must be a non-negative integer, got -1' },
      { path: 'properties.c.anyOf', message: 'must be a non-empty list of schemas, got a list' },
      { path: 'properties.d.minimum', message: 'must be a number, got "0"' },
      {
        path: 'patternProperties.(',
        message: expect.stringContaining('is not a valid regular expression'),
      },
    ]);
  });

  it('stops on cyclic schemas', () => {
    const schema: Record<string, unknown> = { type: 'object', properties: {} };
    (schema['properties'] as Record<string, unknown>)['self'] = schema;
    expect(findJsonSchemaProblems(schema)).toEqual([]);
  });
});

describe('defineTool with a plain JSON Schema', () => {
  it('refuses a misspelt type when the tool is defined, with the path as the argument', () => {
    const error = thrownBy(() =>
      defineTool({
        name: 'search',
        parameters: {
          type: 'object',
          properties: { query: { type: 'strnig' }, limit: { type: 'integer' } },
        },
        execute,
      }),
    );
    expect(error.argument).toBe('parameters.properties.query.type');
    expect(error.message).toContain('The parameters schema of tool "search"');
    expect(error.message).toContain('properties.query.type: "strnig" is not a JSON Schema type');
  });

  it('refuses a pattern the argument validator cannot compile, and items that are not a schema', () => {
    const error = thrownBy(() =>
      defineTool({
        name: 'lookup',
        parameters: {
          type: 'object',
          properties: {
            code: { type: 'string', pattern: '([' },
            tags: { type: 'array', items: 5 },
          },
        },
        execute,
      }),
    );
    expect(error.argument).toBe('parameters.properties.code.pattern');
    expect(error.message).toContain('properties.code.pattern: is not a valid regular expression');
    expect(error.message).toContain(
      'properties.tags.items: a schema must be an object or a boolean, got 5',
    );
  });

  it('lists at most five problems and counts the rest', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 7 }, (_, index) => [`p${index}`, { type: 'float' }]),
    );
    const error = thrownBy(() =>
      defineTool({ name: 'many', parameters: { type: 'object', properties }, execute }),
    );
    expect(error.message.match(/is not a JSON Schema type/g)).toHaveLength(5);
    expect(error.message).toContain('(and 2 more)');
  });

  it('accepts ordinary hand-written and MCP-style schemas', () => {
    const tool = defineTool({
      name: 'read_file',
      parameters: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: {
          path: { type: 'string', pattern: '^[\\w./-]+$' },
          encoding: { enum: ['utf8', 'base64'] },
          range: { type: 'array', items: [{ type: 'integer' }, { type: 'integer' }] },
        },
        required: ['path'],
        additionalProperties: false,
      },
      execute,
    });
    expect(tool.parametersSource).toBe('json-schema');
  });
});

describe('findJsonSchemaProblems on converted schemas', () => {
  // What defineTool sends for zod tools must read as valid JSON Schema too, though only plain
  // JSON Schemas are checked: a false alarm here would mean the check is wrong, not the schema.
  it.each([
    ['zod 4', z],
    ['zod 3', z3],
  ] as const)('finds nothing in what %s writes for a wide schema', (_label, zod) => {
    const zz = zod as typeof z;
    const parameters = zz.object({
      text: zz
        .string()
        .min(1)
        .max(200)
        .regex(/^[a-z0-9-]+$/),
      email: zz.string().email().optional(),
      count: zz.number().int().min(0).max(10).default(3),
      ratio: zz.number().gt(0).lt(1).nullable(),
      kind: zz.enum(['a', 'b']),
      literal: zz.literal('fixed'),
      either: zz.union([zz.string(), zz.number()]),
      shape: zz.discriminatedUnion('type', [
        zz.object({ type: zz.literal('circle'), radius: zz.number() }),
        zz.object({ type: zz.literal('square'), side: zz.number() }),
      ]),
      pair: zz.tuple([zz.string(), zz.boolean()]),
      labels: zz.record(zz.string(), zz.string()),
      list: zz
        .array(zz.object({ id: zz.string() }))
        .min(1)
        .max(5),
      nested: zz.object({ deep: zz.object({ flag: zz.boolean() }) }).optional(),
    });
    const tool = defineTool({ name: 'wide', parameters, execute });
    expect(tool.inputSchema).toBeDefined();
    expect(findJsonSchemaProblems(tool.inputSchema)).toEqual([]);
  });

  it('finds nothing in a recursive zod 4 schema ($ref / $defs)', () => {
    const node: z.ZodType<{ name: string; children: unknown[] }> = z.object({
      name: z.string(),
      get children() {
        return z.array(node);
      },
    });
    const tool = defineTool({ name: 'tree', parameters: z.object({ root: node }), execute });
    expect(JSON.stringify(tool.inputSchema)).toContain('$ref');
    expect(findJsonSchemaProblems(tool.inputSchema)).toEqual([]);
  });
});
