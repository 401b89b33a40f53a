import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { jsonSchema } from '../schema/json-schema.ts';
import { defineTool } from './define-tool.ts';

// Attacks on defineTool: property names that are also Object.prototype names, schemas built in
// code that contain themselves, misspelt options.

const execute = (args: unknown) => args;

/** `{ "__proto__": ..., "constructor": ... }` as JSON.parse makes it: two own properties. */
const hostileProperties = (): Record<string, unknown> =>
  JSON.parse('{"__proto__": {"type": "string"}, "constructor": {"type": "number"}}');

describe('defineTool keeps properties named like Object.prototype members', () => {
  it("refuses a zod property named __proto__: zod's parse drops it before execute (attack68b)", () => {
    // It was declared as required says, yet zod's parse wrote the model's value into the parsed
    // object's prototype: execute never got it (define-tool.proto-field.attacks.test.ts).
    expect(() =>
      defineTool({
        name: 'zod_keys',
        parameters: z.object({ ['__proto__']: z.string(), constructor: z.number() } as never),
        execute,
      }),
    ).toThrow(/tool "zod_keys" have a field named "__proto__" \(properties\.__proto__\)/);
  });

  it('sends a JSON Schema property named __proto__ in both schema formats', () => {
    for (const schemaFormat of ['json-schema', 'openapi'] as const) {
      const tool = defineTool({
        name: 'json_keys',
        schemaFormat,
        parameters: jsonSchema({
          type: 'object',
          properties: hostileProperties(),
          required: ['__proto__'],
        }),
        execute,
      });
      const schema = (tool.declaration.parametersJsonSchema ?? tool.declaration.parameters) as {
        properties: Record<string, unknown>;
      };
      expect(Object.keys(schema.properties)).toEqual(['__proto__', 'constructor']);
      expect(JSON.stringify(schema)).toContain('"__proto__":{"type":');
    }
  });

  it('keeps __proto__ through an allOf merge and does not read Object.prototype as a property', () => {
    const tool = defineTool({
      name: 'merged',
      schemaFormat: 'openapi',
      parameters: jsonSchema({
        type: 'object',
        allOf: [{ properties: { a: { type: 'string' } } }, { properties: hostileProperties() }],
      }),
      execute,
    });
    const properties = (tool.declaration.parameters as { properties: Record<string, unknown> })
      .properties;
    expect(Object.keys(properties).sort()).toEqual(['__proto__', 'a', 'constructor']);
    expect(properties['constructor']).toEqual({ type: 'NUMBER' });
  });

  it('finds a recursive definition named constructor, and refuses a $ref to one that is not defined', () => {
    const recursive = defineTool({
      name: 'tree',
      parameters: jsonSchema({
        type: 'object',
        properties: { root: { $ref: '#/$defs/constructor' } },
        $defs: {
          constructor: {
            type: 'object',
            properties: { kids: { type: 'array', items: { $ref: '#/$defs/constructor' } } },
          },
        },
      }),
      execute,
    });
    const schema = recursive.declaration.parametersJsonSchema as {
      $defs?: Record<string, unknown>;
    };
    expect(Object.keys(schema.$defs ?? {})).toEqual(['constructor']);

    expect(() =>
      defineTool({
        name: 'dangling',
        parameters: jsonSchema({
          type: 'object',
          properties: { a: { $ref: '#/$defs/toString' } },
          $defs: {},
        }),
        execute,
      }),
    ).toThrow(/points to nothing/);
  });
});

describe('defineTool rejects what it cannot send', () => {
  for (const schemaFormat of ['json-schema', 'openapi'] as const) {
    it(`names the cycle of a schema object that contains itself (${schemaFormat})`, () => {
      const schema: Record<string, unknown> = { type: 'object', properties: {} };
      (schema['properties'] as Record<string, unknown>)['self'] = schema;
      const make = () =>
        defineTool({ name: 'cyclic', schemaFormat, parameters: jsonSchema(schema), execute });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(/properties\.self contains itself.*\$ref/);
    });
  }

  it('names a misspelt option instead of defining a tool without parameters', () => {
    const make = () =>
      defineTool({ name: 'typo', paramters: z.object({ a: z.string() }), execute } as never);
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(/no option 'paramters'.*Did you mean 'parameters'/);
  });
});
