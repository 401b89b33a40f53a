import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { createAgent } from '../../agent/create-agent.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../define/define-tool.ts';
import { cleanJsonSchema } from './clean-json-schema.ts';
import { assertZodNesting, MAX_SCHEMA_NESTING } from './inline-refs.ts';
import { jsonSchema } from './json-schema.ts';
import { toOpenApiSchema } from './to-open-api-schema.ts';
import { zodV3ToJsonSchema } from './zod-v3-to-json-schema.ts';
import { zodV4ToJsonSchema } from './zod-v4-to-json-schema.ts';

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

  it('a zod schema: 200 levels and 20,000 (zod overflowed converting those; now walked first)', () => {
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

// schema-depth2 (counted by test-speed17): refusing a 20,000-level zod schema took 1.7 s as a
// tool's parameters and 2.3 s as `output`, zod's converter recursing until the stack overflowed.
// It is now refused by a walk of the zod schema before the converter runs, at the place the
// converted schema's check names.

/** The refusal the converted schema's check gives (zod's converter, then the cleaning). */
function refusalAfterConversion(schema: z.ZodType | z3.ZodTypeAny): string {
  try {
    const converted =
      '_zod' in schema
        ? zodV4ToJsonSchema(schema as never)
        : zodV3ToJsonSchema(schema as never, 'deep');
    cleanJsonSchema(converted);
  } catch (error) {
    return (error as Error).message;
  }
  return 'converted';
}

/** The place a refusal names ("the schema at <place> nests ..."). */
const placeOf = (message: string): string | undefined =>
  /the schema at (\S+) nests deeper/.exec(message)?.[1];

describe('a zod schema past the limit, refused before zod converts it', () => {
  it('never calls the converter for 20,000 levels (zod 4: its Standard JSON Schema, as a tool and as output)', () => {
    const deep = z.object({ a: nestedZod(20_000) });
    const input = vi.spyOn(deep['~standard'].jsonSchema, 'input');
    const error = refusal(() => tool(deep));
    expect(error.message).toMatch(limit);
    expect(placeOf(error.message)).toMatch(/^properties\.a\.properties\.a.*\.properties$/);
    const gemini = createGemini({ apiKey: 'k', fetch: async () => new Response('{}') });
    const output = refusal(() =>
      createAgent({ gemini, model: 'gemini-2.5-flash', output: deep as never }),
    );
    expect(output.argument).toBe('output');
    expect(output.message).toMatch(limit);
    expect(input).not.toHaveBeenCalled();
  });

  it('never reaches the leaf of a zod 3 schema 20,000 deep: the walk stops at the limit', () => {
    let reads = 0;
    const leaf = z3.string();
    const def = leaf._def;
    Object.defineProperty(leaf, '_def', {
      get: () => {
        reads++;
        return def;
      },
    });
    let schema: z3.ZodTypeAny = leaf;
    for (let index = 0; index < 20_000; index++) schema = z3.object({ a: schema });
    reads = 0;
    expect(refusal(() => tool(schema)).message).toMatch(limit);
    expect(reads).toBe(0);
  });

  const kinds: [string, (inner: z.ZodType) => z.ZodType][] = [
    ['an object', (inner) => z.object({ a: inner })],
    ['a list', (inner) => z.array(inner)],
    ['a union', (inner) => z.union([z.number(), inner])],
    ['a nullable object', (inner) => z.object({ a: inner }).nullable()],
    [
      'a discriminated union',
      (inner) =>
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('a'), a: inner }),
          z.object({ kind: z.literal('b') }),
        ]),
    ],
    [
      'optional, readonly and lazy wrappers',
      (inner) =>
        z.object({
          a: z
            .lazy(() => inner)
            .optional()
            .readonly(),
        }),
    ],
  ];
  for (const [name, wrap] of kinds) {
    it(`names the place the converted schema's check named, through ${name} (zod 4)`, () => {
      for (const levels of [40, 70, 130]) {
        let schema: z.ZodType = z.string();
        for (let index = 0; index < levels; index++) schema = wrap(schema);
        const root = z.object({ root: schema });
        const before = refusalAfterConversion(root);
        const input = vi.spyOn(root['~standard'].jsonSchema, 'input');
        let after = 'converted';
        try {
          tool(root);
        } catch (error) {
          after = (error as Error).message;
        }
        expect({ levels, after: placeOf(after) }).toEqual({ levels, after: placeOf(before) });
        if (placeOf(after) !== undefined) expect(after).toMatch(limit);
        // Refused before conversion whenever objects and lists alone pass the limit.
        if (name === 'an object' || name === 'a list') {
          expect(input.mock.calls.length).toBe(placeOf(before) === undefined ? 1 : 0);
        }
      }
    });
  }

  it('counts zod 3 the same: objects, lists, nullables and unions', () => {
    const wraps: ((inner: z3.ZodTypeAny) => z3.ZodTypeAny)[] = [
      (inner) => z3.object({ a: inner }),
      (inner) => z3.array(inner),
      (inner) => z3.object({ a: inner }).nullable(),
      (inner) => z3.union([z3.object({ b: z3.number() }), inner]),
    ];
    for (const wrap of wraps) {
      for (const levels of [40, 70, 130]) {
        let schema: z3.ZodTypeAny = z3.object({ leaf: z3.string() });
        for (let index = 0; index < levels; index++) schema = wrap(schema);
        const root = z3.object({ root: schema });
        let after = 'converted';
        try {
          tool(root);
        } catch (error) {
          after = (error as Error).message;
        }
        expect(placeOf(after)).toBe(placeOf(refusalAfterConversion(root)));
      }
    }
  });

  it('keeps the boundary: 128 levels of lists convert, 129 are refused where they were', () => {
    // One builder for both: zod 4's and zod 3's `array`/`object` signatures differ.
    type Builder = { string(): unknown; array(of: never): unknown; object(shape: never): unknown };
    const lists = (levels: number, zod: Builder) => {
      let schema = zod.string();
      for (let index = 0; index < levels; index++) schema = zod.array(schema as never);
      return zod.object({ a: schema } as never) as z.ZodType;
    };
    for (const zod of [z, z3] as unknown as Builder[]) {
      // `a` is two levels (properties.a): 126 lists put the leaf at 128.
      expect(tool(lists(126, zod)).declaration.parametersJsonSchema).toBeDefined();
      const error = refusal(() => tool(lists(127, zod)));
      expect(placeOf(error.message)).toBe(placeOf(refusalAfterConversion(lists(127, zod))));
      expect(placeOf(error.message)).toMatch(/^properties\.a\.items\.items.*\.items$/);
    }
  });

  it('walks a recursive schema once (a $ref to zod) and a shared one once per depth', () => {
    type Node = { name: string; children: Node[] };
    const tree: z.ZodType<Node> = z.lazy(() =>
      z.object({ name: z.string(), children: z.array(tree) }),
    );
    const category = z.object({
      name: z.string(),
      get subcategories() {
        return z.array(category);
      },
    });
    expect(() => assertZodNesting(z.object({ tree, category }))).not.toThrow();
    expect(tool(z.object({ tree, category })).declaration.parametersJsonSchema).toBeDefined();
    // 2^60 paths through 60 shared objects: walked once per depth each, it ends at once.
    let shared: z.ZodType = z.string();
    for (let index = 0; index < 60; index++) shared = z.object({ a: shared, b: shared });
    expect(() => assertZodNesting(shared)).not.toThrow();
    for (let index = 0; index < 10; index++) shared = z.object({ a: shared, b: shared });
    expect(() => assertZodNesting(shared)).toThrow(limit);
  });
});

describe('the zod walk against what the converters write, at 127, 128 and 129 levels (leftovers34)', () => {
  // Each shape sits at exactly `at` levels (`properties.a` and lists around it). The walk
  // refuses only where the converted schema's check would (never a schema that converts within
  // the limit: before, a zod 3 list of z.any() at 128, whose `items` zod-to-json-schema leaves
  // out), and it judges tuples, records, intersections, enums and nullables, whose converted
  // containers it did not count.
  // One builder type for both: zod 4's and zod 3's signatures differ.
  type Built = { nullable(): Built; optional(): Built; default(value: unknown): Built };
  type Zod = Record<
    | 'array'
    | 'any'
    | 'unknown'
    | 'object'
    | 'union'
    | 'string'
    | 'number'
    | 'enum'
    | 'literal'
    | 'tuple'
    | 'record'
    | 'intersection',
    (...args: unknown[]) => Built
  >;
  const shapes: [string, (zod: Zod) => unknown][] = [
    ['a list of any', (zod) => zod.array(zod.any())],
    ['a list of unknown', (zod) => zod.array(zod.unknown())],
    ['an empty object', (zod) => zod.object({})],
    ['a union of two primitives (a type list)', (zod) => zod.union([zod.string(), zod.number()])],
    [
      'a union of one primitive type (folded away)',
      (zod) => zod.union([zod.string(), zod.string()]),
    ],
    ['a union with an object', (zod) => zod.union([zod.object({ b: zod.string() }), zod.number()])],
    ['a nullable string', (zod) => zod.string().nullable()],
    ['a nullable object', (zod) => zod.object({ b: zod.string() }).nullable()],
    ['an enum', (zod) => zod.enum(['a', 'b'])],
    ['a literal', (zod) => zod.literal('a')],
    ['a tuple', (zod) => zod.tuple([zod.string()])],
    ['an empty tuple', (zod) => zod.tuple([])],
    [
      'a record',
      (zod) =>
        (zod.record as (key: unknown, value: unknown) => unknown)(zod.string(), zod.string()),
    ],
    [
      'an intersection of objects',
      (zod) => zod.intersection(zod.object({ b: zod.string() }), zod.object({ c: zod.string() })),
    ],
    ['an object with a default', (zod) => zod.object({ b: zod.string().optional() }).default({})],
    ['a string', (zod) => zod.string()],
  ];
  const at = (zod: Zod, levels: number, shape: (zod: Zod) => unknown) => {
    let schema = shape(zod);
    for (let index = 0; index < levels - 2; index++) schema = zod.array(schema);
    return zod.object({ a: schema }) as unknown as z.ZodType;
  };
  for (const [version, zod] of [
    ['zod 4', z],
    ['zod 3', z3],
  ] as unknown as [string, Zod][]) {
    it(`refuses each shape iff its converted schema is too deep (${version})`, () => {
      const verdicts: string[] = [];
      for (const [name, shape] of shapes) {
        for (const levels of [127, 128, 129]) {
          const root = at(zod, levels, shape);
          const converted = refusalAfterConversion(root) === 'converted' ? 'passes' : 'refused';
          let walked = 'passes';
          try {
            assertZodNesting(root);
          } catch {
            walked = 'refused';
          }
          let defined = 'passes';
          try {
            tool(root);
          } catch {
            defined = 'refused';
          }
          // The walk never refuses what converts; defineTool refuses exactly what the check does.
          if (walked === 'refused' && converted === 'passes')
            verdicts.push(`walk ${name} ${levels}`);
          if (defined !== converted) verdicts.push(`defineTool ${name} ${levels}: ${defined}`);
        }
      }
      expect(verdicts).toEqual([]);
    });
  }

  it('refuses 3,000 levels of tuples, records, intersections and nullables before zod converts them', () => {
    const wraps: [string, (inner: z.ZodType) => z.ZodType][] = [
      ['tuples', (inner) => z.tuple([inner])],
      ['records', (inner) => z.record(z.string(), inner)],
      ['intersections', (inner) => z.intersection(z.object({ b: z.string() }), z.array(inner))],
      ['nullables', (inner) => z.array(inner).nullable()],
    ];
    for (const [name, wrap] of wraps) {
      let schema: z.ZodType = z.string();
      for (let index = 0; index < 3000; index++) schema = wrap(schema);
      const root = z.object({ root: schema });
      const input = vi.spyOn(root['~standard'].jsonSchema, 'input');
      expect({ name, message: refusal(() => tool(root)).message }).toEqual({
        name,
        message: expect.stringMatching(limit),
      });
      expect({ name, calls: input.mock.calls.length }).toEqual({ name, calls: 0 });
    }
  });
});
