import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from '../define/define-tool.ts';
import { findRefProblem } from './cfworker-check.ts';
import { cleanJsonSchema } from './clean-json-schema.ts';
import { findJsonSchemaProblems } from './find-json-schema-problems.ts';
import { MAX_SCHEMA_NESTING } from './inline-refs.ts';
import { jsonSchema } from './json-schema.ts';
import {
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from './json-schema-keywords.ts';

// leftovers36: every keyword whose value holds sub-schemas comes from json-schema-keywords.ts, and
// each walker (the definition-time check and its depth bound, `$ref` inlining, the cleaning, the
// `$ref` loop check) reads those lists. Draft-07's `dependencies` was missing: a `$ref` under it
// was sent to Gemini dangling (its `$defs` gone) and a `$ref` loop through it was not seen.

// The applicators of JSON Schema 2020-12 (Core §10, and the unevaluated vocabulary §11) and of
// draft-07 (Validation §6.5-6.7: `additionalItems`, `dependencies`), by the shape of their value.
const ONE = [
  'items',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'additionalItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
];
const LIST = ['anyOf', 'oneOf', 'allOf', 'prefixItems', 'items'];
const MAP = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies'];

/** `inner` placed under `keyword` in the shape its value takes. */
function under(keyword: string, inner: unknown): Record<string, unknown> {
  if (MAP.includes(keyword)) return { type: 'object', [keyword]: { a: inner } };
  if (LIST.includes(keyword) && !ONE.includes(keyword)) {
    return { type: 'object', [keyword]: [inner] };
  }
  return { type: 'object', [keyword]: inner };
}

function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let index = 0; index < levels; index++) {
    schema = { type: 'object', properties: { a: schema } };
  }
  return schema;
}

const tool = (parameters: unknown) =>
  defineTool({
    name: 'walked',
    description: 'A schema with a sub-schema keyword.',
    parameters: jsonSchema(parameters as never),
    execute: () => 'ok',
  });

const every = [...new Set([...ONE, ...LIST, ...MAP])];

describe('the sub-schema keyword lists', () => {
  it('hold every applicator of JSON Schema 2020-12 and draft-07', () => {
    expect([...SUBSCHEMA_KEYWORDS].sort()).toEqual([...ONE].sort());
    expect([...SUBSCHEMA_LIST_KEYWORDS].sort()).toEqual([...LIST].sort());
    expect([...SUBSCHEMA_MAP_KEYWORDS].sort()).toEqual([...MAP].sort());
  });

  it.each(every)('a $ref under %s is inlined, its definitions not sent', (keyword) => {
    const schema = {
      type: 'object',
      // No type: under `allOf`, a string's would make the object schema accept no value, which
      // defineTool refuses (tools67).
      $defs: { leaf: { description: 'the leaf' } },
      ...under(keyword, { $ref: '#/$defs/leaf' }),
    };
    const sent = JSON.stringify(tool(schema).declaration.parametersJsonSchema);
    expect(sent).not.toContain('$ref');
    expect(sent).not.toContain('$defs');
    expect(sent).toContain('the leaf');
    expect(JSON.stringify(cleanJsonSchema(schema as never))).not.toContain('$ref');
  });

  it.each(every)('a schema nested past the limit under %s is refused naming it', (keyword) => {
    let error: unknown;
    try {
      tool(under(keyword, nested(MAX_SCHEMA_NESTING)));
    } catch (thrown) {
      error = thrown;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`nests deeper than ${MAX_SCHEMA_NESTING} levels`);
    expect((error as Error).message).not.toMatch(/call stack/);
  });

  it.each(every)('a $ref that comes back to itself through %s is found', (keyword) => {
    // Through an applicator on the value itself (`not`, `if`, `dependencies`...) the loop never
    // reaches a property or an item; through one on a part of it, it does, and is no problem.
    const schema = {
      $defs: { loop: under(keyword, { $ref: '#/$defs/loop' }) },
      $ref: '#/$defs/loop',
    };
    const onPart = [
      'items',
      'prefixItems',
      'additionalItems',
      'unevaluatedItems',
      'contains',
      'properties',
      'patternProperties',
      'additionalProperties',
      'unevaluatedProperties',
      'propertyNames',
    ].includes(keyword);
    expect(findRefProblem(schema) === undefined).toBe(onPart);
  });

  it("accepts draft-07's property dependencies (a list of names) beside schema ones", () => {
    const schema = {
      type: 'object',
      properties: { card: { type: 'string' }, address: { type: 'string' } },
      dependencies: { card: ['address'], address: { required: ['card'] } },
    };
    expect(findJsonSchemaProblems(schema)).toEqual([]);
    expect(tool(schema).declaration.parametersJsonSchema).toMatchObject({
      dependencies: { card: ['address'], address: { required: ['card'] } },
    });
  });

  it('reports a property dependency that is not a list of names', () => {
    expect(findJsonSchemaProblems({ dependencies: { card: ['address', 3] } })).toEqual([
      {
        path: 'dependencies.card',
        message: expect.stringContaining('a list of property names or a schema'),
      },
    ]);
  });
});
