import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../create-gemini.ts';
import { resolveClientOptions } from '../options/resolve-client-options.ts';
import { selectTransport } from './select-transport.ts';
import type { TransportOption } from './transport.ts';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

async function transportOf(options: {
  transport?: TransportOption;
  fetch?: typeof globalThis.fetch;
}): Promise<string> {
  return (await selectTransport(resolveClientOptions({ apiKey: 'k', ...options }))).name;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('selectTransport', () => {
  it("sends with undici on Node by default, while fetch is Node's own", async () => {
    expect(await transportOf({})).toBe('node');
    expect(await transportOf({ transport: 'auto' })).toBe('node');
    expect(await transportOf({ transport: 'node' })).toBe('node');
  });

  it('uses fetch when told to, or when a fetch is injected', async () => {
    expect(await transportOf({ transport: 'fetch' })).toBe('fetch');
    expect(await transportOf({ fetch: async () => new Response('{}') })).toBe('fetch');
    expect(await transportOf({ transport: 'auto', fetch: async () => new Response('{}') })).toBe(
      'fetch',
    );
  });

  // The fetch transport is the request path's (not the root's, bench/RESULTS.md "Cold import,
  // counted"): an injected fetch is wrapped by the client's first request, once.
  it('wraps an injected fetch at the first request, then sends every request through it', async () => {
    const urls: string[] = [];
    const fetch: typeof globalThis.fetch = async (url) => {
      urls.push(String(url));
      return new Response('{}');
    };
    const client = resolveClientOptions({ apiKey: 'k', fetch });
    expect(client.fetchTransport).toBeUndefined();
    const first = await selectTransport(client);
    expect(await selectTransport(client)).toBe(first);
    expect(client.fetchTransport).toBe(first);
    // An attempt's signal is an AbortSignal that names itself (create-attempt-signal.ts).
    const signal = new AbortController().signal as AbortSignal & { signal: AbortSignal };
    Object.defineProperty(signal, 'signal', { value: signal });
    const response = await first.send({
      url: 'https://example.test/v1beta/models',
      method: 'GET',
      headers: {},
      signal,
    });
    expect(response.status).toBe(200);
    expect(urls).toEqual(['https://example.test/v1beta/models']);
  });

  it('keeps fetch when the client asks for compression (fetch decodes it, undici does not)', async () => {
    expect(
      (
        await selectTransport(
          resolveClientOptions({ apiKey: 'k', headers: { 'Accept-Encoding': 'gzip' } }),
        )
      ).name,
    ).toBe('fetch');
  });

  it('keeps fetch when globalThis.fetch was replaced (msw, a spy), looked up per request', async () => {
    const client = resolveClientOptions({ apiKey: 'k' });
    expect((await selectTransport(client)).name).toBe('node');
    vi.stubGlobal('fetch', vi.fn(globalThis.fetch));
    expect((await selectTransport(client)).name).toBe('fetch');
    vi.unstubAllGlobals();
    expect((await selectTransport(client)).name).toBe('node');
  });

  it('keeps fetch while an undici dispatcher other than the default Agent is installed', async () => {
    const holder = globalThis as Record<symbol, unknown>;
    const before = holder[GLOBAL_DISPATCHER];
    class ProxyAgent {}
    holder[GLOBAL_DISPATCHER] = new ProxyAgent();
    try {
      expect(await transportOf({})).toBe('fetch');
    } finally {
      holder[GLOBAL_DISPATCHER] = before;
    }
    expect(await transportOf({})).toBe('node');
  });
});

describe('createGemini transport option', () => {
  it('refuses an unknown transport, naming the choices', () => {
    expect(() => createGemini({ apiKey: 'k', transport: 'http2' as TransportOption })).toThrow(
      /transport must be 'auto' \(the default\), 'fetch' or 'node'; got "http2"/,
    );
  });

  it("refuses transport 'node' together with an injected fetch", () => {
    const error = (() => {
      try {
        createGemini({ apiKey: 'k', transport: 'node', fetch: globalThis.fetch });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('transport');
  });
});
