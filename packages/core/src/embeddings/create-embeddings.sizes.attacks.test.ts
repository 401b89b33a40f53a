import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createEmbeddings } from './create-embeddings.ts';

// attack47a: a gateway answering a known embedding model (3,072 values at most) with a vector of
// 10,000,000 values, when no outputDimensionality was asked (only an asked size was checked):
// read whole, returned, and stored by a memory, whose every search then walked 10 million values.

const KEY = 'AIzaSyAttack47aEmbedSizeKeyXXXXXXXXXXXX';

const vector = (length: number) => `[${'0.5,'.repeat(length - 1)}0.5]`;

function embeddingsAnswering(body: string) {
  return createEmbeddings(
    createGemini({
      apiKey: KEY,
      baseUrl: 'https://gw.test',
      retry: false,
      fetch: async () => new Response(body, { headers: { 'content-type': 'application/json' } }),
    }),
  );
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

describe('embeddings longer than the model gives', () => {
  // 1,000,000 here (0.5 s); 10,000,000 was tried by hand, the same error after 4.5 s of parsing.
  it.each([3073, 1_000_000])(
    'embedContent of gemini-embedding-001 answering %i values: a typed ApiCallError',
    async (length) => {
      const error = await outcome(
        embeddingsAnswering(`{"embedding":{"values":${vector(length)}}}`).embedContent({
          model: 'gemini-embedding-001',
          content: 'Hi',
        }),
      );
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(`${length} values`);
      expect((error as Error).message).toContain('3072');
      expect((error as Error).message.length).toBeLessThan(2000);
    },
  );

  it('batchEmbedContents of gemini-embedding-2, one vector of 4,000 among good ones: typed', async () => {
    const body = `{"embeddings":[{"values":${vector(3072)}},{"values":${vector(4000)}}]}`;
    const error = await outcome(
      embeddingsAnswering(body).batchEmbedContents({
        model: 'models/gemini-embedding-2',
        requests: ['a', 'b'],
      }),
    );
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('4000 values');
  });

  it("the model's own size, and any size of a model gemloop does not know, still read (held)", async () => {
    const own = await embeddingsAnswering(`{"embedding":{"values":${vector(3072)}}}`).embedContent({
      model: 'gemini-embedding-001',
      content: 'Hi',
    });
    expect(own.embedding.values).toHaveLength(3072);
    const unknown = await embeddingsAnswering(
      `{"embedding":{"values":${vector(5000)}}}`,
    ).embedContent({ model: 'my-gateway-embedder', content: 'Hi' });
    expect(unknown.embedding.values).toHaveLength(5000);
  });
});
