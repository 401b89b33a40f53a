import { describe, expect, it } from 'vitest';
import { offlineBanner, resolveConnection } from './resolve-connection.ts';

describe('resolveConnection', () => {
  it('goes offline without a key, and says why', () => {
    expect(resolveConnection({ env: {} })).toEqual({
      mode: 'offline',
      model: 'gemini-3-flash-preview',
      reason: 'no-key',
    });
    expect(resolveConnection({ env: { GEMINI_API_KEY: '  ', COMETAPI_KEY: '' } }).mode).toBe(
      'offline',
    );
  });

  it('names a base URL it leaves unused offline, so the banner can say it (never the URL)', () => {
    expect(resolveConnection({ env: {}, baseUrl: 'http://127.0.0.1:4320' })).toEqual({
      mode: 'offline',
      model: 'gemini-3-flash-preview',
      reason: 'no-key',
      unusedBaseUrl: '--base-url',
    });
    expect(resolveConnection({ env: { GEMINI_BASE_URL: 'https://proxy.test' } })).toMatchObject({
      mode: 'offline',
      unusedBaseUrl: 'GEMINI_BASE_URL',
    });
    expect(
      resolveConnection({ env: { GEMINI_BASE_URL: 'https://proxy.test' }, offline: true }),
    ).not.toHaveProperty('unusedBaseUrl');
  });

  it('says in the offline banner that a base URL given without a key is not used', () => {
    const url = 'http://127.0.0.1:4321';
    const given = resolveConnection({ env: {}, baseUrl: 'http://user:secret@127.0.0.1:4320' });
    if (given.mode !== 'offline') throw new Error('expected offline');
    const banner = offlineBanner(given, url, false);
    expect(banner).toBe(
      "Offline: no GEMINI_API_KEY set, using gemloop's built-in fake Gemini (a deterministic simulator, not a real model) on http://127.0.0.1:4321; --base-url is not used without a key (for gemloop fake, set GEMINI_API_KEY=fake too)",
    );
    expect(banner).not.toContain('secret');
    const plain = resolveConnection({ env: {} });
    if (plain.mode !== 'offline') throw new Error('expected offline');
    expect(offlineBanner(plain, url, false)).not.toContain('not used');
  });

  it("uses GEMINI_API_KEY, then GOOGLE_API_KEY, with Google's header", () => {
    expect(resolveConnection({ env: { GOOGLE_API_KEY: 'g', GEMINI_API_KEY: 'k' } })).toEqual({
      mode: 'online',
      model: 'gemini-3-flash-preview',
      apiKey: 'k',
      keySource: 'GEMINI_API_KEY',
      baseUrl: undefined,
      auth: 'x-goog-api-key',
    });
    expect(resolveConnection({ env: { GOOGLE_API_KEY: 'g' } })).toMatchObject({
      apiKey: 'g',
      keySource: 'GOOGLE_API_KEY',
    });
  });

  it('sends a COMETAPI_KEY to CometAPI as a Bearer token unless a base URL is given', () => {
    expect(resolveConnection({ env: { COMETAPI_KEY: 'c' } })).toMatchObject({
      mode: 'online',
      keySource: 'COMETAPI_KEY',
      baseUrl: 'https://api.cometapi.com',
      auth: 'bearer',
    });
    expect(
      resolveConnection({ env: { COMETAPI_KEY: 'c', GEMINI_BASE_URL: 'https://proxy.test' } }),
    ).toMatchObject({ baseUrl: 'https://proxy.test' });
  });

  it('lets flags win over the environment, and --offline over a key', () => {
    const env = {
      GEMINI_API_KEY: 'k',
      GEMINI_MODEL: 'gemini-2.5-pro',
      GEMINI_BASE_URL: 'https://a.test',
    };
    expect(
      resolveConnection({ env, model: 'gemini-2.5-flash', baseUrl: 'https://b.test' }),
    ).toMatchObject({
      model: 'gemini-2.5-flash',
      baseUrl: 'https://b.test',
    });
    expect(resolveConnection({ env })).toMatchObject({ model: 'gemini-2.5-pro' });
    expect(resolveConnection({ env, offline: true })).toEqual({
      mode: 'offline',
      model: 'gemini-2.5-pro',
      reason: 'flag',
    });
  });
});
