import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from '../define/define-tool.ts';
import { inlineRefs, MAX_REF_EXPANSION } from './inline-refs.ts';
import { jsonSchema } from './json-schema.ts';

// Attack (leftovers34, after attack26): an app's own JSON Schema whose `$ref`s never end, given
// to `defineTool` (attack26 bounded them at the MCP listing only: its walk cost the agent app's
// bundle 60-76 B where defineTool would have called it):
// - 40 definitions each using the next twice: inlining copied 2^40 schemas in a synchronous loop
//   no time limit can stop (17 levels already took seconds and a multi-megabyte declaration);
// - a chain of 30,000 `$ref`s: 19 s of quadratic inlining, then "Maximum call stack size
//   exceeded" (12,000: 5.8 s, then defined).
// The inlining now counts its work (each copied schema, the refs it is reached through) and
// refuses both past MAX_REF_EXPANSION, in bounded work. A `$ref` that comes back to itself is
// answered at every call by the validator (cfworker-check.refs.attacks.test.ts).

const object = (properties: Record<string, unknown>, defs: Record<string, unknown>) => ({
  type: 'object',
  properties,
  $defs: defs,
});

/** `levels` definitions, each an object whose two properties are the next definition. */
function doubling(levels: number): Record<string, unknown> {
  const defs: Record<string, unknown> = { [`d${levels}`]: { type: 'string' } };
  for (let index = 0; index < levels; index++) {
    defs[`d${index}`] = {
      type: 'object',
      properties: { a: { $ref: `#/$defs/d${index + 1}` }, b: { $ref: `#/$defs/d${index + 1}` } },
    };
  }
  return object({ x: { $ref: '#/$defs/d0' } }, defs);
}

/** A chain of `length` definitions, each only a `$ref` to the next. */
function chain(length: number): Record<string, unknown> {
  const defs: Record<string, unknown> = { [`d${length}`]: { type: 'string' } };
  for (let index = 0; index < length; index++)
    defs[`d${index}`] = { $ref: `#/$defs/d${index + 1}` };
  return object({ x: { $ref: '#/$defs/d0' } }, defs);
}

/** defineTool's error for `schema` in both formats, or the tool's declaration's length. */
function define(schema: Record<string, unknown>, schemaFormat: 'json-schema' | 'openapi') {
  try {
    const tool = defineTool({
      name: 'hostile',
      description: 'An app tool with a hand-written schema.',
      parameters: jsonSchema(schema),
      schemaFormat,
      execute: () => ({}),
    });
    return JSON.stringify(tool.declaration).length;
  } catch (error) {
    return error;
  }
}

describe('defineTool with a JSON Schema whose $refs never end', () => {
  for (const levels of [17, 40]) {
    it(`refuses $refs that double at each of ${levels} levels, in bounded work`, () => {
      for (const format of ['json-schema', 'openapi'] as const) {
        const error = define(doubling(levels), format);
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        expect((error as Error).message).toContain(`expand past ${MAX_REF_EXPANSION} steps`);
        expect((error as Error).message).toContain('tool "hostile"');
      }
    });
  }

  it('refuses a chain of 30,000 $refs, in bounded work, and defines a chain of 400', () => {
    const error = define(chain(30_000), 'json-schema');
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`expand past ${MAX_REF_EXPANSION} steps`);
    expect(typeof define(chain(400), 'json-schema')).toBe('number');
  });

  it('keeps recursion through a property, an item or additionalProperties, a doubling of 12 and a chain of 40', () => {
    const tree = object(
      { root: { $ref: '#/$defs/node' } },
      {
        node: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/$defs/node' } },
            parent: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/node' }] },
            byName: { type: 'object', additionalProperties: { $ref: '#/$defs/node' } },
          },
        },
      },
    );
    const { recursiveRefs } = inlineRefs(tree);
    expect(recursiveRefs.map(({ ref }) => ref)).toEqual([
      '#/$defs/node',
      '#/$defs/node',
      '#/$defs/node',
      '#/$defs/node',
      '#/$defs/node',
      '#/$defs/node',
    ]);
    expect(typeof define(tree, 'json-schema')).toBe('number');
    expect(define(doubling(12), 'json-schema')).toBeGreaterThan(100_000);
    expect(typeof define(chain(40), 'json-schema')).toBe('number');
  });

  // What this proves: a wide schema with nothing to copy is kept whole, not refused. It cannot tell
  // "only copies count" from "every schema counts" (200,001 schemas are under MAX_REF_EXPANSION
  // either way; telling them apart takes over a million walked schemas, ~2 s): the comment at the
  // count in inline-refs.ts is what says a schema without $refs is free (test-speed21).
  it(`passes a schema of 200,000 properties without $refs, keeping every one`, () => {
    const properties: Record<string, unknown> = {};
    for (let index = 0; index < 200_000; index++) properties[`p${index}`] = { type: 'string' };
    expect(
      Object.keys(inlineRefs({ type: 'object', properties }).schema['properties'] as object),
    ).toHaveLength(200_000);
  });
});
