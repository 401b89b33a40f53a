import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { defineTool } from '../define/define-tool.ts';
import { cleanJsonSchema } from './clean-json-schema.ts';
import { jsonSchema } from './json-schema.ts';

// zod-to-json-schema (zod 3) writes a tuple draft-07 style, `items: [A, B]` (+ `additionalItems`
// for a rest), where zod 4 writes `prefixItems: [A, B]` (+ `items: false` or the rest's schema).
// Gemini documents the 2020-12 keywords only (`items` as one schema, `prefixItems`, `minItems`,
// `maxItems`: js-genai `GenerateContentConfig.responseJsonSchema`, wire doc §2.4/§4; no recording
// of either form). tools45: one form for both, in the documented keywords.

const declared = (parameters: unknown) =>
  defineTool({ name: 'pair', parameters: parameters as never, execute: () => 'ok' }).declaration
    .parametersJsonSchema;

describe('tuples in parametersJsonSchema', () => {
  const closed = {
    type: 'array',
    prefixItems: [{ type: 'string' }, { type: 'number' }],
    minItems: 2,
    maxItems: 2,
  };
  const rest = {
    type: 'array',
    prefixItems: [{ type: 'string' }],
    items: { type: 'boolean' },
    minItems: 1,
  };

  it('zod 3 and zod 4 tuples are declared alike, with prefixItems', () => {
    for (const zod of [z, z3] as const) {
      const parameters = (zod as typeof z).object({
        pair: (zod as typeof z).tuple([(zod as typeof z).string(), (zod as typeof z).number()]),
        tagged: (zod as typeof z)
          .tuple([(zod as typeof z).string()])
          .rest((zod as typeof z).boolean()),
      });
      expect(declared(parameters)).toEqual({
        type: 'object',
        properties: { pair: closed, tagged: rest },
        required: ['pair', 'tagged'],
      });
    }
  });

  it("a JSON Schema's draft-07 tuple is declared with prefixItems, its arguments still checked by the schema as given", () => {
    const tool = defineTool({
      name: 'pair',
      parameters: jsonSchema({
        type: 'object',
        properties: {
          pair: {
            type: 'array',
            items: [{ type: 'string' }, { type: 'number' }],
            additionalItems: false,
          },
          open: { type: 'array', items: [{ type: 'string' }] },
        },
        required: ['pair'],
      }),
      execute: () => 'ok',
    });
    expect(tool.declaration.parametersJsonSchema).toEqual({
      type: 'object',
      properties: {
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], maxItems: 2 },
        open: { type: 'array', prefixItems: [{ type: 'string' }] },
      },
      required: ['pair'],
    });
    expect(tool.parseArgs({ pair: ['a', 1] }).success).toBe(true);
    expect(tool.parseArgs({ pair: ['a', 1, 2] }).success).toBe(false);
    expect(tool.parseArgs({ pair: [1, 'a'] }).success).toBe(false);
  });

  it('keeps a 2020-12 tuple as it is, but for the items: false of a closed one', () => {
    expect(cleanJsonSchema({ type: 'object', properties: { t: rest } })).toEqual({
      type: 'object',
      properties: { t: rest },
    });
    // A closed tuple's `items: false` says what `maxItems` says already.
    expect(
      cleanJsonSchema({
        type: 'object',
        properties: { t: { type: 'array', prefixItems: [{ type: 'string' }], items: false } },
      }),
    ).toEqual({
      type: 'object',
      properties: { t: { type: 'array', prefixItems: [{ type: 'string' }], maxItems: 1 } },
    });
  });
});
