import { describe, expect, it } from 'vitest';
import { contextWindowOf } from './context-window-of.ts';
import { knownModels } from './known-models.ts';

describe('contextWindowOf', () => {
  it("reads the table's input token limit, with or without models/", () => {
    expect(contextWindowOf('gemini-2.5-flash')).toBe(1_048_576);
    expect(contextWindowOf('models/gemini-3-pro-image-preview')).toBe(65_536);
    for (const model of knownModels) {
      expect(contextWindowOf(model.name)).toBe(model.inputTokenLimit);
    }
  });

  it('is undefined for an unknown model unless overridden; overrides win', () => {
    expect(contextWindowOf('gateway-model')).toBeUndefined();
    const overrides = { 'gateway-model': 128_000, 'gemini-2.5-flash': 200_000 };
    expect(contextWindowOf('gateway-model', { overrides })).toBe(128_000);
    expect(contextWindowOf('gemini-2.5-flash', { overrides })).toBe(200_000);
    // A bad override (hostile config) is ignored, not returned.
    expect(contextWindowOf('gemini-2.5-flash', { overrides: { 'gemini-2.5-flash': -1 } })).toBe(
      1_048_576,
    );
  });
});
