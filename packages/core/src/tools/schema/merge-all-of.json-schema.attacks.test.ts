import type { createFakeGemini } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z as z4 } from 'zod';
import { z as z3 } from 'zod-v3';
import { prepareOutput } from '../../agent/structured-output.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from '../define/define-tool.ts';
import { callToolOnce } from './__fixtures__/call-tool-once.ts';
import { jsonSchema } from './json-schema.ts';

// tools65's first "Noticed, left alone": a JSON Schema tool whose schema has an `allOf` (at a root
// with `type: "object"`, or in a property) was declared with the `allOf` as written. Google lists
// no `allOf` among the JSON Schema keywords Gemini reads (js-genai 2.32 `responseJsonSchema`:
// "only the following properties are supported: $id, $defs, $ref, $anchor, type, format, title,
// description, enum, items, prefixItems, minItems, maxItems, minimum, maximum, anyOf, oneOf,
// properties, additionalProperties, required"; js-genai has no code of its own for `allOf`, and
// @ai-sdk/google 3.0.141 sends it on as written), so the model may see a tool with no parameters
// while parseArgs checks the `allOf`. Now an `allOf` is merged into its parent where that loses
// nothing, refused where its members contradict each other, and kept (with a schema warning)
// where a merge would change what it accepts.

const fakes: ReturnType<typeof createFakeGemini>[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

// A string, so the answer is `{ output }` whatever the arguments.
const execute = (args: unknown) => JSON.stringify(args);

function define(schema: Record<string, unknown>, strictSchema = false) {
  return defineTool({ name: 'probe', parameters: jsonSchema(schema), execute, strictSchema });
}

function declared(schema: Record<string, unknown>): Record<string, unknown> {
  return define(schema).declaration.parametersJsonSchema as Record<string, unknown>;
}

function refusal(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('the schema was accepted');
}

/** One call of the tool with `args`: the parameters the fake Gemini received, and the answer. */
async function callOnce(tool: ReturnType<typeof defineTool>, args: Record<string, unknown>) {
  const { declaration, answer } = await callToolOnce(fakes, tool, args);
  return { declaration: declaration?.parametersJsonSchema, answer };
}

const ROOT = {
  type: 'object',
  description: 'A trip.',
  allOf: [
    { properties: { from: { type: 'string' } }, required: ['from'] },
    { properties: { to: { type: 'string' }, days: { type: 'integer' } }, required: ['to'] },
  ],
};

describe('an allOf of objects in a JSON Schema tool', () => {
  it('at the root: the fake Gemini receives one object, and a call meeting the schema runs', async () => {
    const tool = define(ROOT);
    const good = await callOnce(tool, { from: 'Oslo', to: 'Rome', days: 3 });
    expect(good.declaration).toEqual({
      type: 'object',
      description: 'A trip.',
      properties: { from: { type: 'string' }, to: { type: 'string' }, days: { type: 'integer' } },
      required: ['from', 'to'],
    });
    expect(good.answer).toEqual({ output: '{"from":"Oslo","to":"Rome","days":3}' });
    // The arguments are still checked against the schema as written.
    const bad = await callOnce(tool, { from: 'Oslo' });
    expect(String((bad.answer as { error?: unknown }).error)).toContain('Invalid arguments');
    expect(tool.schemaWarnings.filter(({ keyword }) => keyword === 'allOf')).toEqual([]);
  });

  it('in a property and in a list’s items', () => {
    expect(
      declared({
        type: 'object',
        properties: {
          home: {
            allOf: [
              { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
              { type: 'object', properties: { zip: { type: 'string' } } },
            ],
          },
          legs: {
            type: 'array',
            items: { allOf: [{ properties: { at: { type: 'string' } } }, { required: ['at'] }] },
          },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        home: {
          type: 'object',
          properties: { city: { type: 'string' }, zip: { type: 'string' } },
          required: ['city'],
        },
        legs: {
          type: 'array',
          items: { properties: { at: { type: 'string' } }, required: ['at'] },
        },
      },
    });
  });

  it('a described $ref wrapped in allOf (pydantic’s and MCP servers’ form): the object, with its description', () => {
    expect(
      declared({
        type: 'object',
        $defs: { Address: { type: 'object', properties: { city: { type: 'string' } } } },
        properties: { home: { allOf: [{ $ref: '#/$defs/Address' }], description: 'Where I live' } },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        home: {
          type: 'object',
          description: 'Where I live',
          properties: { city: { type: 'string' } },
        },
      },
    });
  });

  it('a property two members define: merged where nothing is lost (bounds the tighter, enums shared)', () => {
    const schema = declared({
      type: 'object',
      allOf: [
        {
          properties: {
            code: { type: 'string', minLength: 2, maxLength: 9 },
            n: { type: 'number', maximum: 10 },
            size: { enum: ['S', 'M', 'L'] },
          },
        },
        {
          properties: {
            code: { type: 'string', maxLength: 5 },
            n: { type: 'integer', minimum: 1, maximum: 5 },
            size: { enum: ['M', 'L', 'XL'] },
          },
        },
      ],
    });
    expect(schema).toEqual({
      type: 'object',
      properties: {
        code: { type: 'string', minLength: 2, maxLength: 5 },
        n: { type: 'integer', minimum: 1, maximum: 5 },
        size: { enum: ['M', 'L'] },
      },
    });
  });

  it('an allOf of non-objects (an integer and its bound) is one schema too', () => {
    expect(
      declared({
        type: 'object',
        properties: { n: { allOf: [{ type: 'integer' }, { minimum: 1 }, true] } },
      }),
    ).toEqual({ type: 'object', properties: { n: { type: 'integer', minimum: 1 } } });
  });

  it('additionalProperties: false on every member listing the same fields stays', () => {
    expect(
      declared({
        type: 'object',
        additionalProperties: false,
        properties: { a: { type: 'string' }, b: { type: 'string' } },
        allOf: [{ required: ['a'] }, { properties: { b: { maxLength: 3 } } }],
      }),
    ).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: { a: { type: 'string' }, b: { type: 'string', maxLength: 3 } },
      required: ['a'],
    });
  });
});

describe('an allOf whose members contradict each other is refused, naming the place and the fix', () => {
  it('a property of two types', () => {
    const message = refusal(() =>
      define({
        type: 'object',
        allOf: [
          { properties: { code: { type: 'string' } } },
          { properties: { code: { type: 'number' } } },
        ],
      }),
    );
    expect(message).toContain('tool "probe"');
    // The schema has no allOf at the property: the message says where its definitions are.
    expect(message).toContain('properties.code (defined by more than one allOf member)');
    expect(message).toContain('"string" and "number"');
    expect(message).toMatch(/Give them one type/);
  });

  it('a member that is false (accepts no value)', () => {
    const message = refusal(() =>
      define({
        type: 'object',
        properties: { n: { type: 'integer', allOf: [{ minimum: 1 }, false] } },
      }),
    );
    expect(message).toContain('the allOf at properties.n can hold no value: allOf[1] is false');
    expect(message).toContain('Drop it');
  });

  it('enums that share no value', () => {
    const message = refusal(() =>
      define({
        type: 'object',
        properties: { size: { allOf: [{ enum: ['S'] }, { enum: ['L'] }] } },
      }),
    );
    expect(message).toContain('properties.size');
    expect(message).toMatch(/share no value/);
  });

  it('additionalProperties: false in a member, refusing another member’s property', () => {
    const message = refusal(() =>
      define({
        type: 'object',
        allOf: [
          { properties: { a: { type: 'string' } }, additionalProperties: false },
          { properties: { b: { type: 'string' } } },
        ],
      }),
    );
    expect(message).toContain('"b"');
    expect(message).toContain('allOf[0]');
    expect(message).toMatch(/additionalProperties: false/);
    expect(message).toMatch(/list "b" in its properties too, or drop additionalProperties: false/);
  });

  it('additionalProperties: false beside the allOf, refusing a member’s required property', () => {
    const message = refusal(() =>
      define({
        type: 'object',
        additionalProperties: false,
        properties: { a: { type: 'string' } },
        allOf: [{ required: ['a', 'b'] }],
      }),
    );
    expect(message).toContain('"b"');
    expect(message).toContain('the schema beside the allOf');
  });
});

describe('an allOf a merge would change is kept as written, with a schema warning', () => {
  const UPPER = { type: 'string', pattern: '^[A-Z]+$' };
  const SHORT = { type: 'string', pattern: '^.{2,5}$' };
  const KEPT = { type: 'object', properties: { code: { allOf: [UPPER, SHORT] } } };

  it('two patterns: the allOf stays, a warning names its place', () => {
    const tool = define(KEPT);
    expect(tool.declaration.parametersJsonSchema).toEqual(KEPT);
    expect(tool.schemaWarnings).toContainEqual({
      path: ['properties', 'code'],
      keyword: 'allOf',
      message: expect.stringMatching(/disagree on "pattern".*Gemini documents no allOf/),
    });
  });

  it('a property two members define with their own patterns: an allOf of its two definitions', () => {
    const tool = define({
      type: 'object',
      allOf: [
        { properties: { code: UPPER }, required: ['code'] },
        { properties: { code: SHORT, n: { type: 'number' } } },
      ],
    });
    expect(tool.declaration.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { code: { allOf: [UPPER, SHORT] }, n: { type: 'number' } },
      required: ['code'],
    });
    expect(tool.schemaWarnings).toContainEqual({
      path: ['properties', 'code'],
      keyword: 'allOf',
      message: expect.stringMatching(/disagree on "pattern".*sent as an allOf of its definitions/),
    });
  });

  it('strictSchema: true refuses it', () => {
    expect(refusal(() => define(KEPT, true))).toMatch(/properties\.code \(allOf\)/);
  });

  it('a contains in two members (a list holding an "a" and a "b" is not one contains)', () => {
    const schema = {
      type: 'object',
      properties: {
        tags: {
          type: 'array',
          allOf: [{ contains: { enum: ['a'] } }, { contains: { enum: ['b'] }, minContains: 2 }],
        },
      },
    };
    const tool = define(schema);
    expect(tool.declaration.parametersJsonSchema).toEqual(schema);
    expect(tool.schemaWarnings).toContainEqual({
      path: ['properties', 'tags'],
      keyword: 'allOf',
      message: expect.stringMatching(/^allOf\[0\] and allOf\[1\] each have contains/),
    });
  });

  it('a member that is a recursive $ref (Google allows nothing beside a $ref)', () => {
    const schema = {
      type: 'object',
      $defs: {
        Node: {
          type: 'object',
          properties: {
            value: { type: 'string' },
            next: { allOf: [{ $ref: '#/$defs/Node' }, { required: ['value'] }] },
          },
        },
      },
      properties: { head: { $ref: '#/$defs/Node' } },
    };
    const tool = define(schema);
    expect(JSON.stringify(tool.declaration.parametersJsonSchema)).toContain(
      '"allOf":[{"$ref":"#/$defs/Node"},{"required":["value"]}]',
    );
    expect(tool.schemaWarnings).toContainEqual({
      path: ['properties', 'head', 'properties', 'next'],
      keyword: 'allOf',
      message: expect.stringMatching(/^allOf\[0\] has "\$ref"/),
    });
  });

  it('a member whose recursive $ref was inlined one level is merged', () => {
    const tool = define({
      type: 'object',
      $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } },
      properties: { head: { allOf: [{ $ref: '#/$defs/Node' }, { required: ['next'] }] } },
    });
    const { head } = (tool.declaration.parametersJsonSchema as { properties: { head: object } })
      .properties;
    expect(JSON.stringify(head)).not.toContain('allOf');
    expect(head).toMatchObject({
      type: 'object',
      properties: { next: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } },
      required: ['next'],
    });
    expect(tool.schemaWarnings.map(({ keyword }) => keyword)).not.toContain('allOf');
  });
});

describe('zod intersections (zod 3 through zod-to-json-schema, zod 4 through toJSONSchema)', () => {
  for (const [zod, z] of [
    ['zod 3', z3 as unknown as typeof z4],
    ['zod 4', z4],
  ] as const) {
    it(`${zod}: the fake Gemini receives one object, and the call runs`, async () => {
      const tool = defineTool({
        name: 'probe',
        parameters: z
          .object({ from: z.string().describe('Where from') })
          .describe('side A')
          .and(z.object({ to: z.string(), days: z.number().int().optional() })),
        execute,
      });
      const { declaration, answer } = await callOnce(tool, { from: 'Oslo', to: 'Rome' });
      expect(JSON.stringify(declaration)).not.toContain('allOf');
      expect(declaration).toMatchObject({
        type: 'object',
        properties: {
          from: { type: 'string', description: 'Where from' },
          to: { type: 'string' },
          days: { type: 'integer' },
        },
        required: ['from', 'to'],
      });
      expect(answer).toEqual({ output: '{"from":"Oslo","to":"Rome"}' });
    });
  }
});

/** A Standard Schema `output` whose JSON Schema is `schema` (what a Valibot or ArkType one gives). */
function standardOutput(schema: Record<string, unknown>): never {
  const jsonSchema = { input: () => schema, output: () => schema };
  const validate = (value: unknown) => ({ value });
  return { '~standard': { version: 1, vendor: 'probe', validate, jsonSchema } } as never;
}

describe('structured output', () => {
  it('an output schema whose JSON Schema has an allOf is sent merged as responseJsonSchema', () => {
    const output = standardOutput({
      type: 'object',
      allOf: [
        { properties: { a: { type: 'string' } }, required: ['a'] },
        { properties: { b: { type: 'number' } } },
      ],
    });
    expect(prepareOutput(output).jsonSchema).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' } },
      required: ['a'],
    });
  });

  it('a contradiction in it is refused as output’s', () => {
    const output = standardOutput({ allOf: [{ type: 'string' }, { type: 'boolean' }] });
    const message = refusal(() => prepareOutput(output));
    expect(message).toMatch(/^The output schema/);
    expect(message).toContain('"string" and "boolean"');
    expect(message).not.toContain('every field must be a JSON type');
  });
});
