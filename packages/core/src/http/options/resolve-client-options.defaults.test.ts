import { describe, expect, it } from 'vitest';
import { defaultsMismatches } from '../../options/__fixtures__/documented-defaults.ts';
import { CLIENT_DEFAULTS, resolveClientOptions } from './resolve-client-options.ts';

describe('the defaults of createGemini', () => {
  it('are what the TSDoc of CreateGeminiOptions states', () => {
    expect(
      defaultsMismatches(
        new URL('../gemini.ts', import.meta.url),
        'CreateGeminiOptions',
        CLIENT_DEFAULTS,
      ),
    ).toEqual([]);
  });

  it('apply to what is left out or given as undefined, and keep what is given', () => {
    const leftOut = resolveClientOptions({ apiKey: 'k', timeoutMs: undefined });
    expect(leftOut).toMatchObject({
      auth: CLIENT_DEFAULTS.auth,
      transport: CLIENT_DEFAULTS.transport,
      timeoutMs: CLIENT_DEFAULTS.timeoutMs,
      maxResponseBytes: CLIENT_DEFAULTS.maxResponseBytes,
      maxStreamBytes: CLIENT_DEFAULTS.maxStreamBytes,
    });
    const given = resolveClientOptions({
      apiKey: 'k',
      auth: 'bearer',
      transport: 'fetch',
      timeoutMs: 5,
      maxResponseBytes: 10,
      maxStreamBytes: 20,
    });
    expect(given).toMatchObject({
      auth: 'bearer',
      transport: 'fetch',
      timeoutMs: 5,
      maxResponseBytes: 10,
      maxStreamBytes: 20,
    });
    expect(given.headers['authorization']).toBe('Bearer k');
  });
});
