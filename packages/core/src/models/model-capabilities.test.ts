import { describe, expect, it } from 'vitest';
import { getModelCapabilities } from './model-capabilities.ts';

describe('getModelCapabilities', () => {
  it('gives Gemini 3 models signatures, thinking levels and tool combination', () => {
    const flash = getModelCapabilities('gemini-3-flash-preview');
    expect(flash).toMatchObject({
      generation: 3,
      requiresThoughtSignatures: true,
      thinking: 'level',
      thinkingAlwaysOn: false,
      combinesBuiltinAndFunctionTools: true,
      structuredOutputWithTools: true,
      multimodalFunctionResponses: true,
    });
    expect(getModelCapabilities('models/gemini-3.1-pro-preview')).toMatchObject({
      generation: 3.1,
      thinkingAlwaysOn: true,
    });
  });

  it('gives Gemini 2.5 thinking budgets and no tool combination', () => {
    expect(getModelCapabilities('gemini-2.5-flash')).toMatchObject({
      generation: 2.5,
      requiresThoughtSignatures: false,
      thinking: 'budget',
      thinkingAlwaysOn: false,
      combinesBuiltinAndFunctionTools: false,
      googleSearch: true,
    });
    expect(getModelCapabilities('gemini-2.5-pro').thinkingAlwaysOn).toBe(true);
    expect(getModelCapabilities('gemini-2.0-flash')).toMatchObject({
      thinking: 'none',
      googleSearch: true,
    });
    expect(getModelCapabilities('gemini-1.5-flash').googleSearch).toBe(false);
  });

  it('treats future generations and -latest aliases as the newest behaviour', () => {
    expect(getModelCapabilities('gemini-4-flash').requiresThoughtSignatures).toBe(true);
    expect(getModelCapabilities('gemini-flash-latest').generation).toBe(3);
  });

  it('is conservative for names it does not know, and takes overrides', () => {
    expect(getModelCapabilities('gemma-3-27b-it')).toMatchObject({
      generation: undefined,
      thinking: 'none',
    });
    expect(
      getModelCapabilities('my-gateway-alias', { requiresThoughtSignatures: true })
        .requiresThoughtSignatures,
    ).toBe(true);
  });
});

describe('getModelCapabilities input', () => {
  it('refuses a model that is not a string with a typed error', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the point is a wrong value at run time.
    expect(() => getModelCapabilities(5 as any)).toThrow(/model name/);
  });
});
