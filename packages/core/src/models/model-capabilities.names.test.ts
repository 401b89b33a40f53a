import { describe, expect, it } from 'vitest';
import { getModelCapabilities } from './model-capabilities.ts';

// Names the table does not list are read by generation, so a new model works the day it ships
// (and a gateway's alias can be described with overrides).

describe('getModelCapabilities for names the table does not list', () => {
  it('reads the name whatever its case, spaces and models/ prefix', () => {
    const plain = getModelCapabilities('gemini-3.5-flash');
    expect(getModelCapabilities('  Models/Gemini-3.5-Flash ')).toEqual(plain);
    expect(plain.generation).toBe(3.5);
  });

  it('starts a Gemini 3 Pro and a Flash from 3.7 at LOW, a Flash-Lite and an older Flash at MINIMAL', () => {
    expect(getModelCapabilities('gemini-3.5-pro').lowestThinkingLevel).toBe('LOW');
    expect(getModelCapabilities('gemini-3.8-flash').lowestThinkingLevel).toBe('LOW');
    expect(getModelCapabilities('gemini-3.8-flash-lite').lowestThinkingLevel).toBe('MINIMAL');
    expect(getModelCapabilities('gemini-3.5-flash').lowestThinkingLevel).toBe('MINIMAL');
    // "pro" as a word of the name, not inside another word.
    expect(getModelCapabilities('gemini-3.5-flash-prolific').lowestThinkingLevel).toBe('MINIMAL');
  });

  it('tops a Hydrogen model at XHIGH and the others at HIGH', () => {
    expect(getModelCapabilities('gemini-4-hydrogen-eap').highestThinkingLevel).toBe('XHIGH');
    expect(getModelCapabilities('gemini-4-hydrogen').highestThinkingLevel).toBe('XHIGH');
    expect(getModelCapabilities('gemini-4-hydrogenated').highestThinkingLevel).toBe('HIGH');
  });

  it('gives an image model of generation 3 no signatures, no levels and no computer use', () => {
    expect(getModelCapabilities('gemini-3.5-flash-image')).toMatchObject({
      generation: 3.5,
      requiresThoughtSignatures: false,
      thinking: 'none',
      lowestThinkingLevel: undefined,
      computerUse: false,
      validatedFunctionCalling: false,
      perPartMediaResolution: true,
    });
  });

  it('gives 2.5 budgets, always-on thinking to its Pro models, and computer use only by name', () => {
    expect(getModelCapabilities('gemini-2.5-pro-exp-0999')).toMatchObject({
      thinking: 'budget',
      thinkingAlwaysOn: true,
      computerUse: false,
      fileSearch: true,
      validatedFunctionCalling: true,
    });
    expect(getModelCapabilities('gemini-2.5-computer-use-preview-01-2027').computerUse).toBe(true);
    expect(getModelCapabilities('gemini-2.0-flash-exp-0001')).toMatchObject({
      thinking: 'none',
      fileSearch: false,
    });
  });

  it('knows nothing of a name without a generation, unless it is a -latest alias', () => {
    const unknown = getModelCapabilities('gemini-exp-1206');
    expect(unknown).toMatchObject({
      generation: undefined,
      requiresThoughtSignatures: false,
      thinking: 'none',
      googleSearch: false,
    });
    expect(getModelCapabilities('gemini-pro-latest')).toMatchObject({
      generation: 3,
      thinkingAlwaysOn: true,
      lowestThinkingLevel: 'LOW',
    });
    expect(getModelCapabilities('tunedModels/my-model').generation).toBeUndefined();
    expect(getModelCapabilities('').generation).toBeUndefined();
  });

  it('leaves limits unknown for a name it inferred', () => {
    expect(getModelCapabilities('gemini-9-flash')).toMatchObject({
      inputTokenLimit: undefined,
      outputTokenLimit: undefined,
    });
  });
});

describe('getModelCapabilities results', () => {
  it('are the caller’s own: changing one changes no later answer', () => {
    for (const name of ['my-gateway-alias', 'gemini-3-flash-preview', 'gemini-4-flash']) {
      const first = getModelCapabilities(name);
      first.requiresThoughtSignatures = !first.requiresThoughtSignatures;
      first.inputTokenLimit = 1;
      const again = getModelCapabilities(name);
      expect(again.requiresThoughtSignatures).toBe(!first.requiresThoughtSignatures);
      expect(again.inputTokenLimit).not.toBe(1);
    }
  });

  it('apply overrides over what was inferred, and only the fields given', () => {
    const caps = getModelCapabilities('gemini-2.5-flash', {
      thinking: 'level',
      lowestThinkingLevel: 'LOW',
    });
    expect(caps).toMatchObject({
      thinking: 'level',
      lowestThinkingLevel: 'LOW',
      generation: 2.5,
      requiresThoughtSignatures: false,
    });
  });

  it('refuse null and undefined with a message naming what was given', () => {
    expect(() => getModelCapabilities(null as never)).toThrow(/got null\.$/);
    expect(() => getModelCapabilities(undefined as never)).toThrow(/got undefined\.$/);
  });
});
