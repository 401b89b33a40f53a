import { describe, expect, it } from 'vitest';
import { defineTool } from '../define/define-tool.ts';
import { findRefProblem } from './cfworker-check.ts';
import { MAX_REF_EXPANSION, MAX_SCHEMA_NESTING } from './inline-refs.ts';
import { jsonSchema } from './json-schema.ts';

// Attack (attack26): `$ref`s in a tool's JSON Schema (an MCP server's listing) that never end:
// - definitions that each use the next one twice: inlining copies each `$ref` where it is used,
//   so 30 of them made 2^30 copies (16 took 3 s and a 3.8 MB declaration; 30 never ended, in a
//   synchronous loop no time limit can stop);
// - a `$ref` that comes back to itself without going into a property or an item (`a: { $ref: a }`,
//   through `allOf`/`anyOf`/`not`): every call's argument check threw "Maximum call stack size
//   exceeded";
// - a chain of 5,000 `$ref`s: 5 s to define, then the same stack overflow at every call.
// findRefProblem names each, in bounded work: @gemloop/tools refuses such an MCP tool before
// defining it (create-mcp-tools.refs.attacks.test.ts), and a JSON Schema tool with such a cycle
// answers every call with what is wrong instead of overflowing.

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

const cycles: [string, Record<string, unknown>][] = [
  [
    'a definition that is its own $ref',
    object({ x: { $ref: '#/$defs/a' } }, { a: { $ref: '#/$defs/a' } }),
  ],
  [
    'two definitions pointing at each other',
    object({ x: { $ref: '#/$defs/a' } }, { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }),
  ],
  [
    'a cycle through allOf',
    object({ x: { $ref: '#/$defs/a' } }, { a: { allOf: [{ $ref: '#/$defs/a' }] } }),
  ],
  [
    'a cycle through anyOf beside a string',
    object(
      { x: { $ref: '#/$defs/a' } },
      { a: { anyOf: [{ type: 'string' }, { $ref: '#/$defs/a' }] } },
    ),
  ],
  [
    'a cycle through not',
    object({ x: { $ref: '#/$defs/a' } }, { a: { not: { $ref: '#/$defs/a' } } }),
  ],
  ['the root in its own allOf', { type: 'object', properties: {}, allOf: [{ $ref: '#' }] }],
];

const tree = object(
  { root: { $ref: '#/$defs/node' } },
  {
    node: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        children: { type: 'array', items: { $ref: '#/$defs/node' } },
        parent: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/node' }] },
      },
    },
  },
);

describe('findRefProblem', () => {
  it('names $refs that double at each of 30 levels, in bounded work', () => {
    expect(findRefProblem(doubling(30))).toContain(`expand past ${MAX_REF_EXPANSION} steps`);
  });

  it(`names a chain of 5,000 $refs, past ${MAX_SCHEMA_NESTING} in a row`, () => {
    expect(findRefProblem(chain(5000))).toContain(`more than ${MAX_SCHEMA_NESTING} $refs in a row`);
  });

  for (const [name, schema] of cycles) {
    it(`names ${name}: the $ref, its place and the fix`, () => {
      const problem = findRefProblem(schema);
      expect(problem).toMatch(/^\$ref "#(\/\$defs\/a)?" at /);
      expect(problem).toContain('without going into a property or an item');
    });
  }

  it('passes a schema of 200,000 objects without $refs: only copies count', () => {
    const properties: Record<string, unknown> = {};
    for (let index = 0; index < 200_000; index++) properties[`p${index}`] = { type: 'string' };
    expect(findRefProblem({ type: 'object', properties })).toBeUndefined();
  });

  it('passes recursion through a property or an item, a finite doubling and a chain of 40', () => {
    expect(findRefProblem(tree)).toBeUndefined();
    expect(findRefProblem(doubling(12))).toBeUndefined();
    expect(findRefProblem(chain(40))).toBeUndefined();
  });
});

describe('a JSON Schema tool whose $ref comes back to itself', () => {
  for (const [name, schema] of cycles) {
    it(`answers every call with what is wrong, never a stack overflow: ${name}`, async () => {
      const tool = defineTool({
        name: 'hostile',
        description: 'A tool from a hostile listing.',
        parameters: jsonSchema(schema),
        execute: () => ({}),
      });
      const result = await tool.parseArgs({ x: 'a' });
      expect(result.success).toBe(false);
      const issues = result.success ? [] : result.issues;
      expect(issues[0]?.message).toContain('comes back to itself');
    });
  }

  it('still checks the arguments of a tree that recurses through its properties', async () => {
    const tool = defineTool({
      name: 'tree',
      description: 'A tree.',
      parameters: jsonSchema(tree),
      execute: () => ({}),
    });
    const deep = { name: 'a', children: [{ name: 'b', children: [], parent: null }], parent: null };
    expect((await tool.parseArgs({ root: deep })).success).toBe(true);
    expect((await tool.parseArgs({ root: { name: 5 } })).success).toBe(false);
  });
});
