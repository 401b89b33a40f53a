import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createBatches } from './batches/create-batches.ts';
import { createGemini } from './create-gemini.ts';
import { createFiles } from './files/create-files.ts';
import type { Gemini } from './gemini.ts';

/** A gateway whose list endpoints answer one item and then the tokens of `tokens`, in turn. */
function pagedGateway(tokens: readonly (string | undefined)[]): {
  gemini: Gemini;
  urls: string[];
} {
  const urls: string[] = [];
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    urls.push(url);
    const nextPageToken = tokens[urls.length - 1];
    const page = { nextPageToken };
    if (url.includes('/cachedContents')) {
      return Response.json({
        ...page,
        cachedContents: [{ name: `cachedContents/c${urls.length}` }],
      });
    }
    if (url.includes('/files')) return Response.json({ ...page, files: [{ name: 'files/f' }] });
    return Response.json({ ...page, operations: [{ name: 'batches/b' }] });
  };
  const gemini = createGemini({
    apiKey: 'test-key',
    baseUrl: 'https://gateway.test',
    fetch,
    retry: false,
  });
  return { gemini, urls };
}

const listings = {
  'caches.listAll': (gemini: Gemini) => gemini.caches.listAll(),
  'files.listAll': (gemini: Gemini) => createFiles(gemini).listAll(),
  'batches.listAll': (gemini: Gemini) => createBatches(gemini).listAll(),
} as const;

async function drain(items: AsyncIterable<unknown>, limit = 50): Promise<number> {
  let count = 0;
  for await (const _ of items) if (++count >= limit) break;
  return count;
}

describe('listAll of caches, files and batches', () => {
  for (const [name, listAll] of Object.entries(listings)) {
    it(`${name} fails, not loops, when the server hands back the page token it was sent`, async () => {
      // A gateway that ignores `pageToken` echoes the same token forever.
      const { gemini, urls } = pagedGateway(['page-2', 'page-2', 'page-2', 'page-2']);
      const error = await drain(listAll(gemini)).catch((thrown: unknown) => thrown);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect((error as ApiCallError).isRetryable).toBe(false);
      expect((error as ApiCallError).message).toContain('"page-2" again');
      expect(urls).toHaveLength(2);
    });

    it(`${name} fails when the page tokens come round in a cycle`, async () => {
      const { gemini, urls } = pagedGateway(['a', 'b', 'a', 'b', 'a', 'b']);
      const error = await drain(listAll(gemini)).catch((thrown: unknown) => thrown);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(urls).toHaveLength(3);
    });

    it(`${name} walks distinct pages to the end`, async () => {
      const { gemini, urls } = pagedGateway(['a', 'b', undefined]);
      expect(await drain(listAll(gemini))).toBe(3);
      expect(urls.map((url) => new URL(url).searchParams.get('pageToken'))).toEqual([
        null,
        'a',
        'b',
      ]);
    });
  }
});
