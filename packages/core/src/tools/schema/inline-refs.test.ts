import { describe, expect, it } from 'vitest';
import { formatPath, inlineRefs } from './inline-refs.ts';

describe('inlineRefs', () => {
  it('inlines $defs, definitions, root and escaped pointers', () => {
    const { schema, recursiveRefs } = inlineRefs({
      type: 'object',
      definitions: { 'a/b': { type: 'string' }, 'c~d': { type: 'number' } },
      $defs: { E: { type: 'boolean' } },
      properties: {
        slash: { $ref: '#/definitions/a~1b' },
        tilde: { $ref: '#/definitions/c~0d' },
        encoded: { $ref: '#/definitions/a~1b%20'.replace('%20', '') },
        defs: { anyOf: [{ $ref: '#/$defs/E' }, { type: 'null' }] },
      },
    });
    expect(schema).toEqual({
      type: 'object',
      properties: {
        slash: { type: 'string' },
        tilde: { type: 'number' },
        encoded: { type: 'string' },
        defs: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
      },
    });
    expect(recursiveRefs).toEqual([]);
  });

  it('expands a definition used twice in one branch, which is not recursion', () => {
    const { schema, recursiveRefs } = inlineRefs({
      $defs: {
        P: { type: 'object', properties: { x: { $ref: '#/$defs/N' }, y: { $ref: '#/$defs/N' } } },
        N: { type: 'number' },
      },
      type: 'object',
      properties: { a: { $ref: '#/$defs/P' }, b: { $ref: '#/$defs/P' } },
    });
    const point = { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } };
    expect(schema).toEqual({ type: 'object', properties: { a: point, b: point } });
    expect(recursiveRefs).toEqual([]);
  });

  it('lists recursive refs with their paths, including a ref to the root', () => {
    const { schema, recursiveRefs } = inlineRefs({
      type: 'object',
      properties: { name: { type: 'string' }, parent: { $ref: '#' } },
    });
    expect(recursiveRefs).toEqual([
      { path: ['properties', 'parent', 'properties', 'parent'], ref: '#' },
    ]);
    expect(schema).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string' },
        parent: { type: 'object', properties: { name: { type: 'string' }, parent: { $ref: '#' } } },
      },
    });
  });

  it('keeps a recursive definition whose name has "/", "~" or "%" (zod writes the id as it is)', () => {
    // zod's `.meta({ id: 'x/y' })` on a recursive type: the pointer escapes "/" as "~1". The
    // definition was looked up as "x~1y", not kept, and the declaration's $ref pointed to nothing.
    const node = (ref: string) => ({
      type: 'object',
      properties: { next: { $ref: ref } },
    });
    for (const [name, ref] of [
      ['x/y', '#/$defs/x~1y'],
      ['a~b', '#/$defs/a~0b'],
      ['50%', '#/$defs/50%'],
      ['%41', '#/$defs/%41'],
    ] as const) {
      const { schema, recursiveRefs } = inlineRefs({
        type: 'object',
        properties: { r: { $ref: ref } },
        $defs: { [name]: node(ref) },
      });
      expect(recursiveRefs[0]).toEqual({ path: ['properties', 'r', 'properties', 'next'], ref });
      expect(schema['$defs']).toEqual({
        [name]: { type: 'object', properties: { next: { $ref: ref } } },
      });
    }
  });

  it('throws for refs it cannot follow', () => {
    expect(() => inlineRefs({ properties: { a: { $ref: '#/$defs/Nope' } } })).toThrow(
      '$ref "#/$defs/Nope" at properties.a points to nothing',
    );
    expect(() => inlineRefs({ properties: { a: { $ref: 'https://example.com/s.json' } } })).toThrow(
      'is not a local reference',
    );
  });
});

describe('formatPath', () => {
  it('writes paths the way people read them', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['properties', 'items', 'items', 0, 'qty'])).toBe(
      'properties.items.items[0].qty',
    );
    expect(formatPath([0, 'a'])).toBe('[0].a');
  });
});
