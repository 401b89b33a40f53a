import { describe, expect, it } from 'vitest';
import { createEmbeddings } from '../embeddings/create-embeddings.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { ResponseTooLargeError } from '../errors/response-too-large-error.ts';
import { createInteractions } from '../interactions/create-interactions.ts';
import { createBatches } from './batches/create-batches.ts';
import { createGemini } from './create-gemini.ts';
import { createFileSearchStores } from './file-search-stores/create-file-search-stores.ts';
import { createFiles } from './files/create-files.ts';
import type { Gemini } from './gemini.ts';

// attack47a: the client's endpoints other than generateContent, each answered 200 with a body
// that is not JSON, and with one that never ends. Each ends typed (an ApiCallError naming the
// method; a ResponseTooLargeError at maxResponseBytes) and reads no more than the cap and a chunk
// past it. Held: they share the request path (`requestJson`) with the model calls.

const KEY = 'AIzaSyAttack47aBodiesKeyXXXXXXXXXXXXXXX';
const CAP = 64 * 1024;
const CHUNK = 16 * 1024;

const CALLS: [string, (gemini: Gemini) => Promise<unknown>][] = [
  ['files.get', (gemini) => createFiles(gemini).get('files/a')],
  ['files.list', (gemini) => createFiles(gemini).list()],
  ['batches.get', (gemini) => createBatches(gemini).get('batches/a')],
  ['batches.list', (gemini) => createBatches(gemini).list()],
  ['caches.get', (gemini) => gemini.caches.get('cachedContents/a')],
  ['caches.list', (gemini) => gemini.caches.list()],
  ['countTokens', (gemini) => gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'Hi' })],
  ['getModel', (gemini) => gemini.getModel('gemini-2.5-flash')],
  ['listModels', (gemini) => gemini.listModels()],
  [
    'embedContent',
    (gemini) =>
      createEmbeddings(gemini).embedContent({ model: 'gemini-embedding-001', content: 'Hi' }),
  ],
  [
    'batchEmbedContents',
    (gemini) =>
      createEmbeddings(gemini).batchEmbedContents({
        model: 'gemini-embedding-001',
        requests: ['a', 'b'],
      }),
  ],
  ['fileSearchStores.get', (gemini) => createFileSearchStores(gemini).get('fileSearchStores/s')],
  [
    'fileSearchStores.getOperation',
    (gemini) => createFileSearchStores(gemini).getOperation('fileSearchStores/s/operations/o'),
  ],
  ['interactions.get', (gemini) => createInteractions(gemini).get('i1')],
  [
    'files.upload (start)',
    (gemini) => createFiles(gemini).upload(new Uint8Array(4), { mimeType: 'text/plain' }),
  ],
];

function clientAnswering(body: () => BodyInit) {
  return createGemini({
    apiKey: KEY,
    baseUrl: 'https://gw.test',
    retry: false,
    maxResponseBytes: CAP,
    fetch: async () =>
      new Response(body(), {
        headers: { 'content-type': 'application/json', 'x-goog-upload-url': '/up?upload_id=1' },
      }),
  });
}

/** A body that never ends, counting what was pulled of it. */
function endless() {
  const state = { pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulled += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
    },
  });
  return { body, state };
}

describe('the other endpoints, answered 200 with what is no answer', () => {
  it.each(CALLS)('%s: a body that is not JSON is a typed ApiCallError', async (method, call) => {
    const error = await call(clientAnswering(() => '<html>Sign in to the proxy</html>')).catch(
      (caught: unknown) => caught,
    );
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(method.split(' ')[0]);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(KEY);
  });

  it.each(CALLS)(
    '%s: a body without end is cut at maxResponseBytes, typed',
    async (_method, call) => {
      const { body, state } = endless();
      const error = await call(clientAnswering(() => body)).catch((caught: unknown) => caught);
      expect(ResponseTooLargeError.isInstance(error)).toBe(true);
      expect(state.pulled).toBeLessThanOrEqual(CAP + 2 * CHUNK);
    },
  );
});
