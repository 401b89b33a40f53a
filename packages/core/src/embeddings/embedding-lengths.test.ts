import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, TEST_KEY } from '../http/__fixtures__/test-server.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createInMemoryStore } from '../memory/create-in-memory-store.ts';
import { createEmbeddings } from './create-embeddings.ts';
import { EmbeddingLengthError } from './embedding-length-error.ts';

// leftovers39: a vector of the wrong length was scored 0 against every other (cosineSimilarity's
// answer for two lengths), so a gateway that ignored outputDimensionality, or a store holding
// memories of another model or size, made searches find nothing without a word. Refused where the
// vector is read: the server's answer, and a store's stored row, naming both lengths.

const server = createTestServer();
let answer: unknown;
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeAll(() =>
  server.use(http.post(/.*/, () => HttpResponse.json(answer as Record<string, unknown>))),
);
afterAll(() => server.close());

const embeddings = createEmbeddings(createGemini({ apiKey: TEST_KEY, retry: false }));

describe('an embedding answer of another length than asked', () => {
  it('embedContent refuses a vector that ignored outputDimensionality, naming both lengths', async () => {
    answer = { embedding: { values: [0.1, 0.2, 0.3, 0.4] } };
    const error = await embeddings
      .embedContent({ model: 'gemini-embedding-001', content: 'hi', outputDimensionality: 2 })
      .catch((thrown: unknown) => thrown);
    expect(EmbeddingLengthError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ expected: 2, received: 4, source: 'response' });
    expect(String((error as Error).message)).toContain('outputDimensionality');
  });

  it('embedContent takes the asked length, and any length when none was asked', async () => {
    answer = { embedding: { values: [0.6, 0.8] } };
    const asked = await embeddings.embedContent({
      model: 'gemini-embedding-001',
      content: 'hi',
      outputDimensionality: 2,
    });
    expect(asked.embedding.values).toEqual([0.6, 0.8]);
    answer = { embedding: { values: [0.1, 0.2, 0.3] } };
    const free = await embeddings.embedContent({ model: 'gemini-embedding-001', content: 'hi' });
    expect(free.embedding.values).toHaveLength(3);
  });

  it('batchEmbedContents refuses an answer whose vectors differ in length (one model, one size)', async () => {
    answer = { embeddings: [{ values: [0.1, 0.2, 0.3] }, { values: [0.1, 0.2] }] };
    const error = await embeddings
      .batchEmbedContents({ model: 'gemini-embedding-001', requests: ['a', 'b'] })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ expected: 3, received: 2, source: 'response' });
  });

  it('batchEmbedContents checks each item against its own outputDimensionality', async () => {
    answer = { embeddings: [{ values: [0.1, 0.2] }, { values: [0.1, 0.2, 0.3] }] };
    const response = await embeddings.batchEmbedContents({
      model: 'gemini-embedding-001',
      requests: [
        { content: 'a', outputDimensionality: 2 },
        { content: 'b', outputDimensionality: 3 },
      ],
    });
    expect(response.embeddings.map((each) => each.values.length)).toEqual([2, 3]);
    const error = await embeddings
      .batchEmbedContents({
        model: 'gemini-embedding-001',
        requests: [
          { content: 'a', outputDimensionality: 3 },
          { content: 'b', outputDimensionality: 3 },
        ],
      })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ expected: 3, received: 2 });
  });
});

describe('a stored memory of another embedding length', () => {
  it('a search refuses it by name and lengths instead of scoring it 0', async () => {
    const store = createInMemoryStore();
    const old = await store.add('user', { kind: 'fact', text: 'likes tea', embedding: [1, 0, 0] });
    const error = await store
      .search('user', { text: 'tea?', embedding: [1, 0], limit: 5 })
      .catch((thrown: unknown) => thrown);
    expect(EmbeddingLengthError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      expected: 2,
      received: 3,
      source: 'stored-memory',
      memoryId: old.id,
    });
    expect(String((error as Error).message)).toMatch(
      /another model or with another outputDimensionality/,
    );
    expect(String((error as Error).message)).not.toContain('likes tea');
  });

  it('a search over memories of the query length ranks them as before', async () => {
    const store = createInMemoryStore();
    await store.add('user', { kind: 'fact', text: 'a', embedding: [1, 0] });
    await store.add('user', { kind: 'fact', text: 'b', embedding: [0, 1] });
    const found = await store.search('user', { text: 'a?', embedding: [1, 0.1], limit: 5 });
    expect(found.map((each) => each.text)).toEqual(['a', 'b']);
  });
});
