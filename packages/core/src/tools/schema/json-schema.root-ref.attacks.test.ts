import type { createFakeGemini } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from '../define/define-tool.ts';
import { callToolOnce } from './__fixtures__/call-tool-once.ts';
import { jsonSchema } from './json-schema.ts';
import { zodV3ToJsonSchema } from './zod-v3-to-json-schema.ts';

// Parameters whose JSON Schema is a `$ref` at the root, to an object in its own definitions: what
// zod 4 writes for an object registered with `.meta({ id })` (`{ $ref: "#/$defs/Params", $defs }`),
// and what zod-to-json-schema writes when given a name (`{ $ref: "#/definitions/Params",
// definitions }`). Both were refused as "must describe an object ..., got a schema with ." (the
// list of keys empty: only `$`-keys), though the schema is an object's once the `$ref` is read,
// as the declaration sent (its `$ref`s inlined) always is (attack44c).

const fakes: ReturnType<typeof createFakeGemini>[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const execute = (args: { city?: unknown }) => `weather in ${String(args.city)}`;
const CITY = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

const callOnce = (tool: ReturnType<typeof defineTool>, args: Record<string, unknown>) =>
  callToolOnce(fakes, tool, args);

describe('parameters that are a $ref at the root, to an object', () => {
  it('a zod 4 object registered with .meta({ id }): defined, declared inlined, validated', async () => {
    const tool = defineTool({
      name: 'weather',
      parameters: z.object({ city: z.string() }).meta({ id: 'WeatherParams' }),
      execute,
    });
    const good = await callOnce(tool, { city: 'Oslo' });
    expect(good.declaration?.parametersJsonSchema).toEqual(CITY);
    expect(good.answer).toEqual({ output: 'weather in Oslo' });
    const bad = await callOnce(tool, { city: 5 });
    expect(String((bad.answer as { error?: unknown }).error)).toContain('Invalid arguments');
  });

  it("zod-to-json-schema's named output through jsonSchema(): defined, declared inlined, validated", async () => {
    const named = zodV3ToJsonSchema(z3.object({ city: z3.string() }) as never);
    const withName = { $ref: '#/definitions/WeatherParams', definitions: { WeatherParams: named } };
    const tool = defineTool({ name: 'weather', parameters: jsonSchema(withName), execute });
    const good = await callOnce(tool, { city: 'Oslo' });
    expect(good.declaration?.parametersJsonSchema).toMatchObject(CITY);
    expect(JSON.stringify(good.declaration)).not.toContain('$ref');
    expect(good.answer).toEqual({ output: 'weather in Oslo' });
    const bad = await callOnce(tool, { city: 5 });
    expect(String((bad.answer as { error?: unknown }).error)).toContain('Invalid arguments');
  });

  it('a root $ref to a string is refused, naming what it points to', () => {
    expect(() => jsonSchema({ $ref: '#/$defs/Name', $defs: { Name: { type: 'string' } } })).toThrow(
      /must describe an object .*got type "string" \(at #\/\$defs\/Name\)/,
    );
  });

  it('a root $ref to nothing is refused, saying so', () => {
    let message = '';
    try {
      jsonSchema({ $ref: '#/$defs/Missing', $defs: {} });
    } catch (error) {
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      message = (error as Error).message;
    }
    expect(message).toContain('$ref "#/$defs/Missing"');
    expect(message).toContain('points to nothing');
  });
});
