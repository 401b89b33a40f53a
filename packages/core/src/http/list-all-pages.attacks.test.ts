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

function client(surface: Surface, page: (index: number) => Record<string, unknown>, apiKey = 'k') {
  let requests = 0;
  const gemini = createGemini({
    apiKey,
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

// A gateway that answers every page empty with a new nextPageToken (attack31): the walk gave no
// item, so the caller's loop never ran to break it, and requests went on forever (with an
// in-process fetch the walk never yielded to the event loop, so no timer could stop it either).
// And a token too long to send back: it is put into the next request's URL, and every token was
// kept to detect cycles, so a gateway's megabyte tokens grew the process page by page.
for (const surface of Object.keys(FIELDS) as Surface[]) {
  describe(`${surface}.listAll against a gateway that never ends`, () => {
    it('empty pages, each with a new token: typed after a bounded number of requests', async () => {
      const { walk: list, requests } = client(surface, (index) => {
        // The hang guard: the walk spins in microtasks, where no timer fires.
        if (index >= 5_000) throw new Error('the walk did not stop');
        return { [FIELDS[surface]]: [], nextPageToken: `token-${index}` };
      });
      const outcome = await walk(list());
      expect(GemloopError.isInstance(outcome)).toBe(true);
      expect((outcome as Error).message).toMatch(
        /^[a-zA-Z]+\.list answered 100 pages in a row with no items/,
      );
      expect(requests()).toBe(100);
    });

    it('empty pages between pages with items do not end a walk that moves on', async () => {
      // Google may answer fewer items than asked, none even, before the end (AIP-158).
      const { walk: list, requests } = client(surface, (index) => ({
        [FIELDS[surface]]: index % 50 === 49 ? [{ name: `${surface}/a${index}` }] : [],
        ...(index < 249 ? { nextPageToken: `token-${index}` } : {}),
      }));
      const outcome = await walk(list(), 10);
      expect(outcome).toBe('ended');
      expect(requests()).toBe(250);
    });

    it('a nextPageToken too long to send back: typed, one request, nothing kept', async () => {
      const { walk: list, requests } = client(surface, () => ({
        [FIELDS[surface]]: [{ name: `${surface}/a` }],
        nextPageToken: 'x'.repeat(1024 * 1024),
      }));
      const outcome = await walk(list());
      expect(GemloopError.isInstance(outcome)).toBe(true);
      expect((outcome as Error).message).toContain('a nextPageToken of 1048576 characters');
      expect((outcome as Error).message.length).toBeLessThan(600);
      expect(requests()).toBe(1);
    });
  });
}

// A gateway that ignores pageToken and hands back one holding the key (attack47a): the walk's
// error quoted the token, so the key was in its message, whole or cut at the quote's 80th character.
const KEY = 'AIzaSyAttack47aListKeyXXXXXXXXXXXXXXXXX';
for (const surface of Object.keys(FIELDS) as Surface[]) {
  describe(`${surface}.listAll, a repeated nextPageToken holding the key`, () => {
    for (const [label, token] of [
      ['whole', `page-${KEY}`],
      ['across the cut', `${'p'.repeat(60)}${KEY}`],
    ] as const) {
      it(`the error does not show it (${label})`, async () => {
        const { walk: list, requests } = client(
          surface,
          () => ({ [FIELDS[surface]]: [{ name: `${surface}/a` }], nextPageToken: token }),
          KEY,
        );
        const outcome = await walk(list());
        expect(GemloopError.isInstance(outcome)).toBe(true);
        expect((outcome as Error).message).toContain('again after 2 page(s)');
        expect((outcome as Error).message).toContain('[redacted]');
        expect(JSON.stringify(outcome, Object.getOwnPropertyNames(outcome))).not.toContain(
          KEY.slice(0, 12),
        );
        expect(requests()).toBe(2);
      });
    }
  });
}

// A gateway answering in snake_case (attack47a): its `next_page_token` was no `nextPageToken`, so
// the walk ended after the first page, every later item dropped without a word. attack47a refused
// it; snake47 reads it (the refusal these tests asserted changed by design).
for (const surface of Object.keys(FIELDS) as Surface[]) {
  describe(`${surface}.listAll, a page token spelt next_page_token`, () => {
    it('is read: the walk asks for the next page and yields its items too', async () => {
      const { walk: list, requests } = client(surface, (index) =>
        index === 0
          ? { [FIELDS[surface]]: [{ name: `${surface}/a` }], next_page_token: 'page-2' }
          : { [FIELDS[surface]]: [{ name: `${surface}/b` }] },
      );
      const names: unknown[] = [];
      for await (const item of list()) names.push((item as { name: unknown }).name);
      expect(names).toEqual([`${surface}/a`, `${surface}/b`]);
      expect(requests()).toBe(2);
    });

    it('a last page (an empty nextPageToken) still ends the walk (held)', async () => {
      const { walk: list, requests } = client(surface, () => ({
        [FIELDS[surface]]: [{ name: `${surface}/a` }],
        nextPageToken: '',
      }));
      expect(await walk(list())).toBe('ended');
      expect(requests()).toBe(1);
    });
  });
}

// The same gateway's item lists (attack47a): `cached_contents`, `file_search_stores` were no
// `cachedContents`, `fileSearchStores`, so each page read as empty and the walk as done. attack47a
// refused them; snake47 reads them.
for (const surface of ['caches', 'fileSearchStores'] as const) {
  it(`${surface}.listAll: items under the snake_case field are read, not taken for none`, async () => {
    const snake = FIELDS[surface].replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    const { walk: list, requests } = client(surface, () => ({
      [snake]: [{ name: `${surface}/a` }],
    }));
    const names: unknown[] = [];
    for await (const item of list()) names.push((item as { name: unknown }).name);
    expect(names).toEqual([`${surface}/a`]);
    expect(requests()).toBe(1);
  });
}

// Both spellings on one page, disagreeing: an empty camelCase list beside snake_case items. Read
// by the API's spelling, the items were dropped without a word; refused, naming both (snake47).
for (const surface of ['caches', 'fileSearchStores'] as const) {
  it(`${surface}.listAll: an empty ${FIELDS[surface]} beside snake_case items is refused, naming both`, async () => {
    const snake = FIELDS[surface].replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    const { walk: list, requests } = client(surface, () => ({
      [FIELDS[surface]]: [],
      [snake]: [{ name: `${surface}/a` }],
    }));
    const outcome = await walk(list());
    expect(GemloopError.isInstance(outcome)).toBe(true);
    expect((outcome as Error).message).toContain(`\`${snake}\``);
    expect((outcome as Error).message).toContain(`\`${FIELDS[surface]}\``);
    expect(requests()).toBe(1);
  });
}
