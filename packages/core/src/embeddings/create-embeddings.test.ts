import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createTestServer, GOOGLE, TEST_KEY } from '../http/__fixtures__/test-server.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createEmbeddings } from './create-embeddings.ts';

// The wire of each backend, URL by URL and body by body: ai.google.dev/api/embeddings (Gemini
// API); @google/genai 2.32.0 `Models.embedContent` for Vertex's two routes (`:predict` for
// gemini-embedding-001, `:embedContent` with `embedContentConfig` for the later models).

const server = createTestServer();
type Seen = { url: string; body: unknown; key: string | null; auth: string | null };
const seen: Seen[] = [];
let answer: unknown = { embedding: { values: [0.1, 0.2, 0.3] } };
let status = 200;
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeAll(() =>
  server.use(
    http.post(/.*/, async ({ request }) => {
      seen.push({
        url: request.url,
        body: await request.json(),
        key: request.headers.get('x-goog-api-key'),
        auth: request.headers.get('authorization'),
      });
      return HttpResponse.json(answer as Record<string, unknown>, { status });
    }),
  ),
);
afterEach(() => {
  seen.length = 0;
  answer = { embedding: { values: [0.1, 0.2, 0.3] } };
  status = 200;
});
afterAll(() => server.close());

const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
const embeddings = createEmbeddings(gemini);
const PROJECT = 'my-project-123';
const VERTEX = `https://us-central1-aiplatform.googleapis.com/v1/projects/${PROJECT}/locations/us-central1/publishers/google/models`;
const vertex = createEmbeddings(
  createGemini({
    vertex: { project: PROJECT, location: 'us-central1', getAccessToken: () => 'ya29.token' },
    retry: false,
  }),
);

describe('embedContent on the Gemini API', () => {
  it('posts models/{model}:embedContent with the content, task type, title and dimensionality', async () => {
    answer = {
      embedding: { values: [0.6, 0.8] },
      usageMetadata: {
        promptTokenCount: 7,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 7 }],
      },
    };
    const response = await embeddings.embedContent({
      model: 'gemini-embedding-2',
      content: 'The lease ends in May.',
      taskType: 'RETRIEVAL_DOCUMENT',
      title: 'Lease',
      outputDimensionality: 2,
    });
    expect(response).toEqual(answer);
    expect(seen).toEqual([
      {
        url: `${GOOGLE}/models/gemini-embedding-2:embedContent`,
        key: TEST_KEY,
        auth: null,
        body: {
          content: { parts: [{ text: 'The lease ends in May.' }] },
          taskType: 'RETRIEVAL_DOCUMENT',
          title: 'Lease',
          outputDimensionality: 2,
        },
      },
    ]);
  });

  it('sends multimodal parts of gemini-embedding-2 as given (one aggregated embedding)', async () => {
    const parts = [
      { text: 'A cat on a mat' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    ];
    await embeddings.embedContent({ model: 'models/gemini-embedding-2', content: { parts } });
    expect(seen[0]?.body).toEqual({ content: { parts } });
  });

  it('batchEmbedContents: one request per item, each naming the model, shared and own settings', async () => {
    answer = { embeddings: [{ values: [1, 0] }, { values: [0, 1] }] };
    const response = await embeddings.batchEmbedContents({
      model: 'gemini-embedding-001',
      taskType: 'RETRIEVAL_DOCUMENT',
      outputDimensionality: 2,
      requests: ['first', { content: 'second', taskType: 'RETRIEVAL_QUERY' }],
    });
    expect(response.embeddings).toEqual([{ values: [1, 0] }, { values: [0, 1] }]);
    expect(seen).toEqual([
      {
        url: `${GOOGLE}/models/gemini-embedding-001:batchEmbedContents`,
        key: TEST_KEY,
        auth: null,
        body: {
          requests: [
            {
              model: 'models/gemini-embedding-001',
              content: { parts: [{ text: 'first' }] },
              taskType: 'RETRIEVAL_DOCUMENT',
              outputDimensionality: 2,
            },
            {
              model: 'models/gemini-embedding-001',
              content: { parts: [{ text: 'second' }] },
              taskType: 'RETRIEVAL_QUERY',
              outputDimensionality: 2,
            },
          ],
        },
      },
    ]);
  });

  it('an answer without embedding values is an ApiCallError, not a result', async () => {
    answer = { embedding: { values: 'nope' } };
    await expect(
      embeddings.embedContent({ model: 'gemini-embedding-2', content: 'x' }),
    ).rejects.toBeInstanceOf(ApiCallError);
  });

  it("the API's error is an ApiCallError without the key", async () => {
    status = 400;
    answer = {
      error: {
        code: 400,
        message: '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch',
        status: 'INVALID_ARGUMENT',
      },
    };
    const error = await embeddings
      .embedContent({ model: 'gemini-embedding-2', content: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(JSON.stringify(error)).not.toContain(TEST_KEY);
    expect(String((error as Error).message)).not.toContain(TEST_KEY);
  });
});

describe('embedContent on Vertex AI', () => {
  it('gemini-embedding-2: :embedContent with embedContentConfig, bearer token', async () => {
    answer = {
      embedding: { values: [0.5] },
      usageMetadata: { promptTokenCount: 3 },
      truncated: false,
    };
    const response = await vertex.embedContent({
      model: 'gemini-embedding-2',
      content: 'hello',
      taskType: 'SEMANTIC_SIMILARITY',
      outputDimensionality: 1,
      autoTruncate: true,
    });
    expect(response.embedding.values).toEqual([0.5]);
    expect(response.usageMetadata?.promptTokenCount).toBe(3);
    expect(seen).toEqual([
      {
        url: `${VERTEX}/gemini-embedding-2:embedContent`,
        key: null,
        auth: 'Bearer ya29.token',
        body: {
          content: { parts: [{ text: 'hello' }] },
          embedContentConfig: {
            taskType: 'SEMANTIC_SIMILARITY',
            outputDimensionality: 1,
            autoTruncate: true,
          },
        },
      },
    ]);
  });

  it('gemini-embedding-001: :predict with instances and parameters, read into the same shape', async () => {
    answer = {
      predictions: [
        { embeddings: { values: [0.25, 0.75], statistics: { token_count: 4, truncated: true } } },
      ],
    };
    const response = await vertex.embedContent({
      model: 'gemini-embedding-001',
      content: 'hello there',
      taskType: 'RETRIEVAL_DOCUMENT',
      title: 'Greeting',
      outputDimensionality: 2,
      autoTruncate: false,
      mimeType: 'text/plain',
    });
    expect(response).toEqual({
      embedding: { values: [0.25, 0.75] },
      usageMetadata: { promptTokenCount: 4 },
      truncated: true,
    });
    expect(seen).toEqual([
      {
        url: `${VERTEX}/gemini-embedding-001:predict`,
        key: null,
        auth: 'Bearer ya29.token',
        body: {
          instances: [
            {
              content: 'hello there',
              task_type: 'RETRIEVAL_DOCUMENT',
              title: 'Greeting',
              mimeType: 'text/plain',
            },
          ],
          parameters: { outputDimensionality: 2, autoTruncate: false },
        },
      },
    ]);
  });

  it('refuses media for :predict models and batchEmbedContents, before sending', async () => {
    await expect(
      vertex.embedContent({
        model: 'gemini-embedding-001',
        content: [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }],
      }),
    ).rejects.toMatchObject({ argument: 'request.content' });
    await expect(
      vertex.batchEmbedContents({ model: 'gemini-embedding-2', requests: ['a'] }),
    ).rejects.toMatchObject({ argument: 'vertex' });
    expect(seen).toEqual([]);
  });
});

describe('bad input is a typed error naming the field, and nothing is sent', () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    [
      'an empty string',
      () => embeddings.embedContent({ model: 'gemini-embedding-2', content: '' }),
      'request.content',
    ],
    [
      'blank text parts',
      () => embeddings.embedContent({ model: 'gemini-embedding-2', content: [{ text: '  ' }] }),
      'request.content',
    ],
    [
      'no parts',
      () => embeddings.embedContent({ model: 'gemini-embedding-2', content: { parts: [] } }),
      'request.content',
    ],
    [
      'dimensionality 0',
      () =>
        embeddings.embedContent({
          model: 'gemini-embedding-2',
          content: 'x',
          outputDimensionality: 0,
        }),
      'request.outputDimensionality',
    ],
    [
      'dimensionality over the maximum',
      () =>
        embeddings.embedContent({
          model: 'gemini-embedding-2',
          content: 'x',
          outputDimensionality: 3073,
        }),
      'request.outputDimensionality',
    ],
    [
      'a fractional dimensionality',
      () =>
        embeddings.embedContent({
          model: 'gemini-embedding-2',
          content: 'x',
          outputDimensionality: 12.5,
        }),
      'request.outputDimensionality',
    ],
    [
      'autoTruncate on the Gemini API',
      () =>
        embeddings.embedContent({ model: 'gemini-embedding-2', content: 'x', autoTruncate: true }),
      'request.autoTruncate',
    ],
    [
      'mimeType on the Gemini API',
      () =>
        embeddings.embedContent({
          model: 'gemini-embedding-001',
          content: 'x',
          mimeType: 'text/plain',
        }),
      'request.mimeType',
    ],
    ['a bad model', () => embeddings.embedContent({ model: 'a/b', content: 'x' }), 'request.model'],
    [
      'no requests',
      () => embeddings.batchEmbedContents({ model: 'gemini-embedding-2', requests: [] }),
      'request.requests',
    ],
    [
      '101 requests',
      () =>
        embeddings.batchEmbedContents({
          model: 'gemini-embedding-2',
          requests: Array.from({ length: 101 }, (_, i) => `item ${i}`),
        }),
      'request.requests',
    ],
    [
      'an empty item',
      () => embeddings.batchEmbedContents({ model: 'gemini-embedding-2', requests: ['a', ''] }),
      'request.requests[1]',
    ],
    [
      'an item out of range',
      () =>
        embeddings.batchEmbedContents({
          model: 'gemini-embedding-2',
          requests: [{ content: 'a', outputDimensionality: 5000 }],
        }),
      'request.requests[0].outputDimensionality',
    ],
  ];
  it.each(cases)('%s', async (_name, call, argument) => {
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
    expect(seen).toEqual([]);
  });

  it('100 requests are accepted (the limit itself)', async () => {
    answer = { embeddings: Array.from({ length: 100 }, () => ({ values: [1] })) };
    const response = await embeddings.batchEmbedContents({
      model: 'gemini-embedding-2',
      requests: Array.from({ length: 100 }, (_, i) => `item ${i}`),
    });
    expect(response.embeddings).toHaveLength(100);
  });

  it('a client not made by createGemini is refused by name', () => {
    expect(() => createEmbeddings({} as never)).toThrow(InvalidArgumentError);
  });
});
