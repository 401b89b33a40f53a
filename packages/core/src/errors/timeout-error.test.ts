import { describe, expect, it } from 'vitest';
import { MissingApiKeyError } from './missing-api-key-error.ts';
import { SchemaLibraryNotLoadedError } from './schema-library-not-loaded-error.ts';
import { TimeoutError } from './timeout-error.ts';

describe('TimeoutError', () => {
  it('says what timed out, after how long, and which option to raise', () => {
    const error = new TimeoutError({ timeoutMs: 30_000, operation: 'generateContent' });
    expect(error.message).toBe(
      'generateContent timed out after 30000 ms. Raise timeoutMs if the model needs longer.',
    );
    expect(error).toMatchObject({
      code: 'timeout',
      timeoutMs: 30_000,
      operation: 'generateContent',
    });
    expect(new TimeoutError({ timeoutMs: 1, operation: 'x', message: 'own words' }).message).toBe(
      'own words',
    );
  });
});

describe('MissingApiKeyError', () => {
  it('names every variable it looked in and where to get a key, with no key in it', () => {
    const error = new MissingApiKeyError({
      environmentVariables: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    });
    expect(error.message).toContain('set GEMINI_API_KEY or GOOGLE_API_KEY');
    expect(error.message).toContain('https://aistudio.google.com/apikey');
    expect(error.environmentVariables).toEqual(['GEMINI_API_KEY', 'GOOGLE_API_KEY']);
    expect(MissingApiKeyError.isInstance(error)).toBe(true);
  });
});

describe('SchemaLibraryNotLoadedError', () => {
  it('names the tool and offers zod 4 for the zod 3 converter only', () => {
    const converter = new SchemaLibraryNotLoadedError({
      library: 'zod-to-json-schema',
      toolName: 'search',
    });
    expect(converter.message).toMatch(/^The schema of tool "search" needs its zod 3 converter/);
    expect(converter.message).toContain('preloadToolSchemas([the tool])');
    expect(converter.message).toContain('or use zod 4');
    const validator = new SchemaLibraryNotLoadedError({ library: '@cfworker/json-schema' });
    expect(validator.message).toMatch(/^This zod 3 output schema needs its JSON Schema validator/);
    expect(validator.message).toContain('preloadToolSchemas([the schema])');
    expect(validator.message).not.toContain('zod 4');
    expect(validator.toolName).toBeUndefined();
  });

  it('does not say the pattern check loads only outside Node: it loads with import() everywhere', () => {
    const patterns = new SchemaLibraryNotLoadedError({
      library: 'pattern-analysis',
      toolName: 'find',
    });
    expect(patterns.message).toMatch(
      /^The schema of tool "find" needs the check of its patterns, which loads with import\(\)/,
    );
    expect(patterns.message).not.toContain('outside Node');
    expect(patterns.message).toContain('preloadToolSchemas([the tool])');
  });

  it("names the OpenAPI converter of schemaFormat 'openapi', and offers no zod 4 for it", () => {
    const openApi = new SchemaLibraryNotLoadedError({
      library: 'openapi-converter',
      toolName: 'near',
    });
    expect(openApi.message).toMatch(
      /^The schema of tool "near" needs its OpenAPI converter \(schemaFormat 'openapi'\), which loads with import\(\)/,
    );
    expect(openApi.message).toContain('preloadToolSchemas([the tool])');
    expect(openApi.message).not.toContain('zod 4');
    expect(openApi).toMatchObject({
      code: 'schema-library-not-loaded',
      library: 'openapi-converter',
    });
  });
});
