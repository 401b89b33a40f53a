import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BatchJobError } from '../errors/files-and-batches/batch-job-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createTestServer, GOOGLE, TEST_KEY } from '../http/__fixtures__/test-server.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createEmbeddingBatches } from './create-embedding-batches.ts';

// The Batch API's embedding jobs: @google/genai 2.32.0 `batches.createEmbeddings`
// (POST {model}:asyncBatchEmbedContent, { batch: { displayName, inputConfig: { requests: {
// requests: [{ request }] } } } }); answers as inlinedResponses of { response: { embedding } }.

const server = createTestServer();
const seen: { url: string; body: unknown }[] = [];
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(() => server.close());

const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
const batches = createEmbeddingBatches(gemini);

describe('embedding batches', () => {
  it('creates a job: asyncBatchEmbedContent with keyed inline EmbedContentRequests', async () => {
    server.use(
      http.post(
        `${GOOGLE}/models/gemini-embedding-2:asyncBatchEmbedContent`,
        async ({ request }) => {
          seen.push({ url: request.url, body: await request.json() });
          return HttpResponse.json({
            name: 'batches/e1',
            metadata: { state: 'BATCH_STATE_PENDING' },
          });
        },
      ),
    );
    const job = await batches.create({
      model: 'gemini-embedding-2',
      displayName: 'docs',
      taskType: 'RETRIEVAL_DOCUMENT',
      outputDimensionality: 768,
      requests: ['alpha', { key: 'b', content: 'beta', title: 'Beta' }],
    });
    expect(job.name).toBe('batches/e1');
    expect(seen).toEqual([
      {
        url: `${GOOGLE}/models/gemini-embedding-2:asyncBatchEmbedContent`,
        body: {
          batch: {
            displayName: 'docs',
            inputConfig: {
              requests: {
                requests: [
                  {
                    request: {
                      content: { parts: [{ text: 'alpha' }] },
                      taskType: 'RETRIEVAL_DOCUMENT',
                      outputDimensionality: 768,
                    },
                    metadata: { key: 'request-0' },
                  },
                  {
                    request: {
                      content: { parts: [{ text: 'beta' }] },
                      taskType: 'RETRIEVAL_DOCUMENT',
                      title: 'Beta',
                      outputDimensionality: 768,
                    },
                    metadata: { key: 'b' },
                  },
                ],
              },
            },
          },
        },
      },
    ]);
  });

  it('reads the embeddings of a finished job in item order, each error kept', async () => {
    const results = await batches.results({
      name: 'batches/e1',
      metadata: {
        state: 'BATCH_STATE_SUCCEEDED',
        output: {
          inlinedResponses: {
            inlinedResponses: [
              { metadata: { key: 'request-2' }, error: { code: 400, message: 'empty' } },
              {
                metadata: { key: 'request-0' },
                response: { embedding: { values: [1, 0] } },
              } as never,
              { metadata: { key: 'request-1' }, response: { embedding: { values: 'x' } } } as never,
            ],
          },
        },
      },
    });
    expect(results).toEqual([
      { key: 'request-0', index: 0, response: { embedding: { values: [1, 0] } } },
      {
        key: 'request-1',
        index: 1,
        error: { message: "inlined response 2 of the batch's results has no embedding values" },
      },
      { key: 'request-2', index: 2, error: { code: 400, message: 'empty' } },
    ]);
  });

  it('a job that failed is a BatchJobError; bad input is refused before sending', async () => {
    await expect(
      batches.results({ name: 'batches/e1', metadata: { state: 'BATCH_STATE_FAILED' } }),
    ).rejects.toBeInstanceOf(BatchJobError);
    for (const [request, argument] of [
      [{ model: 'gemini-embedding-2', requests: [] }, 'request.requests'],
      [{ model: 'gemini-embedding-2', requests: ['ok', ''] }, 'request.requests[1]'],
      [
        { model: 'gemini-embedding-2', requests: ['a'], outputDimensionality: 0 },
        'request.outputDimensionality',
      ],
      [
        { model: 'gemini-embedding-2', requests: ['a'], autoTruncate: true },
        'request.autoTruncate',
      ],
      [{ model: 'gemini-embedding-2', requests: ['a'], fileName: 'files/x' }, 'request'],
      [{ model: 'gemini-embedding-2', requests: ['a'], nope: 1 }, 'request.nope'],
      [{ model: 'gemini-embedding-2', requests: ['a'], input: 'sometimes' }, 'request.input'],
      [
        { model: 'gemini-embedding-2', requests: ['a'], displayName: 'x'.repeat(513) },
        'request.displayName',
      ],
    ] as const) {
      const error = await batches.create(request as never).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    }
    expect(seen).toEqual([]);
  });

  it('is refused on Vertex AI, which has no Batch API for embeddings', async () => {
    const vertex = createEmbeddingBatches(
      createGemini({
        vertex: { project: 'p', location: 'us-central1', getAccessToken: () => 't' },
      }),
    );
    await expect(
      vertex.create({ model: 'gemini-embedding-2', requests: ['a'] }),
    ).rejects.toMatchObject({ name: 'UnsupportedEndpointError' });
  });
});
