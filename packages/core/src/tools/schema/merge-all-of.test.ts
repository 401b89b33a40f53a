import { describe, expect, it } from 'vitest';
import { mergeAllOf } from './merge-all-of.ts';
import type { SchemaPath } from './schema-warning.ts';

// `allOf` (zod's `.and()`, intersections, MCP servers' schemas) merged into one node, since
// Gemini's schema subset has no `allOf`. A wrong merge changes what the model is told it may send.

function merge(node: Record<string, unknown>) {
  const warnings: { path: SchemaPath; keyword: string; message: string }[] = [];
  const merged = mergeAllOf(node, ['root'], (path, keyword, message) =>
    warnings.push({ path, keyword, message }),
  );
  return { merged, warnings };
}

describe('mergeAllOf', () => {
  it('unites the properties and required lists of an intersection of two objects', () => {
    const { merged, warnings } = merge({
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { type: 'object', properties: { b: { type: 'number' } }, required: ['b', 'a'] },
      ],
    });
    expect(merged).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' } },
      required: ['a', 'b'],
    });
    expect(warnings).toEqual([]);
  });

  it('makes a property two members define an allOf of both, for the caller to merge in turn', () => {
    const { merged } = merge({
      allOf: [
        { properties: { a: { type: 'string', minLength: 1 } } },
        { properties: { a: { type: 'string', maxLength: 5 } } },
      ],
    });
    expect(merged['properties']).toEqual({
      a: {
        allOf: [
          { type: 'string', minLength: 1 },
          { type: 'string', maxLength: 5 },
        ],
      },
    });
  });

  it("keeps the node's own keywords beside its members', and its own description over theirs", () => {
    const { merged, warnings } = merge({
      description: 'outer',
      title: 'T',
      allOf: [{ description: 'inner', type: 'object' }],
    });
    expect(merged).toEqual({ description: 'outer', title: 'T', type: 'object' });
    expect(warnings).toEqual([]);
  });

  it('intersects types: number and integer give integer, either order', () => {
    expect(merge({ allOf: [{ type: 'number' }, { type: 'integer' }] }).merged['type']).toBe(
      'integer',
    );
    expect(merge({ allOf: [{ type: 'integer' }, { type: 'number' }] }).merged['type']).toBe(
      'integer',
    );
    expect(
      merge({ allOf: [{ type: ['string', 'null', 'number'] }, { type: ['null', 'string'] }] })
        .merged['type'],
    ).toEqual(['string', 'null']);
    expect(merge({ allOf: [{ type: ['string', 'null'] }, { type: 'null' }] }).merged['type']).toBe(
      'null',
    );
  });

  it('keeps the first type and warns, at the member, when the types share nothing', () => {
    const { merged, warnings } = merge({ allOf: [{ type: 'string' }, { type: 'boolean' }] });
    expect(merged['type']).toBe('string');
    expect(warnings).toEqual([
      {
        path: ['root', 'allOf', 1],
        keyword: 'type',
        message: 'allOf members disagree on the type; "string" is kept',
      },
    ]);
  });

  it('keeps the first value of any other keyword two members disagree on, and warns once', () => {
    const { merged, warnings } = merge({
      allOf: [
        { minimum: 1, enum: ['a', 'b'] },
        { minimum: 5, enum: ['a', 'b'] },
      ],
    });
    expect(merged).toEqual({ minimum: 1, enum: ['a', 'b'] });
    expect(warnings.map((warning) => warning.keyword)).toEqual(['minimum']);
    expect(warnings[0]?.message).toBe(
      'allOf members disagree on "minimum"; the first value is kept',
    );
  });

  it('skips `true` members silently, and warns about members that accept nothing', () => {
    const { merged, warnings } = merge({
      allOf: [true, { type: 'string' }, false, null, [{ type: 'number' }], 'x'],
    });
    expect(merged).toEqual({ type: 'string' });
    expect(warnings.map((warning) => warning.path)).toEqual([
      ['root', 'allOf', 2],
      ['root', 'allOf', 3],
      ['root', 'allOf', 4],
      ['root', 'allOf', 5],
    ]);
    expect(warnings.every((warning) => warning.keyword === 'allOf')).toBe(true);
  });

  it('flattens nested allOf members, with warnings at their own path', () => {
    const { merged, warnings } = merge({
      allOf: [
        {
          allOf: [
            { properties: { a: { type: 'string' } } },
            { properties: { b: { type: 'string' } }, minimum: 1 },
            { minimum: 2 },
          ],
        },
        { properties: { c: { type: 'string' } } },
      ],
    });
    expect(Object.keys(merged['properties'] as object)).toEqual(['a', 'b', 'c']);
    expect(merged['allOf']).toBeUndefined();
    expect(warnings.map((warning) => warning.path)).toEqual([['root', 'allOf', 0, 'allOf', 2]]);
  });

  it('never changes the schema it was given', () => {
    const first = { properties: { a: { type: 'string' } }, required: ['a'] };
    const second = {
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      required: ['b'],
    };
    const node = { allOf: [first, second] };
    const before = structuredClone(node);
    merge(node);
    expect(node).toEqual(before);
  });

  it('keeps a property named __proto__ as a property, from either member', () => {
    const node = JSON.parse(
      '{"allOf":[{"properties":{"a":{"type":"string"}}},{"properties":{"__proto__":{"type":"number"}},"required":["__proto__"]}]}',
    );
    const { merged } = merge(node);
    const properties = merged['properties'] as Record<string, unknown>;
    expect(Object.keys(properties)).toEqual(['a', '__proto__']);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(merged['required']).toEqual(['__proto__']);
  });

  it('keeps a __proto__ keyword of a member as data: it never becomes the prototype', () => {
    const node = JSON.parse('{"allOf":[{"__proto__":{"type":"string","minimum":3}}]}');
    const { merged } = merge(node);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    // A type the member never declared must not appear through the prototype.
    expect(merged['type']).toBeUndefined();
    expect(({} as Record<string, unknown>)['minimum']).toBeUndefined();
  });
});
