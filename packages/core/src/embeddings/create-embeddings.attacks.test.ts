import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createTestServer, TEST_KEY } from '../http/__fixtures__/test-server.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createInMemoryStore } from '../memory/create-in-memory-store.ts';
import { createMemory } from '../memory/create-memory.ts';
import { geminiEmbed } from '../memory/gemini-embed.ts';
import { createEmbeddings } from './create-embeddings.ts';

// A gateway that answers embeddings with garbage (attack-outside4). JSON has no NaN, but
// `1e400` parses as Infinity: a vector with it made NaN scores downstream.

const server = createTestServer();
let body = '';
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeAll(() =>
  server.use(
    http.post(
      /.*/,
      () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } }),
    ),
  ),
);
afterAll(() => server.close());

const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
const embeddings = createEmbeddings(gemini);

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('embeddings attacked by a gateway', () => {
  it.each([
    ['an infinite value (1e400)', '{"embedding":{"values":[0.1,1e400,0.3]}}'],
    ['a -1e400', '{"embedding":{"values":[-1e400,0.2]}}'],
    ['no values at all', '{"embedding":{"values":[]}}'],
  ])('embedContent answering %s is an ApiCallError naming the field', async (_, answer) => {
    body = answer;
    const error = await failure(() =>
      embeddings.embedContent({ model: 'gemini-embedding-2', content: 'hi' }),
    );
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/embedding\.values/);
    expect((error as Error).message).not.toContain(TEST_KEY);
  });

  it('batchEmbedContents with one infinite vector among finite ones is an ApiCallError', async () => {
    body = '{"embeddings":[{"values":[0.1,0.2]},{"values":[1e999,0.2]}]}';
    const error = await failure(() =>
      embeddings.batchEmbedContents({ model: 'gemini-embedding-2', requests: ['a', 'b'] }),
    );
    expect(ApiCallError.isInstance(error)).toBe(true);
  });

  it('a memory remembered through such a gateway fails with the gateway named, and stores nothing', async () => {
    body = '{"embedding":{"values":[1e400,0.5]}}';
    const store = createInMemoryStore();
    const memory = createMemory({ store, embed: geminiEmbed({ gemini, dimensions: 2 }) });
    const error = await failure(() => memory.remember('user-1', 'Likes trains.'));
    // The embed step's error, carrying the gateway's: not an InvalidArgumentError blaming the
    // caller's `embedding` (what it was while the Infinity got as far as the store).
    expect((error as Error).message).toMatch(/Embedding a memory text failed/);
    expect(ApiCallError.isInstance((error as Error).cause)).toBe(true);
    expect(await memory.list('user-1')).toEqual([]);
  });
});
