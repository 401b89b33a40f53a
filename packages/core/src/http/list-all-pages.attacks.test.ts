import { settles } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { GemloopError } from '../errors/gemloop-error.ts';
import { createBatches } from './batches/create-batches.ts';
import { createGemini } from './create-gemini.ts';
import { createFileSearchStores } from './file-search-stores/create-file-search-stores.ts';
import { createFiles } from './files/create-files.ts';

// A gateway's list pages whose nextPageToken is no string or whose items are not a list
// (attack-core6): each walk ends typed, after a bounded number of requests.

const FIELDS = {
  caches: 'cachedContents',
  files: 'files',
  batches: 'operations',
  fileSearchStores: 'fileSearchStores',
} as const;
type Surface = keyof typeof FIELDS;

function client(surface: Surface, page: (index: number) => Record<string, unknown>) {
  let requests = 0;
  const gemini = createGemini({
    apiKey: 'k',
    baseUrl: 'https://gateway.test',
    retry: false,
    fetch: async () => Response.json(page(requests++)),
  });
  const lists = {
    caches: () => gemini.caches.listAll(),
    files: () => createFiles(gemini).listAll(),
    batches: () => createBatches(gemini).listAll(),
    fileSearchStores: () => createFileSearchStores(gemini).listAll(),
  };
  return { walk: lists[surface], requests: () => requests };
}

async function walk(iterable: AsyncIterable<unknown>, max = 50): Promise<unknown> {
  let seen = 0;
  try {
    for await (const _item of iterable) if (++seen > max) return 'too many items';
  } catch (error) {
    return error;
  }
  return 'ended';
}

const TOKENS: [string, unknown][] = [
  ['an object', {}],
  ['a number', 5],
  ['a list', ['a']],
  ['true', true],
];

for (const surface of Object.keys(FIELDS) as Surface[]) {
  describe(`${surface}.listAll`, () => {
    for (const [label, token] of TOKENS) {
      it(`a nextPageToken that is ${label}: typed, one request`, async () => {
        const { walk: list, requests } = client(surface, () => ({
          [FIELDS[surface]]: [{ name: `${surface}/a` }],
          nextPageToken: token,
        }));
        const outcome = await settles(walk(list()), 'the walk');
        expect(GemloopError.isInstance(outcome)).toBe(true);
        expect(requests()).toBe(1);
      });
    }
    it('items that are not a list: typed', async () => {
      const { walk: list, requests } = client(surface, () => ({ [FIELDS[surface]]: 'x' }));
      const outcome = await walk(list());
      expect(GemloopError.isInstance(outcome)).toBe(true);
      expect(requests()).toBe(1);
    });
  });
}
