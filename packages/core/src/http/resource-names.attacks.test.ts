import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createBatches } from './batches/create-batches.ts';
import { createGemini } from './create-gemini.ts';
import { createFileSearchStores } from './file-search-stores/create-file-search-stores.ts';
import { createFiles } from './files/create-files.ts';

// Resource names that would aim a request elsewhere once put into a URL path (attack31, held):
// every method that puts a name into a URL refuses them by name before any request, whether the
// name came from a user, a model or a server's earlier answer. (Caches: cache-names.attacks.)

const NAMES = [
  '../secrets',
  '..',
  '%2e%2e',
  'a%2Fb',
  'a/../../b',
  'a?key=x',
  'a#x',
  'a\nX-Injected: 1',
  'a b',
  'https://evil.test/x',
  '//evil.test/x',
];

function client() {
  const urls: string[] = [];
  const gemini = createGemini({
    apiKey: 'AIzaSyAttack31NamesKeyXXXXXXXXXXXXXXXXX',
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async (input) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return Response.json({});
    },
  });
  return { gemini, urls };
}

type Call = (gemini: ReturnType<typeof createGemini>, name: string) => Promise<unknown>;

const CALLS: Record<string, (prefix: string) => Call> = {
  'files.get': (prefix) => (gemini, name) => createFiles(gemini).get(`${prefix}${name}`),
  'files.delete': (prefix) => (gemini, name) => createFiles(gemini).delete(`${prefix}${name}`),
  'files.download': (prefix) => (gemini, name) => createFiles(gemini).download(`${prefix}${name}`),
  'batches.get': (prefix) => (gemini, name) => createBatches(gemini).get(`${prefix}${name}`),
  'batches.cancel': (prefix) => (gemini, name) => createBatches(gemini).cancel(`${prefix}${name}`),
  'fileSearchStores.get': (prefix) => (gemini, name) =>
    createFileSearchStores(gemini).get(`${prefix}${name}`),
  'fileSearchStores.getOperation': (prefix) => (gemini, name) =>
    createFileSearchStores(gemini).getOperation(`${prefix}${name}`),
  'fileSearchStores.getDocument': (prefix) => (gemini, name) =>
    createFileSearchStores(gemini).getDocument(`${prefix}${name}`),
  getModel: (prefix) => (gemini, name) => gemini.getModel(`${prefix}${name}`),
  countTokens: (prefix) => (gemini, name) =>
    gemini.countTokens({ model: `${prefix}${name}`, contents: 'hi' }),
};
const PREFIXES: Record<string, string> = {
  'files.get': 'files/',
  'files.delete': 'files/',
  'files.download': 'files/',
  'batches.get': 'batches/',
  'batches.cancel': 'batches/',
  'fileSearchStores.get': 'fileSearchStores/',
  'fileSearchStores.getOperation': 'fileSearchStores/s/operations/',
  'fileSearchStores.getDocument': 'fileSearchStores/s/documents/',
  getModel: 'models/',
  countTokens: 'models/',
};

describe('resource names that would change the URL', () => {
  for (const [method, make] of Object.entries(CALLS)) {
    it(`${method}: each is refused typed, before any request, bare or under its prefix`, async () => {
      const { gemini, urls } = client();
      for (const prefix of ['', PREFIXES[method] as string]) {
        const call = make(prefix);
        for (const name of NAMES) {
          const error = await call(gemini, name).then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
          expect(InvalidArgumentError.isInstance(error), `${method} ${prefix}${name}`).toBe(true);
        }
      }
      expect(urls).toEqual([]);
    });
  }
});
