import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { prepareOutput } from '../../agent/structured-output.ts';
import { defineTool } from '../define/define-tool.ts';
import { preloadToolSchemas } from '../define/preload-tool-schemas.ts';
import {
  DEFINITION_KEYWORDS,
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from '../schema/json-schema-keywords.ts';
import { COMMON, UNSAFE, ZOD3_FORMATS, zod4FormatPatterns } from './__fixtures__/pattern-corpus.ts';
import { findPatternProblem } from './judge-schema-patterns.ts';
import {
  isLinearAtSight,
  JUDGED_SAFE,
  prejudgeSchemaPatterns,
} from './prejudge-schema-patterns.ts';
import { UnsafePatternError } from './unsafe-pattern-error.ts';

const keywords = [
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
  DEFINITION_KEYWORDS,
] as const;

// The quick decision must never pass what the analysis refuses (sound), and must decide every
// format pattern zod 4 writes, so that a tool with z.email() or z.iso.datetime() never loads the
// analysis. The table is judged again here, so it cannot hold an unsafe pattern or go stale.

const corpus = [...zod4FormatPatterns(), ...ZOD3_FORMATS, ...COMMON];

describe('isLinearAtSight', () => {
  it('passes only patterns the analysis passes (the whole corpus, both ways)', () => {
    for (const [name, pattern] of [...corpus, ...UNSAFE.map(([n, p]) => [n, p] as const)]) {
      if (isLinearAtSight(pattern)) expect(findPatternProblem(pattern), name).toBeUndefined();
    }
    for (const [name, pattern] of UNSAFE) expect(isLinearAtSight(pattern), name).toBe(false);
  });

  it('reads *, + and {n,} as unbounded, and a quantifier character escaped or in a class as a character', () => {
    for (const pattern of ['a*', 'a+', 'a{2,}', 'a{,}', '(ab)*?', '^[a-z]+$', '\\\\+'])
      expect(isLinearAtSight(pattern), pattern).toBe(false);
    for (const pattern of ['^\\+\\d{6,14}$', '^[+*]{3}$', 'a{2,5}', '^\\d{4}-\\d{2}$', '^\\[+?\\]'])
      expect(isLinearAtSight(pattern), pattern).toBe(pattern !== '^\\[+?\\]');
  });

  it('leaves a repeated group to the analysis, bounded or not: a bound does not save one', () => {
    for (const pattern of ['^(\\d|\\w){1,64}$', '(?:ab){2}', '^(a|a){0,60}$'])
      expect(isLinearAtSight(pattern), pattern).toBe(false);
    for (const pattern of ['^(?:ab)?c$', '^(ab)\\{2\\}$', '^[(]{2}$'])
      expect(isLinearAtSight(pattern), pattern).toBe(true);
  });
  it('leaves bounded choices that multiply past the analysis limit to it, counting a search as n more', () => {
    // Anchored: the product of the choices alone.
    for (const pattern of [
      '^\\d{1,10}$',
      '^[a-z]{2,64}$',
      '^\\w{1,64}\\s?\\w{1,64}$',
      '^(?:ab)?c?d{0,100}$',
    ])
      expect(isLinearAtSight(pattern), pattern).toBe(true);
    for (const pattern of [
      '^\\d{0,10000}\\d{0,10000}$',
      '^\\d{0,300}\\d{0,300}\\d{0,300}$',
      `^${'a?'.repeat(24)}$`,
    ])
      expect(isLinearAtSight(pattern), pattern).toBe(false);
    // Unanchored (no ^ first, a |, or the m flag): each of a long string's starts tries them all.
    expect(isLinearAtSight('a{2,5}')).toBe(true);
    for (const pattern of ['[a-z]{1,64}!', '^a|[a-z]{1,64}!'])
      expect(isLinearAtSight(pattern), pattern).toBe(false);
    expect(isLinearAtSight('^[a-z]{1,64}!')).toBe(true);
    expect(isLinearAtSight('^[a-z]{1,64}!', 'm')).toBe(false);
  });
});

describe('JUDGED_SAFE', () => {
  it('holds only patterns the analysis passes', () => {
    expect(JUDGED_SAFE.size).toBeGreaterThan(0);
    for (const pattern of JUDGED_SAFE) expect(findPatternProblem(pattern), pattern).toBeUndefined();
  });

  it('decides every format pattern zod 4 writes, without the analysis', () => {
    const undecided = zod4FormatPatterns().filter(
      ([, pattern]) => !JUDGED_SAFE.has(pattern) && !isLinearAtSight(pattern),
    );
    // Another of zod's e-mail regexes (given as `pattern`) is left to the analysis.
    expect(undecided.map(([name]) => name)).toEqual(['zod 4 html5Email', 'zod 4 rfc5322Email']);
  });
});

describe('prejudgeSchemaPatterns', () => {
  const check = (schema: z.ZodType) =>
    prejudgeSchemaPatterns(z.toJSONSchema(schema), { toolName: 't', source: 'zod-v4', keywords });

  it('passes zod formats, and refuses what the analysis refuses', async () => {
    await expect(
      check(
        z.object({
          to: z.email(),
          id: z.uuid(),
          at: z.iso.datetime(),
          code: z.string().regex(/^\d{4}$/),
        }),
      ),
    ).resolves.toBeUndefined();
    await expect(check(z.object({ code: z.string().regex(/^(a+)+$/) }))).rejects.toBeInstanceOf(
      UnsafePatternError,
    );
    await expect(
      check(z.object({ to: z.email(), words: z.string().regex(/^(\w+\s?)*$/) })),
    ).rejects.toMatchObject({ path: 'properties.words.pattern' });
  });
});

describe("a zod regex's flags", () => {
  it('are judged with the pattern: case-insensitive (a|A)+ is refused, as zod runs it with i', async () => {
    const insensitive = defineTool({
      name: 'lookup',
      description: 'Looks a code up.',
      parameters: z.object({ code: z.string().regex(/^(a|A)+$/i) }),
      execute: () => ({}),
    });
    await expect(preloadToolSchemas([insensitive])).rejects.toMatchObject({
      name: 'UnsafePatternError',
      path: 'properties.code.pattern',
    });
    const sensitive = defineTool({
      name: 'lookup',
      description: 'Looks a code up.',
      parameters: z.object({ code: z.string().regex(/^(a|A)+$/) }),
      execute: () => ({}),
    });
    await expect(preloadToolSchemas([sensitive])).resolves.toBeUndefined();
  });

  it("are read from a zod 3 object's fields too (zod 3 keeps them behind a prototype getter)", async () => {
    const insensitive = defineTool({
      name: 'lookup',
      description: 'Looks a code up.',
      parameters: z3.object({ code: z3.string().regex(/^(a|A)+$/i) }),
      execute: () => ({}),
    });
    await expect(preloadToolSchemas([insensitive])).rejects.toMatchObject({
      name: 'UnsafePatternError',
      path: 'properties.code.pattern',
    });
    const lazy = z3.lazy(() => z3.object({ code: z3.string().regex(/^(a|A)+$/i) }));
    await expect(
      preloadToolSchemas([
        defineTool({
          name: 'lookup',
          description: 'Looks a code up.',
          parameters: z3.object({ inner: lazy }),
          execute: () => ({}),
        }),
      ]),
    ).rejects.toMatchObject({ name: 'UnsafePatternError' });
  });

  it('are judged for an output schema too', async () => {
    const prepared = prepareOutput(z.object({ code: z.string().regex(/^(a|A)+$/i) }));
    await expect(prepared.parse('{"code":"a"}')).rejects.toBeInstanceOf(UnsafePatternError);
  });
});
