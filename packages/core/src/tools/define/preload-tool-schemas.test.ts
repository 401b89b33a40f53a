import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { createAgent } from '../../agent/create-agent.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { SchemaLibraryNotLoadedError } from '../../errors/schema-library-not-loaded-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { allowUnsafePatterns } from '../patterns/allow-unsafe-patterns.ts';
import { toOpenApiSchema } from '../schema/to-open-api-schema.ts';
import { defineTool } from './define-tool.ts';
import { preloadToolSchemas } from './preload-tool-schemas.ts';

// The browser halves of #platform in place of the Node ones, as a browser bundle has them: the
// JSON Schema validator, the zod 3 converter and the OpenAPI converter load with import(). Each import is recorded and
// held until the test lets it through, so what waits for it shows. (Its own module graph:
// vitest.config.ts, CORE_ISOLATED.)
const imports = vi.hoisted(() => {
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const held = (name: string, load: () => Promise<unknown> | undefined): Promise<unknown> => {
    started.push(name);
    return new Promise<void>((resolve) => gates.set(name, resolve)).then(() => load());
  };
  return { started, gates, held };
});
vi.mock('#platform/load-schema-libraries', async () => {
  const web = await import('../../platform/web/load-schema-libraries.ts');
  return {
    ...web,
    importCfworker: () => imports.held('cfworker', web.importCfworker),
    importZodToJsonSchema: () => imports.held('zod-to-json-schema', web.importZodToJsonSchema),
    importOpenApiConverter: () => imports.held('openapi', web.importOpenApiConverter),
  };
});

const release = (name: string): void => {
  const open = imports.gates.get(name);
  if (open === undefined) throw new Error(`${name} was never imported`);
  open();
};

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const execute = (args: Record<string, unknown>) => ({ city: args['city'], temperatureC: 7 });

// In order: the libraries, once imported, stay loaded for the rest of the file (as in an app).
describe('schema libraries off Node (the browser build)', () => {
  it('an agent whose tools are all zod 4 imports neither', async () => {
    const { gemini } = await serve([turn.call('get_weather', { city: 'Oslo' }), turn.text('7')]);
    const tool = defineTool({
      name: 'get_weather',
      description: 'Weather.',
      parameters: z.object({ city: z.string() }),
      execute,
    });
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] }).run(
      'Oslo?',
    );
    expect(result.text).toBe('7');
    expect(imports.started).toEqual([]);
  });

  it('a JSON Schema tool imports the validator, and its first run waits for it', async () => {
    const { fake, gemini } = await serve([
      turn.call('get_weather', { city: '' }),
      turn.text('try again'),
    ]);
    const tool = defineTool({
      name: 'get_weather',
      description: 'Weather.',
      // `minLength` takes it past the check in code for flat schemas: the validator decides.
      parameters: {
        type: 'object',
        properties: { city: { type: 'string', minLength: 1 } },
        required: ['city'],
      },
      execute,
    });
    expect(imports.started).toEqual(['cfworker']);
    // Read synchronously before the import arrived: a typed error that says what to await.
    const early = (() => {
      try {
        return tool.parseArgs({ city: '' });
      } catch (error) {
        return error;
      }
    })();
    expect(SchemaLibraryNotLoadedError.isInstance(early)).toBe(true);
    expect(early).toMatchObject({ library: '@cfworker/json-schema', toolName: 'get_weather' });
    expect((early as Error).message).toContain('preloadToolSchemas');

    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] });
    const running = agent.run('Weather?');
    // The run waits for the validator before its first model call.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests).toHaveLength(0);
    release('cfworker');
    const result = await running;
    // The validator checked the model's arguments: the model was told what was wrong.
    const [call] = result.steps[0]?.toolCalls ?? [];
    expect(call?.error).toBeDefined();
    expect(JSON.stringify(fake.requests[1])).toContain('String is too short');
    expect(tool.parseArgs({ city: 'Oslo' })).toEqual({ success: true, value: { city: 'Oslo' } });
    expect(tool.parseArgs({ city: '' }).success).toBe(false);
    await preloadToolSchemas([tool]);
    expect(imports.started).toEqual(['cfworker']);
  });

  it('a zod 3 tool waits for its converter; preloadToolSchemas makes it whole', async () => {
    const tool = defineTool({
      name: 'get_weather',
      description: 'Weather.',
      parameters: z3.object({ city: z3.string() }),
      execute,
    });
    const dated = defineTool({
      name: 'get_day',
      parameters: z3.object({ day: z3.date() }),
      execute: () => 1,
    });
    // Defined before the converter too: what the pattern check reads of the zod 3 schema itself
    // (a regex's flags, a mark) must not be lost while the JSON Schema waits for the converter.
    const lookup = (parameters: z3.ZodTypeAny) =>
      defineTool({ name: 'lookup', description: 'Looks up.', parameters, execute: () => ({}) });
    const insensitive = lookup(z3.object({ code: z3.string().regex(/^(a|A)+$/i) }));
    const marked = lookup(allowUnsafePatterns(z3.object({ code: z3.string().regex(/^(a+)+$/) })));
    const fieldMarked = lookup(
      z3.object({ code: allowUnsafePatterns(z3.string().regex(/^(a+)+$/)), day: z3.string() }),
    );
    expect(imports.started).toEqual(['cfworker', 'zod-to-json-schema']);
    // zod 3 and the OpenAPI subset, defined before either converter: its pattern check reads the
    // JSON Schema, which needs zod 3's converter only, so it must not wait for (or fail on) the
    // OpenAPI one, which this test never lets through.
    const both = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      parameters: z3.object({ code: z3.string().regex(/^(a|b)+$/) }),
      schemaFormat: 'openapi',
      execute: () => ({}),
    });
    const bothCheck = (both as unknown as { patternCheck: Promise<void> }).patternCheck;
    expect(imports.started).toEqual(['cfworker', 'zod-to-json-schema', 'openapi']);
    expect(tool.parametersSource).toBe('zod-v3');
    // Its arguments parse with zod 3 itself: no converter needed.
    expect(tool.parseArgs({ city: 'Oslo' })).toEqual({ success: true, value: { city: 'Oslo' } });
    // Its declaration needs the converter: a typed error until it is there, in createAgent too.
    const notLoaded = { name: 'SchemaLibraryNotLoadedError', library: 'zod-to-json-schema' };
    expect(() => tool.declaration).toThrow(expect.objectContaining(notLoaded));
    const { gemini } = await serve([turn.call('get_weather', { city: 'Oslo' }), turn.text('7')]);
    expect(() => createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] })).toThrow(
      expect.objectContaining({ ...notLoaded, toolName: 'get_weather' }),
    );
    expect(() =>
      createAgent({ gemini, model: 'gemini-2.5-flash', output: z3.object({ a: z3.string() }) }),
    ).toThrow(expect.objectContaining({ ...notLoaded, toolName: undefined }));

    const preloading = preloadToolSchemas([tool]);
    release('zod-to-json-schema');
    await preloading;
    expect(tool.declaration.parametersJsonSchema).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    });
    expect(Object.keys(tool)).toContain('declaration');
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] }).run(
      'Oslo?',
    );
    expect(result.steps[0]?.toolCalls[0]?.output).toEqual({ city: 'Oslo', temperatureC: 7 });
    // A schema the converter refuses fails where it is awaited, as defineTool fails on Node.
    const refused = await preloadToolSchemas([dated]).catch((error: unknown) => error);
    expect(InvalidArgumentError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toMatch(
      /ZodDate at properties\/day cannot be represented in JSON/,
    );
    // Exponential under its `i` flag (zod runs it so): refused where it is awaited, and a run is
    // refused before its first request.
    await expect(preloadToolSchemas([insensitive])).rejects.toMatchObject({
      name: 'UnsafePatternError',
      path: 'properties.code.pattern',
    });
    const { fake: unsent, gemini: unsentGemini } = await serve([turn.text('no')]);
    const refusedRun = createAgent({
      gemini: unsentGemini,
      model: 'gemini-2.5-flash',
      tools: [insensitive],
    });
    await expect(refusedRun.run('Look it up.')).rejects.toMatchObject({
      name: 'UnsafePatternError',
    });
    expect(unsent.modelRequests).toHaveLength(0);
    // Marked, as a whole or on the field: passed, and the pattern runs.
    await expect(preloadToolSchemas([marked, fieldMarked])).resolves.toBeUndefined();
    expect(marked.parseArgs({ code: 'aaa' }).success).toBe(true);
    expect(fieldMarked.parseArgs({ code: 'aab', day: 'x' }).success).toBe(false);
    await expect(bothCheck).resolves.toBeUndefined();
    expect(both.inputSchema).toMatchObject({ properties: { code: { pattern: '^(a|b)+$' } } });
    expect(() => both.declaration).toThrow(
      expect.objectContaining({ library: 'openapi-converter', toolName: 'lookup' }),
    );
    expect(imports.started).toEqual(['cfworker', 'zod-to-json-schema', 'openapi']);
  });

  it("a tool with schemaFormat 'openapi' waits for its converter; the declaration is Node's", async () => {
    const schema = z.object({
      city: z.string().describe('The city.'),
      unit: z.enum(['c', 'f']).default('c'),
      days: z.array(z.number().int().min(1)).max(7),
    });
    const tool = defineTool({
      name: 'get_weather',
      description: 'Weather.',
      parameters: schema,
      schemaFormat: 'openapi',
      execute,
    });
    // A zod 3 schema with a pattern: its check reads the JSON Schema, which waits for no OpenAPI
    // converter (zod 3's came with the test before).
    const zodV3 = defineTool({
      name: 'get_day',
      description: 'Day.',
      parameters: z3.object({ day: z3.string().regex(/^(a|b)+$/) }),
      schemaFormat: 'openapi',
      execute: () => 1,
    });
    // What the subset cannot say: with strictSchema, refused where the declaration is made.
    const strict = defineTool({
      name: 'get_map',
      description: 'Map.',
      parameters: { type: 'object', properties: { n: { type: 'number', multipleOf: 2 } } },
      schemaFormat: 'openapi',
      strictSchema: true,
      execute: () => 1,
    });
    expect(imports.started).toEqual(['cfworker', 'zod-to-json-schema', 'openapi']);
    // Its JSON Schema, arguments and source need no converter.
    expect(tool.parametersSource).toBe('zod-v4');
    expect(tool.inputSchema).toMatchObject({ type: 'object', required: ['city', 'days'] });
    expect(tool.parseArgs({ city: 'Oslo', days: [1] })).toEqual({
      success: true,
      value: { city: 'Oslo', unit: 'c', days: [1] },
    });
    const notLoaded = { name: 'SchemaLibraryNotLoadedError', library: 'openapi-converter' };
    expect(() => tool.declaration).toThrow(expect.objectContaining(notLoaded));
    expect(() => tool.schemaWarnings).toThrow(expect.objectContaining(notLoaded));
    const { fake, gemini } = await serve([
      turn.call('get_weather', { city: 'Oslo', days: [1] }),
      turn.text('7'),
    ]);
    expect(() => createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] })).toThrow(
      expect.objectContaining({ ...notLoaded, toolName: 'get_weather' }),
    );
    const early = (() => {
      try {
        return tool.declaration;
      } catch (error) {
        return error;
      }
    })();
    expect((early as Error).message).toContain("OpenAPI converter (schemaFormat 'openapi')");

    const preloading = preloadToolSchemas([tool]);
    release('openapi');
    await preloading;
    // The same declaration as the Node build makes when the tool is defined.
    const expected = toOpenApiSchema(tool.inputSchema as Record<string, unknown>, {
      toolName: 'get_weather',
    }).schema;
    expect(tool.declaration).toEqual({
      name: 'get_weather',
      description: 'Weather.',
      parameters: expected,
    });
    expect(tool.declaration.parameters).toMatchObject({
      type: 'OBJECT',
      required: ['city', 'days'],
    });
    expect(tool.schemaWarnings).toEqual([]);
    expect(Object.keys(tool)).toContain('declaration');
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] }).run(
      'Oslo?',
    );
    expect(result.steps[0]?.toolCalls[0]?.output).toEqual({ city: 'Oslo', temperatureC: 7 });
    const sent = fake.modelRequests[0]?.body as {
      tools: { functionDeclarations: Record<string, unknown>[] }[];
    };
    expect(sent.tools[0]?.functionDeclarations).toEqual([tool.declaration]);

    // The zod 3 tool's pattern check passed, and its declaration is in the subset.
    await expect(preloadToolSchemas([zodV3])).resolves.toBeUndefined();
    expect(zodV3.parseArgs({ day: 'ab' })).toEqual({ success: true, value: { day: 'ab' } });
    expect(zodV3.declaration.parameters).toMatchObject({
      type: 'OBJECT',
      properties: { day: { type: 'STRING', pattern: '^(a|b)+$' } },
    });
    await expect(preloadToolSchemas([strict])).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      message: expect.stringMatching(/multipleOf/),
    });
    expect(imports.started).toEqual(['cfworker', 'zod-to-json-schema', 'openapi']);
  });

  it('once the OpenAPI converter is loaded, an openapi tool is made whole when defined', () => {
    // Loaded by the test before: a fresh tool finds the converter there, as on Node.
    const tool = defineTool({
      name: 'get_weather',
      description: 'Weather.',
      parameters: z.object({ city: z.string() }),
      schemaFormat: 'openapi',
      execute,
    });
    expect(tool.declaration.parameters).toMatchObject({ type: 'OBJECT' });
    expect(Object.getOwnPropertyDescriptor(tool, 'declaration')?.get).toBeUndefined();
  });
});
