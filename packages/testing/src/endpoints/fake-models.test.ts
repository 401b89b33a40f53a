import { describe, expect, it } from 'vitest';
import { DEFAULT_LISTED_MODELS, describeModel, isKnownModel } from './fake-models.ts';

// Which model names the fake serves, and the Model resources models.get and models.list answer
// with (the API's `Model` fields: name, version, token limits, supportedGenerationMethods).

describe('isKnownModel', () => {
  it("serves by default only the models of gemloop's table, so a test passes only with a real name", () => {
    expect(isKnownModel('gemini-2.5-flash', undefined)).toBe(true);
    expect(isKnownModel('gemini-3-flash-preview', undefined)).toBe(true);
    expect(isKnownModel('gemini-3.6-flahs', undefined)).toBe(false);
    expect(isKnownModel('gemini-2.5-flash-preview-09-2025', undefined)).toBe(
      DEFAULT_LISTED_MODELS.includes('gemini-2.5-flash-preview-09-2025'),
    );
  });

  it.each([
    ['gemini-3-flash-preview', true],
    ['gemini-2.5-flash-lite', true],
    ['gemini-3.1-pro-preview-customtools', true],
    ['gemini-flash-latest', true],
    ['gemini-2.5-flash-preview-09-2025', true],
    ['gemma-3-27b-it', true],
    ['gemini-3.6-flahs', false],
    ['gemini-ultra', false],
    ['gpt-4o', false],
    ['gemini-2.5-flash/../../secrets', false],
    ['GEMINI-2.5-FLASH', false],
    ['', false],
  ])("with 'pattern', takes %j: %s", (model, known) => {
    expect(isKnownModel(model, 'pattern')).toBe(known);
  });

  it('takes a list or a function as given, and nothing else', () => {
    expect(isKnownModel('my-model', ['my-model'])).toBe(true);
    expect(isKnownModel('gemini-2.5-flash', ['my-model'])).toBe(false);
    expect(isKnownModel('anything', (model) => model.startsWith('any'))).toBe(true);
    expect(isKnownModel('gemini-2.5-flash', () => false)).toBe(false);
  });
});

describe('describeModel', () => {
  it('describes a generation model with its methods, limits and sampling defaults', () => {
    const model = describeModel('gemini-2.5-flash');
    expect(model).toMatchObject({
      name: 'models/gemini-2.5-flash',
      version: '001',
      displayName: 'Gemini 2.5 Flash',
      supportedGenerationMethods: expect.arrayContaining(['generateContent', 'countTokens']),
      thinking: true,
    });
    expect(model.inputTokenLimit).toBeGreaterThan(0);
    expect(model.outputTokenLimit).toBeGreaterThan(0);
  });

  it('marks a preview model’s version as a preview', () => {
    expect(describeModel('gemini-3-flash-preview').version).toContain('preview');
  });

  it('describes an embedding model with the embedding methods only, and one output token', () => {
    const model = describeModel('gemini-embedding-001');
    expect(model.supportedGenerationMethods).toEqual([
      'embedContent',
      'batchEmbedContents',
      'asyncBatchEmbedContent',
    ]);
    expect(model.supportedGenerationMethods).not.toContain('generateContent');
    expect(model.outputTokenLimit).toBe(1);
  });

  it('describes every model it lists by default under its own name', () => {
    for (const name of DEFAULT_LISTED_MODELS) {
      const model = describeModel(name);
      expect(model.name).toBe(`models/${name}`);
      expect(model.displayName?.length).toBeGreaterThan(0);
    }
  });

  it('makes a display name of an odd name without throwing', () => {
    expect(describeModel('gemini--x-').displayName).toBe('Gemini  X ');
  });
});
