import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defineTool } from '@gemloop/core';
import { createFakeGemini, googleError, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { runGuarded } from '../../../scripts/run-guarded.ts';
import { buildBundle } from './measure-bundle-size.ts';

const benchDir = fileURLToPath(new URL('../../', import.meta.url));

// Runs in a child Node process against the split browser build: each library an app loads on
// first need comes from its own chunk, through the import() the build made of it.
// A schema with what the OpenAPI subset spells otherwise: a tuple, a `const`, a nullable, a record.
const OPEN_API_PARAMETERS = {
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 1, examples: ['Oslo'] },
    at: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }] },
    unit: { const: 'km' },
    radius: { type: ['number', 'null'], exclusiveMinimum: 0 },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['city'],
};

/** What the fake recorded of a request's body, as far as the test reads it. */
type GroundedBody = {
  tools?: unknown[];
  contents?: { parts?: { text?: string }[] }[];
};

const USE_THE_LAZY_CHUNKS = `
const OPEN_API_PARAMETERS = ${JSON.stringify(OPEN_API_PARAMETERS)};
const [entry, baseUrl, fallbackUrl] = process.argv.slice(1);
const { createAgent, createGemini, defineTool, googleSearch, preloadToolSchemas } = await import(entry);
const z3 = await import('zod/v3');
const json = defineTool({
  name: 'find',
  description: 'Finds a city.',
  parameters: { type: 'object', properties: { city: { type: 'string', minLength: 1 } }, required: ['city'] },
  execute: () => 1,
});
const zodV3 = defineTool({
  name: 'look',
  description: 'Looks a city up.',
  parameters: z3.object({ city: z3.string() }),
  execute: () => 1,
});
const openApi = defineTool({
  name: 'near',
  description: 'Finds what is near a city.',
  parameters: OPEN_API_PARAMETERS,
  schemaFormat: 'openapi',
  execute: () => 1,
});
let early;
try { zodV3.declaration; } catch (error) { early = error.code; }
let openApiEarly;
try { openApi.declaration; } catch (error) { openApiEarly = error.library; }
await preloadToolSchemas([json, zodV3, openApi]);
const gemini = createGemini({ baseUrl, apiKey: 'probe-key', retry: false });
const failed = await createAgent({ gemini, model: 'gemini-2.5-flash' }).run('hi').catch((error) => error);
// Gemini 2.5 takes no built-in beside functions: google_search is a function whose grounded call
// comes from its own chunk, imported by the fallback's first call.
const searching = createAgent({
  gemini: createGemini({ baseUrl: fallbackUrl, apiKey: 'probe-key', retry: false }),
  model: 'gemini-2.5-flash',
  tools: [googleSearch(), json],
});
const searched = await searching.run('Weather in Oslo?');
// A network failure's message comes from the error chunk too: a fetch that throws a long text.
const offline = createGemini({ apiKey: 'probe-key', retry: false, fetch: async () => { throw new Error('x'.repeat(5000)); } });
const unreached = await createAgent({ gemini: offline, model: 'gemini-2.5-flash' }).run('hi').catch((error) => error);
process.stdout.write(JSON.stringify({
  early,
  issues: json.parseArgs({ city: '' }),
  declared: zodV3.declaration.parametersJsonSchema,
  openApiEarly,
  openApi: openApi.declaration,
  error: { code: failed.cause?.code, status: failed.cause?.status, message: failed.cause?.message },
  searched: searched.text,
  network: { code: unreached.cause?.code, retryable: unreached.cause?.isRetryable, message: unreached.cause?.message },
}));
`;

describe('the lazy chunks of the browser build', () => {
  it('load and work: the JSON Schema validator, the zod 3 converter, the OpenAPI converter, the API error description, a network failure message, a built-in fallback call', async () => {
    const chunks = await buildBundle({
      name: 'lazy chunks',
      source:
        "export { createAgent, createGemini, defineTool } from '@gemloop/core';\n" +
        "export { googleSearch, preloadToolSchemas } from '@gemloop/core/tools';",
    });
    // esbuild names the chunk of a stdin entry `stdin.js`.
    const entry = chunks.find((chunk) => basename(chunk.path) === 'stdin.js');
    if (entry === undefined) throw new Error('no entry chunk');
    // Under bench/, so that zod, left external as an app's own, resolves.
    const folder = await mkdtemp(join(benchDir, '.lazy-chunks-'));
    const fake = createFakeGemini({
      script: [turn.text('never sent')],
      faults: [
        { fault: { type: 'http-error', error: googleError(400, 'API key not valid.') }, on: 0 },
      ],
    });
    const searchFake = createFakeGemini({
      script: [
        turn.call('google_search', { query: 'weather in Oslo' }),
        turn.text('Sunny, 21 degrees.'),
        turn.text('It is sunny in Oslo.'),
      ],
    });
    try {
      for (const chunk of chunks) await writeFile(join(folder, basename(chunk.path)), chunk.bytes);
      const { url } = await fake.listen();
      const search = await searchFake.listen();
      const entryUrl = pathToFileURL(join(folder, basename(entry.path))).href;
      // Under the tests' hang guard: stopped with its test, and when the Vitest worker dies.
      const { stdout } = await runGuarded(
        process.execPath,
        ['--input-type=module', '-e', USE_THE_LAZY_CHUNKS, entryUrl, url, search.url],
        { cwd: folder, maxBuffer: 1 << 20 },
      );
      const report = JSON.parse(stdout);
      // Four lazy chunks at least: each library's, the OpenAPI converter's, the description's.
      expect(chunks.filter((chunk) => !chunk.loadedToRun).length).toBeGreaterThanOrEqual(4);
      // By code: the minifier renames classes, so `name` is not theirs in this build.
      expect(report.early).toBe('schema-library-not-loaded');
      expect(report.issues).toEqual({
        success: false,
        issues: [{ path: ['city'], message: 'String is too short (0 < 1).' }],
      });
      expect(report.declared).toMatchObject({
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
      });
      // The OpenAPI converter came with its tool, and made the declaration Node makes at once.
      expect(report.openApiEarly).toBe('openapi-converter');
      const onNode = defineTool({
        name: 'near',
        description: 'Finds what is near a city.',
        parameters: OPEN_API_PARAMETERS,
        schemaFormat: 'openapi',
        execute: () => 1,
      });
      expect(JSON.stringify(report.openApi)).toBe(JSON.stringify(onNode.declaration));
      expect(report.openApi.parameters).toMatchObject({ type: 'OBJECT', required: ['city'] });
      expect(report.error).toMatchObject({ code: 'api-call', status: 400 });
      expect(report.error.message).toMatch(/API key not valid/);
      // The description's own words, not the words of an error made without it.
      expect(report.error.message).toMatch(/retrying will not help/);
      expect(report.error.message).not.toMatch(/could not be loaded/);
      // A network failure's words (create-network-error.ts, in the description's chunk), its cause cut.
      expect(report.network).toMatchObject({ code: 'api-call', retryable: false });
      expect(report.network.message).toMatch(
        /^generateContent could not reach generativelanguage\.googleapis\.com: x{1000}… \[4000 characters omitted\]\. Not retried: check the baseUrl and the fetch option\.$/,
      );
      // The fallback's grounded call (call-builtin-fallback.ts, a lazy chunk) was made with only the
      // built-in, and its answer went back to the model as the function's output.
      expect(report.searched).toBe('It is sunny in Oslo.');
      const [, grounded, last] = searchFake.requests.map(({ body }) => body as GroundedBody);
      expect(grounded?.tools).toEqual([{ googleSearch: {} }]);
      expect(grounded?.contents?.[0]?.parts?.[0]?.text).toBe(
        'Search the web and answer with the key facts: weather in Oslo',
      );
      expect(JSON.stringify(last?.contents)).toContain('"answer":"Sunny, 21 degrees."');
    } finally {
      await fake.close();
      await searchFake.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
