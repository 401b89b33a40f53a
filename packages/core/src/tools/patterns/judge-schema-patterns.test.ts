import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DEFINITION_KEYWORDS,
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from '../schema/json-schema-keywords.ts';
import { COMMON, UNSAFE, ZOD3_FORMATS, zod4FormatPatterns } from './__fixtures__/pattern-corpus.ts';
import { assertSafeSchemaPatterns, findPatternProblem } from './judge-schema-patterns.ts';
import { UnsafePatternError } from './unsafe-pattern-error.ts';

const keywords = [
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
  DEFINITION_KEYWORDS,
] as const;

// The corpus (__fixtures__/pattern-corpus.ts): what the analysis must pass without one false
// positive, and the ReDoS classes it must refuse.

describe('findPatternProblem', () => {
  const safe = [...zod4FormatPatterns(), ...ZOD3_FORMATS, ...COMMON];

  it.each(safe)('passes %s', (_name, pattern) => {
    expect(findPatternProblem(pattern)).toBeUndefined();
  });

  it.each(UNSAFE)('refuses %s', (_name, pattern, complexity) => {
    const finding = findPatternProblem(pattern);
    expect(finding?.complexity).toBe(complexity);
    expect(finding?.part.length).toBeGreaterThan(0);
  });

  it('offers a rewrite that matches the same strings, and passes it, when scslre has one', () => {
    const email = String.raw`^[^\s@]+@[^\s@]+\.[^\s@]+$`;
    const finding = findPatternProblem(email);
    expect(finding?.part).toBe(String.raw`[^\s@]+ and [^\s@]+`);
    const fixed = finding?.fixedPattern as string;
    expect(fixed).toBe(String.raw`^[^\s@]+@[^\s@][^\s.@]*\.[^\s@]+$`);
    expect(findPatternProblem(fixed)).toBeUndefined();
    for (const text of ['a@b.c', 'a@b.c.d', 'a@.b', 'a@b.', 'a@b', 'a b@c.d'])
      expect(new RegExp(fixed, 'u').test(text)).toBe(new RegExp(email, 'u').test(text));
    expect(findPatternProblem(String.raw`^\d+\d+$`)?.fixedPattern).toBe(String.raw`^\d{2,}$`);
    // No rewrite for a nested quantifier: the error says what to do in words.
    expect(findPatternProblem('^(a+)+$')?.fixedPattern).toBeUndefined();
  });
});

describe('assertSafeSchemaPatterns', () => {
  const check = (schema: unknown, source: 'zod-v4' | 'other' = 'other') => {
    try {
      assertSafeSchemaPatterns(schema, { toolName: 'lookup', source, keywords });
      return undefined;
    } catch (error) {
      return error as UnsafePatternError;
    }
  };

  it('finds a pattern in every sub-schema and names its JSON path', () => {
    const evil = '^(a+)+$';
    const places: [unknown, string][] = [
      [{ properties: { code: { pattern: evil } } }, 'properties.code.pattern'],
      [{ properties: { list: { items: { pattern: evil } } } }, 'properties.list.items.pattern'],
      [{ anyOf: [{ type: 'number' }, { pattern: evil }] }, 'anyOf.1.pattern'],
      [{ $defs: { code: { pattern: evil } } }, '$defs.code.pattern'],
      [{ patternProperties: { [evil]: { type: 'string' } } }, `patternProperties.${evil}`],
      [{ properties: { p: { not: { pattern: evil } } } }, 'properties.p.not.pattern'],
    ];
    for (const [schema, path] of places) {
      const error = check(schema);
      expect(UnsafePatternError.isInstance(error)).toBe(true);
      expect(error?.path).toBe(path);
      expect(error?.toolName).toBe('lookup');
      expect(error?.message).toContain('"lookup"');
      expect(error?.message).toContain(path);
    }
  });

  it('passes a property named pattern, and a schema without patterns', () => {
    expect(check({ properties: { pattern: { type: 'string' } } })).toBeUndefined();
    expect(check({ type: 'object', properties: { a: { type: 'string' } } })).toBeUndefined();
  });

  it("skips zod 4's startsWith/endsWith/includes patterns, which zod checks with String methods", () => {
    const schema = z.toJSONSchema(z.object({ name: z.string().endsWith('x') }));
    expect(JSON.stringify(schema)).toContain('.*x$');
    expect(check(schema, 'zod-v4')).toBeUndefined();
    // The same pattern in a plain JSON Schema is run by the validator (an unanchored search).
    expect(check({ properties: { name: { pattern: '.*x$' } } })?.complexity).toBe('polynomial');
  });

  it('bounds the pattern it quotes', () => {
    const long = `^(a+)+${'b'.repeat(10_000)}$`;
    const error = check({ properties: { p: { pattern: long } } });
    expect(error?.pattern.length).toBeLessThanOrEqual(203);
    expect(error?.message.length).toBeLessThan(1_500);
  });
});

describe("UnsafePatternError's message, true to each kind of finding", () => {
  const refusalOf = (pattern: string): UnsafePatternError => {
    try {
      assertSafeSchemaPatterns(
        { properties: { code: { pattern } } },
        { toolName: 'lookup', source: 'other', keywords },
      );
    } catch (error) {
      return error as UnsafePatternError;
    }
    throw new Error(`${pattern} passed`);
  };

  it('a bounded finding says the ways its choices multiply to, not a growth with the length', () => {
    // 4,001 choices twice: 16,008,001 ways, past the 10,000,000 the analysis allows.
    const error = refusalOf('^\\d{0,4000}\\d{0,4000}$');
    expect(error.complexity).toBe('polynomial');
    expect(error.ways).toBe(4_001 * 4_001);
    expect(error.message).toContain('through about 16,000,000 ways');
    expect(error.message).toContain('\\d{0,4000} and \\d{0,4000}');
    expect(error.message).not.toMatch(/minutes|hours|exponentially|polynomially/);
    // Beside an unbounded run, that one counts as the longest string a model sends.
    const beside = refusalOf('^\\d{0,100}\\d*$');
    expect(beside.ways).toBe(101 * 262_144);
    expect(beside.message).toContain('through about 26,000,000 ways');
  });

  it('an unbounded finding keeps its growth with the length, and says nothing of ways', () => {
    const polynomial = refusalOf('^\\d+\\d+$');
    expect(polynomial.ways).toBeUndefined();
    expect(polynomial.message).toContain('polynomially (100,000 characters take minutes)');
    const exponential = refusalOf('^(a+)+$');
    expect(exponential.ways).toBeUndefined();
    expect(exponential.message).toContain('exponentially');
    expect(exponential.message).not.toContain('ways (');
  });
});
