import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { ResponseTooLargeError } from '../errors/response-too-large-error.ts';
import { createGemini } from './create-gemini.ts';

// attack42b: `listModels` against a hostile gateway, from outside: a page of 100,000 models, a
// page past maxResponseBytes, names no model has, and a nextPageToken that tries to add query
// parameters or a key when handed back. A listing is data: returned as sent, bounded in size,
// and nothing of it reaches another request's URL unencoded.

const KEY = 'AIzaListAttack-0123456789';

function gateway(page: (url: URL) => unknown, maxResponseBytes?: number) {
  const urls: URL[] = [];
  const fetch = async (input: unknown, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    urls.push(url);
    expect(init?.method ?? 'GET').toBe('GET');
    return Response.json(page(url));
  };
  const gemini = createGemini({
    apiKey: KEY,
    fetch: fetch as typeof globalThis.fetch,
    retry: false,
    ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
  });
  return { gemini, urls };
}

const hostileNames = [
  'models/../../files/abc',
  'models/gemini?key=other',
  `models/${'a'.repeat(100_000)}`,
  'models/\u0000\u001b[31mred',
  'models/gemini-2.5-flash#frag',
];

describe('listModels against a hostile gateway', () => {
  it('returns a page of 100,000 models, and refuses one past maxResponseBytes, typed', async () => {
    const models = Array.from({ length: 100_000 }, (_, index) => ({
      name: `models/m-${index}`,
      supportedGenerationMethods: ['generateContent'],
    }));
    const { gemini } = gateway(() => ({ models }));
    const page = await gemini.listModels();
    expect(page.models).toHaveLength(100_000);

    const small = gateway(() => ({ models }), 1024 * 1024);
    const error = await small.gemini.listModels().catch((thrown: unknown) => thrown);
    expect(ResponseTooLargeError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/maxResponseBytes/);
  });

  it('returns hostile names as data, and refuses them typed before any request as a model to get', async () => {
    const { gemini, urls } = gateway(() => ({
      models: hostileNames.map((name) => ({ name })),
    }));
    const page = await gemini.listModels();
    expect(page.models?.map((model) => model.name)).toEqual(hostileNames);
    // A long name of model characters only is refused too: an id is at most 256 characters
    // (leftovers76; it went whole into the URL path and the error's message before).
    for (const name of hostileNames) {
      const error = await gemini.getModel(name).catch((thrown: unknown) => thrown);
      expect(InvalidArgumentError.isInstance(error), JSON.stringify(name.slice(0, 40))).toBe(true);
      expect((error as Error).message.length).toBeLessThan(1000);
    }
    expect(urls).toHaveLength(1);
  });

  it('sends a hostile nextPageToken back encoded, as one pageToken, never as a key or a path', async () => {
    const token = 'abc&key=stolen/../../files?pageSize=1#x';
    const { gemini, urls } = gateway(() => ({
      models: [{ name: 'models/a' }],
      nextPageToken: token,
    }));
    const first = await gemini.listModels();
    await gemini.listModels({ pageToken: first.nextPageToken as string });
    const second = urls[1] as URL;
    expect(second.pathname).toBe('/v1beta/models');
    expect(second.searchParams.getAll('pageToken')).toEqual([token]);
    expect(second.searchParams.get('key')).toBeNull();
    expect(second.searchParams.get('pageSize')).toBeNull();
  });

  it('refuses a page whose models or nextPageToken have the wrong type, typed', async () => {
    for (const body of [
      { models: 'all of them' },
      { models: [{ displayName: 'no name' }] },
      { models: [], nextPageToken: 42 },
      [{ name: 'models/a' }],
    ]) {
      const { gemini } = gateway(() => body);
      const error = await gemini.listModels().catch((thrown: unknown) => thrown);
      expect(ApiCallError.isInstance(error), JSON.stringify(body)).toBe(true);
      expect(String(error)).not.toContain(KEY);
    }
  });
});
