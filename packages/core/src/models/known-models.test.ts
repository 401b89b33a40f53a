import { describe, expect, it } from 'vitest';
import { checkModelName } from './check-model-name.ts';
import { findKnownModelRow, knownModelRows } from './known-model-rows.ts';
import { findKnownModel, knownModelSources, knownModels } from './known-models.ts';
import { getModelCapabilities } from './model-capabilities.ts';

describe('knownModels', () => {
  it('has one row per model id, each a valid id with a source and the date it was checked', () => {
    const names = knownModels.map((model) => model.name);
    expect(new Set(names).size).toBe(names.length);
    for (const model of knownModels) {
      expect(() => checkModelName(model.name)).not.toThrow();
      expect(model.source.length).toBeGreaterThan(10);
      expect(model.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (model.thinking === 'level') expect(model.thinkingLevels?.length).toBeGreaterThan(0);
      else expect(model.thinkingLevels).toBeUndefined();
    }
  });

  it('joins each row the request path reads with its source, and has no source without a row', () => {
    expect(Object.keys(knownModelSources).sort()).toEqual(
      knownModelRows.map((row) => row.name).sort(),
    );
    for (const [index, row] of knownModelRows.entries()) {
      const { source, checked, ...rest } = knownModels[index] ?? { source: '', checked: '' };
      expect(rest).toEqual(row);
      expect(source).toBe(knownModelSources[row.name]);
      expect(findKnownModel(`models/${row.name}`)).toBe(knownModels[index]);
      expect(findKnownModelRow(`models/${row.name}`)).toBe(row);
    }
    expect(findKnownModel('gemini-0-unknown')).toBeUndefined();
    expect(findKnownModelRow('gemini-0-unknown')).toBeUndefined();
  });

  it('is what getModelCapabilities reads for a known name', () => {
    expect(findKnownModel('models/gemini-3-flash-preview')?.name).toBe('gemini-3-flash-preview');
    expect(findKnownModel('gemini-9-pro')).toBeUndefined();
    for (const model of knownModels) {
      const capabilities = getModelCapabilities(model.name);
      expect(capabilities).toMatchObject({
        generation: model.generation,
        thinking: model.generation === undefined ? 'none' : model.thinking,
        inputTokenLimit: model.inputTokenLimit,
        outputTokenLimit: model.outputTokenLimit,
      });
      if (model.generation !== undefined) {
        expect(capabilities.thinkingAlwaysOn).toBe(model.thinkingAlwaysOn);
        expect(capabilities.lowestThinkingLevel).toBe(model.thinkingLevels?.[0]);
      }
    }
  });

  it('gives the documented floors: Gemini 3.8 Flash starts at LOW, 3.1 Flash-Lite at MINIMAL', () => {
    expect(getModelCapabilities('gemini-3.8-flash').lowestThinkingLevel).toBe('LOW');
    expect(getModelCapabilities('gemini-3.1-flash-lite').lowestThinkingLevel).toBe('MINIMAL');
    expect(getModelCapabilities('gemini-2.5-flash').inputTokenLimit).toBe(1_048_576);
  });

  it('knows the Gemini 4 models and Gemini 3.8 Flash with their levels, limits and tools', () => {
    expect(getModelCapabilities('gemini-4-hydrogen')).toMatchObject({
      generation: 4,
      thinking: 'level',
      lowestThinkingLevel: 'LOW',
      highestThinkingLevel: 'XHIGH',
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 65_536,
      computerUse: true,
      fileSearch: true,
    });
    for (const name of ['gemini-4-argon', 'gemini-4-carbon']) {
      expect(getModelCapabilities(name)).toMatchObject({
        lowestThinkingLevel: 'MINIMAL',
        highestThinkingLevel: 'HIGH',
        inputTokenLimit: 1_048_576,
        requiresThoughtSignatures: true,
      });
    }
    expect(getModelCapabilities('gemini-3.8-flash').highestThinkingLevel).toBe('HIGH');
    expect(getModelCapabilities('gemini-2.5-computer-use-preview-10-2025').computerUse).toBe(true);
    expect(getModelCapabilities('gemini-2.5-flash')).toMatchObject({
      computerUse: false,
      fileSearch: true,
      outputTokenLimit: 65_536,
    });
    expect(getModelCapabilities('gemini-3-pro-image-preview').computerUse).toBe(false);
    expect(getModelCapabilities('gemini-2.0-flash').fileSearch).toBe(false);
    // Every level a row lists, and only Hydrogen's, is XHIGH.
    const xhigh = knownModels.filter((model) => model.thinkingLevels?.includes('XHIGH'));
    expect(xhigh.map((model) => model.name)).toEqual(['gemini-4-hydrogen']);
  });

  it('falls back to the name pattern for a name it does not know', () => {
    expect(getModelCapabilities('gemini-3.9-flash')).toMatchObject({
      generation: 3.9,
      lowestThinkingLevel: 'LOW',
      inputTokenLimit: undefined,
    });
    expect(getModelCapabilities('gemini-3.9-flash-lite').lowestThinkingLevel).toBe('MINIMAL');
  });
});
