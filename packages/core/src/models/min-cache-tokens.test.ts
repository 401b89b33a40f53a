import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { getMinCacheTokens } from './min-cache-tokens.ts';

describe('getMinCacheTokens', () => {
  it('gives the minimum the API enforces per model family', () => {
    expect(getMinCacheTokens('gemini-2.5-flash')).toBe(1024);
    expect(getMinCacheTokens('models/gemini-2.5-flash-lite')).toBe(2048);
    expect(getMinCacheTokens('gemini-2.5-pro')).toBe(4096);
    expect(getMinCacheTokens('gemini-3-flash-preview')).toBe(1024);
    expect(getMinCacheTokens('gemini-3-pro-preview')).toBe(4096);
    expect(getMinCacheTokens('gemini-3.1-pro-preview')).toBe(4096);
    expect(getMinCacheTokens('gemini-3.5-flash')).toBe(4096);
  });

  it('takes the largest minimum for names it does not know', () => {
    expect(getMinCacheTokens('my-gateway-alias')).toBe(4096);
    expect(getMinCacheTokens('gemini-flash-latest')).toBe(4096);
  });

  it('refuses a model that is not a string, as the other lookups do, naming it', () => {
    // It answered 4096 for these (String(5) is no Gemini name), where priceOf(5) and
    // contextWindowOf(5) throw.
    for (const model of [5, undefined, null, { model: 'gemini-2.5-flash' }]) {
      const call = () => getMinCacheTokens(model as never);
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(/getMinCacheTokens: model must be a model id string/);
    }
  });
});
