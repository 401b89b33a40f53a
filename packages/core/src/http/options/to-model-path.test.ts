import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { MissingApiKeyError } from '../../errors/missing-api-key-error.ts';
import { loadApiKey, loadBaseUrl } from './load-api-key.ts';
import { toModelPath } from './to-model-path.ts';
import { toPageQuery } from './to-page-query.ts';

describe('toModelPath', () => {
  it('prefixes a bare id, keeps models/ and tunedModels/ paths', () => {
    expect(toModelPath('gemini-2.5-flash')).toBe('models/gemini-2.5-flash');
    expect(toModelPath('models/gemini-2.5-flash')).toBe('models/gemini-2.5-flash');
    expect(toModelPath('tunedModels/my_model.v2')).toBe('tunedModels/my_model.v2');
    expect(toModelPath('gemini-3-flash-preview')).toBe('models/gemini-3-flash-preview');
  });

  it('refuses anything that would change the URL, dots alone included', () => {
    const bad = [
      '',
      '.',
      '..',
      '...',
      'models/..',
      'models/.',
      'models/',
      'models/a/b',
      'a/b',
      'gemini 2.5',
      'gemini%2F..',
      'gemini?alt=sse',
      'gemini#x',
      'gemini:generateContent',
      'gemini\n',
      'géminí',
      'gemini-😀',
      'publishers/google/models/gemini',
      42,
      null,
      undefined,
      ['gemini'],
    ];
    for (const model of bad) {
      expect(() => toModelPath(model), JSON.stringify(model)).toThrow(InvalidArgumentError);
    }
  });

  it('names the argument and shows the bad value in the message', () => {
    expect(() => toModelPath('a/b', 'request.model')).toThrow(
      /^request\.model must be a model name .*got "a\/b"/,
    );
    expect(() => toModelPath(undefined)).toThrow(/got undefined/);
  });

  it('answers a bigint, a symbol or a circular object with the typed error, not a TypeError', () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    for (const model of [10n, Symbol('m'), circular]) {
      expect(() => toModelPath(model), typeof model).toThrow(InvalidArgumentError);
    }
    expect(() => toModelPath(Number.NaN)).toThrow(/got NaN/);
  });
});

describe('toPageQuery', () => {
  it('writes the page size and an encoded page token', () => {
    expect(toPageQuery(undefined)).toBe('');
    expect(toPageQuery({})).toBe('');
    expect(toPageQuery({ pageSize: 50 })).toBe('?pageSize=50');
    expect(toPageQuery({ pageToken: 'a+b/c=&d' })).toBe('?pageToken=a%2Bb%2Fc%3D%26d');
    expect(toPageQuery({ pageSize: 1, pageToken: 'x' })).toBe('?pageSize=1&pageToken=x');
  });
});

describe('loadApiKey and loadBaseUrl', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('prefers the given key, then GEMINI_API_KEY, then GOOGLE_API_KEY, trimmed', () => {
    vi.stubEnv('GEMINI_API_KEY', '  gemini-key  ');
    vi.stubEnv('GOOGLE_API_KEY', 'google-key');
    expect(loadApiKey('given')).toEqual({ apiKey: 'given', from: 'apiKey' });
    expect(loadApiKey()).toEqual({ apiKey: 'gemini-key', from: 'GEMINI_API_KEY' });
    vi.stubEnv('GEMINI_API_KEY', '   ');
    expect(loadApiKey()).toEqual({ apiKey: 'google-key', from: 'GOOGLE_API_KEY' });
  });

  it('throws MissingApiKeyError naming both variables when none is set', () => {
    vi.stubEnv('GEMINI_API_KEY', '');
    vi.stubEnv('GOOGLE_API_KEY', '');
    let error: unknown;
    try {
      loadApiKey();
    } catch (thrown) {
      error = thrown;
    }
    expect(MissingApiKeyError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('GEMINI_API_KEY');
    expect((error as Error).message).toContain('GOOGLE_API_KEY');
  });

  it('returns an explicitly given empty key for the caller to refuse', () => {
    expect(loadApiKey('')).toEqual({ apiKey: '', from: 'apiKey' });
  });

  it('reads GEMINI_BASE_URL when no base URL is given, blank as unset', () => {
    vi.stubEnv('GEMINI_BASE_URL', ' http://gateway.example/ ');
    expect(loadBaseUrl('http://given')).toBe('http://given');
    expect(loadBaseUrl(undefined)).toBe('http://gateway.example/');
    vi.stubEnv('GEMINI_BASE_URL', '  ');
    expect(loadBaseUrl(undefined)).toBeUndefined();
  });
});
