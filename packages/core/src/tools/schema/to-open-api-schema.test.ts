import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from '../define/define-tool.ts';
import { OPEN_API_SCHEMA_KEYS, toOpenApiSchema } from './to-open-api-schema.ts';

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});

describe('toOpenApiSchema', () => {
  it('inlines $defs and $ref, and keeps a local description over the target one', () => {
    const { schema, warnings } = toOpenApiSchema({
      $defs: { Point: object({ x: { type: 'number' } }, { description: 'A point' }) },
      ...object({
        from: { $ref: '#/$defs/Point', description: 'Start' },
        to: { $ref: '#/$defs/Point' },
      }),
    });
    expect(schema).toEqual({
      type: 'OBJECT',
      properties: {
        from: { type: 'OBJECT', description: 'Start', properties: { x: { type: 'NUMBER' } } },
        to: { type: 'OBJECT', description: 'A point', properties: { x: { type: 'NUMBER' } } },
      },
    });
    expect(warnings).toEqual([]);
  });

  it('throws on a recursive $ref with the path', () => {
    const recursive = {
      $defs: { Node: object({ children: { type: 'array', items: { $ref: '#/$defs/Node' } } }) },
      ...object({ root: { $ref: '#/$defs/Node' } }),
    };
    expect(() => toOpenApiSchema(recursive, { toolName: 'walk' })).toThrow(InvalidArgumentError);
    expect(() => toOpenApiSchema(recursive, { toolName: 'walk' })).toThrow(
      'The parameters schema of tool "walk" is recursive at properties.root.properties.children.items ($ref "#/$defs/Node")',
    );
  });

  it('throws on a $ref that points to nothing', () => {
    expect(() => toOpenApiSchema(object({ a: { $ref: '#/$defs/Missing' } }))).toThrow(
      /points to nothing/,
    );
  });

  it('returns no schema for an object without properties, as Gemini wants for no parameters', () => {
    expect(toOpenApiSchema({ type: 'object', properties: {} })).toEqual({
      schema: undefined,
      warnings: [],
    });
  });

  it('treats a nullable object root as an object', () => {
    expect(
      toOpenApiSchema({ type: ['object', 'null'], properties: { a: { type: 'string' } } }).schema,
    ).toEqual({
      type: 'OBJECT',
      properties: { a: { type: 'STRING' } },
    });
  });

  it('drops required names that have no property and says so', () => {
    const { schema, warnings } = toOpenApiSchema(
      object({ a: { type: 'string' } }, { required: ['a', 'ghost'] }),
    );
    expect(schema?.required).toEqual(['a']);
    expect(warnings.map((warning) => warning.keyword)).toEqual(['required']);
  });

  it('infers missing types from the shape', () => {
    const { schema } = toOpenApiSchema({
      properties: { list: { items: { type: 'string' } }, text: { maxLength: 3 } },
    });
    expect(schema).toEqual({
      type: 'OBJECT',
      properties: {
        list: { type: 'ARRAY', items: { type: 'STRING' } },
        text: { type: 'STRING', maxLength: 3 },
      },
    });
  });

  it('reports paths inside arrays and unions', () => {
    const { warnings } = toOpenApiSchema(
      object({
        rows: {
          type: 'array',
          items: {
            anyOf: [
              { type: 'number', multipleOf: 2 },
              { type: 'string', format: 'uuid' },
            ],
          },
        },
      }),
    );
    expect(warnings.map(({ path, keyword }) => ({ path, keyword }))).toEqual([
      { path: ['properties', 'rows', 'items', 'anyOf', 0], keyword: 'multipleOf' },
      { path: ['properties', 'rows', 'items', 'anyOf', 1], keyword: 'format' },
    ]);
  });

  it('converts zod 4 and zod 3 schemas to the same subset', () => {
    const v4 = defineTool({
      name: 'book',
      description: 'Adds a book.',
      schemaFormat: 'openapi',
      parameters: z.object({
        title: z.string().describe('Book title'),
        year: z.number().int().positive().nullable(),
        format: z.enum(['paper', 'ebook']).default('paper'),
        authors: z.array(z.object({ name: z.string() })).min(1),
      }),
      execute: () => 1,
    });
    const v3 = defineTool({
      name: 'book',
      description: 'Adds a book.',
      schemaFormat: 'openapi',
      parameters: z3.object({
        title: z3.string().describe('Book title'),
        year: z3.number().int().positive().nullable(),
        format: z3.enum(['paper', 'ebook']).default('paper'),
        authors: z3.array(z3.object({ name: z3.string() })).min(1),
      }),
      execute: () => 1,
    });
    const expected = {
      type: 'OBJECT',
      properties: {
        title: { type: 'STRING', description: 'Book title' },
        year: { type: 'INTEGER', nullable: true, minimum: 1 },
        format: { type: 'STRING', enum: ['paper', 'ebook'], default: 'paper' },
        authors: {
          type: 'ARRAY',
          items: { type: 'OBJECT', properties: { name: { type: 'STRING' } }, required: ['name'] },
          minItems: 1,
        },
      },
      required: ['title', 'year', 'authors'],
    };
    expect(v4.declaration.parameters).toEqual(expected);
    expect(v3.declaration.parameters).toEqual(expected);
    expect(v4.declaration.parametersJsonSchema).toBeUndefined();
    expect(v4.schemaWarnings).toEqual([]);
    expect(v3.schemaWarnings).toEqual([]);
  });

  it('gives every property a type Gemini takes: any value, mixed enums', () => {
    // Gemini refuses a property with neither (LibreChat#6971): every call of the tool was a 400.
    const tool = defineTool({
      name: 'set_setting',
      description: 'Sets a setting.',
      parameters: z.object({
        value: z.unknown(),
        extra: z.any(),
        level: z.union([z.literal(1), z.literal(true)]),
      }),
      schemaFormat: 'openapi',
      execute: () => null,
    });
    const anyTypes = [
      { type: 'STRING' },
      { type: 'NUMBER' },
      { type: 'BOOLEAN' },
      { type: 'OBJECT' },
    ];
    expect(tool.declaration.parameters?.properties).toEqual({
      value: { anyOf: anyTypes },
      extra: { anyOf: anyTypes },
      level: {
        anyOf: [
          { type: 'NUMBER', description: 'Allowed values: 1.' },
          { type: 'BOOLEAN', description: 'Allowed values: true.' },
        ],
      },
    });
    // An enum of mixed types gets a branch per type; `'a'` alone told the model to send "1".
    expect(
      toOpenApiSchema(object({ mode: { enum: ['a', 1] }, flag: { enum: [1, true] } })).schema
        ?.properties,
    ).toEqual({
      mode: {
        anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }],
        description: 'Allowed values: "a", 1.',
      },
      flag: {
        anyOf: [{ type: 'INTEGER' }, { type: 'BOOLEAN' }],
        description: 'Allowed values: 1, true.',
      },
    });
    expect(tool.schemaWarnings.map((warning) => warning.keyword)).toContain('type');
  });

  it('leaves out a property no value fits, and its required entry', () => {
    const { schema, warnings } = toOpenApiSchema(
      object(
        { a: { type: 'string' }, gone: { not: {} }, never: false },
        { required: ['a', 'never'] },
      ),
    );
    expect(schema).toEqual({
      type: 'OBJECT',
      properties: { a: { type: 'STRING' } },
      required: ['a'],
    });
    expect(warnings.map(({ path, keyword }) => [path.join('.'), keyword])).toEqual([
      ['properties.gone', 'not'],
      ['properties.never', 'not'],
      ['', 'required'],
    ]);
  });

  it('only ever emits keys of the subset, over a varied set of schemas', () => {
    const allowed = new Set(OPEN_API_SCHEMA_KEYS);
    const schemas = [...generateSchemas(), ...zodSchemas()];
    expect(schemas.length).toBeGreaterThan(200);
    for (const schema of schemas) {
      let converted: unknown;
      try {
        converted = toOpenApiSchema(schema).schema;
      } catch (error) {
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        continue;
      }
      for (const node of schemaNodes(converted)) {
        for (const key of Object.keys(node))
          expect(allowed, `${key} in ${JSON.stringify(converted)}`).toContain(key);
        if (node['type'] !== undefined) {
          expect(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']).toContain(
            node['type'],
          );
        }
        if (node['enum'] !== undefined)
          expect((node['enum'] as unknown[]).every((value) => typeof value === 'string')).toBe(
            true,
          );
        if (node['type'] === 'ARRAY') expect(node['items']).toBeDefined();
        if (node['properties'] !== undefined) {
          expect(Object.keys(node['properties'] as object).length).toBeGreaterThan(0);
          // "properties[x].type: must be specified when not using one_of, any_of or all_of".
          for (const property of Object.values(node['properties'] as object))
            expect(property.type ?? property.anyOf, JSON.stringify(converted)).toBeDefined();
        }
        if (node['required'] !== undefined) {
          for (const name of node['required'] as string[])
            expect(Object.keys((node['properties'] ?? {}) as object)).toContain(name);
        }
      }
    }
  });
});

/** Every schema node of a converted schema (not the `properties` maps themselves). */
function* schemaNodes(schema: unknown): Generator<Record<string, unknown>> {
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as Record<string, unknown>;
  yield node;
  if (node['items'] !== undefined) yield* schemaNodes(node['items']);
  for (const member of (node['anyOf'] as unknown[] | undefined) ?? []) yield* schemaNodes(member);
  for (const member of Object.values((node['properties'] as object | undefined) ?? {}))
    yield* schemaNodes(member);
}

/** A deterministic mix of JSON Schema keywords, nested up to three levels (a seeded generator). */
function generateSchemas(): Record<string, unknown>[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const leaf = (): Record<string, unknown> | boolean =>
    pick<Record<string, unknown> | boolean>([
      {
        type: 'string',
        format: pick(['email', 'uuid', 'date-time', 'uri']),
        title: 'T',
        pattern: 'x',
      },
      { type: 'number', exclusiveMinimum: 0, multipleOf: 0.5, examples: [1] },
      { type: 'integer', enum: [1, 2], default: 1 },
      { const: pick(['a', 1, true, null]) },
      { enum: ['a', null, 'b'] },
      { type: ['string', 'null'], maxLength: 4 },
      { type: ['integer', 'string', 'boolean'] },
      { type: 'boolean', readOnly: true, deprecated: true, $comment: 'c' },
      {},
      true,
      { not: { type: 'string' } },
      { type: 'string', contentEncoding: 'base64', 'x-extension': 1 },
    ]);
  const build = (depth: number): Record<string, unknown> | boolean => {
    if (depth === 0) return leaf();
    const child = () => build(depth - 1);
    return pick([
      () => ({
        type: 'object',
        properties: { a: child(), b: child() },
        required: ['a', 'z'],
        additionalProperties: pick([false, true, child()]),
      }),
      () => ({
        type: 'object',
        additionalProperties: child(),
        propertyNames: { pattern: '^x' },
        minProperties: 1,
      }),
      () => ({ type: 'array', items: child(), uniqueItems: true, contains: { type: 'string' } }),
      () => ({ type: 'array', prefixItems: [child(), child()], items: pick([false, child()]) }),
      () => ({ anyOf: [child(), { type: 'null' }] }),
      () => ({ oneOf: [child(), child(), child()], discriminator: { propertyName: 'kind' } }),
      () => ({
        allOf: [
          { type: 'object', properties: { a: child() } },
          { type: 'object', properties: { a: child(), c: child() } },
        ],
      }),
      () => ({
        $defs: { D: child() },
        type: 'object',
        properties: { d: { $ref: '#/$defs/D' }, e: { $ref: '#/$defs/D', description: 'e' } },
      }),
      () => ({
        if: child(),
        // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword, never awaited.
        then: child(),
        else: child(),
        type: 'object',
        properties: { x: child() },
      }),
      () => leaf(),
    ])() as Record<string, unknown>;
  };
  const schemas: Record<string, unknown>[] = [];
  for (let index = 0; index < 250; index++) {
    schemas.push({ type: 'object', properties: { root: build(3), other: build(1) } });
  }
  return schemas;
}

function zodSchemas(): Record<string, unknown>[] {
  const parameters = [
    z.object({
      a: z.union([z.string(), z.number()]),
      b: z.tuple([z.string(), z.boolean()]),
      c: z.record(z.string(), z.string()),
    }),
    z.object({
      a: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('x'), x: z.string() }),
        z.object({ kind: z.literal('y'), y: z.number() }),
      ]),
    }),
    z.object({
      a: z.object({ b: z.string() }).and(z.object({ c: z.number() })),
      d: z.string().nullish(),
      e: z.literal([1, 2]),
    }),
    z.object({
      a: z.email(),
      b: z.url(),
      c: z.uuid(),
      d: z.iso.datetime(),
      e: z.set(z.string()).optional(),
    }),
  ];
  return parameters.flatMap((schema) => {
    try {
      return [defineTool({ name: 'x', parameters: schema, execute: () => 1 }).inputSchema ?? {}];
    } catch {
      return [];
    }
  });
}
