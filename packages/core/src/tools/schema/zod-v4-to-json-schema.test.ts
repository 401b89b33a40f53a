import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { z as z325v4 } from 'zod-v3/v4';
import type { ZodV4Core } from './zod-v4-to-json-schema.ts';
import { isZodV4Schema, zodV4ToJsonSchema } from './zod-v4-to-json-schema.ts';

const require = createRequire(import.meta.url);

describe('zodV4ToJsonSchema', () => {
  it('describes the input side: defaults optional, transforms not applied', () => {
    const schema = z.object({
      n: z.number().default(1),
      s: z.string().transform((value) => value.length),
    });
    expect(zodV4ToJsonSchema(schema)).toMatchObject({
      type: 'object',
      properties: { n: { type: 'number', default: 1 }, s: { type: 'string' } },
      required: ['s'],
    });
  });

  it("keeps descriptions when zod 3.25's v4 schemas meet the CommonJS copy of its core", () => {
    // The app imports zod 3.25's ESM build; a createRequire load gets its CommonJS build, a
    // second copy with its own metadata registry.
    const commonJsCore = require('zod-v3/v4/core') as ZodV4Core;
    const schema = z325v4.object({ city: z325v4.string().describe('City name') });
    const direct = commonJsCore.toJSONSchema(schema, { io: 'input' }) as {
      properties: Record<string, Record<string, unknown>>;
    };
    // Without care the description is silently lost...
    expect(direct.properties['city']?.['description']).toBeUndefined();
    // ...with the schema's own .meta() it is kept.
    expect(zodV4ToJsonSchema(schema, { core: commonJsCore })).toMatchObject({
      properties: { city: { type: 'string', description: 'City name' } },
    });
  });

  it('keeps .meta() fields other than the description', () => {
    const schema = z.object({ q: z.string().meta({ description: 'Query', examples: ['cats'] }) });
    expect(zodV4ToJsonSchema(schema)).toMatchObject({
      properties: { q: { description: 'Query', examples: ['cats'] } },
    });
  });
});

describe('isZodV4Schema', () => {
  it('tells zod 4 schemas from zod 3 ones and plain objects', () => {
    expect(isZodV4Schema(z.object({}))).toBe(true);
    expect(isZodV4Schema(z325v4.object({}))).toBe(true);
    expect(isZodV4Schema(z3.object({}))).toBe(false);
    expect(isZodV4Schema({ type: 'object' })).toBe(false);
    expect(isZodV4Schema(null)).toBe(false);
  });
});
