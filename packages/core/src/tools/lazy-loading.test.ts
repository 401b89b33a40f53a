import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { defineTool } from './define/define-tool.ts';

// The CommonJS module cache is shared by every createRequire in the process: a package appears in
// it only once something require()d it.
const cache = createRequire(import.meta.url).cache;
const isLoaded = (fragment: string): boolean =>
  Object.keys(cache).some((path) => path.includes(fragment));

const zodToJsonSchema = '/zod-to-json-schema/';
const validator = '/@cfworker/json-schema/';
const zodCoreCommonJs = '/zod/v4/core/index.cjs';

describe('lazy loading', () => {
  it('loads converters and validators only for the tools that need them', () => {
    // This file runs in its own worker; nothing here has loaded them yet.
    expect(isLoaded(zodToJsonSchema)).toBe(false);
    expect(isLoaded(validator)).toBe(false);

    const v4 = defineTool({
      name: 'a',
      parameters: z.object({ city: z.string() }),
      execute: () => 1,
    });
    expect(v4.parseArgs({ city: 'Oslo' }).success).toBe(true);
    // zod 4.2+ converts itself through Standard JSON Schema: no second copy of zod core either.
    expect(isLoaded(zodToJsonSchema)).toBe(false);
    expect(isLoaded(validator)).toBe(false);
    expect(isLoaded(zodCoreCommonJs)).toBe(false);

    const json = defineTool({
      name: 'b',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      execute: () => 1,
    });
    // The validator is built on the first call, not at definition.
    expect(isLoaded(validator)).toBe(false);
    expect(json.parseArgs({ city: 3 }).success).toBe(false);
    expect(isLoaded(validator)).toBe(true);
    expect(isLoaded(zodToJsonSchema)).toBe(false);

    defineTool({ name: 'c', parameters: z3.object({ city: z3.string() }), execute: () => 1 });
    expect(isLoaded(zodToJsonSchema)).toBe(true);
  });
});
