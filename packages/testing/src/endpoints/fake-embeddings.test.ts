import {
  createEmbeddingBatches,
  createEmbeddings,
  embeddingCostOf,
} from '@gemloop/core/embeddings';
import { ApiCallError } from '@gemloop/core/errors';
import { createBatches, createGemini } from '@gemloop/core/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';

let fake: FakeGemini;
let baseUrl: string;

beforeAll(async () => {
  fake = createFakeGemini();
  ({ url: baseUrl } = await fake.listen());
});
afterAll(() => fake.close());

const api = () => createEmbeddings(createGemini({ baseUrl, apiKey: 'test-key', retry: false }));
const vertex = () =>
  createEmbeddings(
    createGemini({
      baseUrl,
      retry: false,
      vertex: { project: 'p-1', location: 'us-central1', getAccessToken: () => 'ya29.token' },
    }),
  );
const norm = (values: number[]) => Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
const send = async (path: string, body: unknown) => {
  const response = await fetch(`${baseUrl}/v1beta/${path}`, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'test-key', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
};

describe('the fake embedContent', () => {
  it('answers a deterministic unit vector of the asked size, with usage', async () => {
    const first = await api().embedContent({
      model: 'gemini-embedding-2',
      content: 'The rent is due on the first.',
      outputDimensionality: 768,
    });
    const again = await api().embedContent({
      model: 'gemini-embedding-2',
      content: 'The rent is due on the first.',
      outputDimensionality: 768,
    });
    const other = await api().embedContent({
      model: 'gemini-embedding-2',
      content: 'Something else entirely.',
      outputDimensionality: 768,
    });
    expect(first.embedding.values).toHaveLength(768);
    expect(norm(first.embedding.values)).toBeCloseTo(1, 10);
    expect(again.embedding.values).toEqual(first.embedding.values);
    expect(other.embedding.values).not.toEqual(first.embedding.values);
    expect(first.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
    expect(embeddingCostOf(first.usageMetadata, 'gemini-embedding-2').total).not.toBeNull();
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'embedContent',
      model: 'gemini-embedding-2',
    });
  });

  it('defaults to 3072 dimensions; a truncated gemini-embedding-001 vector is a prefix, not renormalised', async () => {
    const full = await api().embedContent({ model: 'gemini-embedding-001', content: 'x' });
    const short = await api().embedContent({
      model: 'gemini-embedding-001',
      content: 'x',
      outputDimensionality: 8,
    });
    expect(full.embedding.values).toHaveLength(3072);
    expect(short.embedding.values).toEqual(full.embedding.values.slice(0, 8));
  });

  it('embeds multimodal parts with gemini-embedding-2 and refuses them for gemini-embedding-001', async () => {
    const parts = [
      { text: 'a cat' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    ];
    const image = await api().embedContent({ model: 'gemini-embedding-2', content: parts });
    expect(image.embedding.values).toHaveLength(3072);
    const refused = await send('models/gemini-embedding-001:embedContent', { content: { parts } });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('text only');
  });

  it("enforces the API's contract on bodies gemloop's client would refuse first", async () => {
    const cases: [string, unknown, string][] = [
      [
        'models/gemini-embedding-2:embedContent',
        { content: { parts: [] } },
        'contents is not specified',
      ],
      [
        'models/gemini-embedding-2:embedContent',
        { content: { parts: [{ text: 'x' }] }, outputDimensionality: 4000 },
        'output_dimensionality',
      ],
      [
        'models/gemini-embedding-2:embedContent',
        { content: { parts: [{ text: 'x' }] }, autoTruncate: true },
        'Unknown name \\"autoTruncate',
      ],
      [
        'models/gemini-embedding-2:batchEmbedContents',
        {
          requests: Array.from({ length: 101 }, () => ({
            model: 'models/gemini-embedding-2',
            content: { parts: [{ text: 'x' }] },
          })),
        },
        'at most 100 requests can be in one batch',
      ],
      [
        'models/gemini-embedding-2:batchEmbedContents',
        {
          requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'x' }] } }],
        },
        'must be the model of the call',
      ],
    ];
    for (const [path, body, message] of cases) {
      const answer = await send(path, body);
      expect(answer.status, path).toBe(400);
      expect(answer.text).toContain(message);
    }
  });

  it('a generative model is not an embedding model, and an embedding model does not generate', async () => {
    const error = await api()
      .embedContent({ model: 'gemini-2.5-flash', content: 'x' })
      .catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error) && error.status).toBe(404);
    const generate = await send('models/gemini-embedding-2:generateContent', { contents: [] });
    expect(generate.status).toBe(404);
  });
});

describe('the fake models resource', () => {
  it('describes an embedding model with the embedding methods and its input limit', async () => {
    const gemini = createGemini({ baseUrl, apiKey: 'test-key', retry: false });
    expect(await gemini.getModel('gemini-embedding-001')).toMatchObject({
      name: 'models/gemini-embedding-001',
      inputTokenLimit: 2048,
      supportedGenerationMethods: ['embedContent', 'batchEmbedContents', 'asyncBatchEmbedContent'],
    });
  });
});

describe('the fake batchEmbedContents', () => {
  it('answers one embedding per item, in order, each as embedContent would', async () => {
    const batch = await api().batchEmbedContents({
      model: 'gemini-embedding-2',
      outputDimensionality: 16,
      requests: ['alpha', 'beta'],
    });
    const alpha = await api().embedContent({
      model: 'gemini-embedding-2',
      content: 'alpha',
      outputDimensionality: 16,
    });
    expect(batch.embeddings).toHaveLength(2);
    expect(batch.embeddings[0]?.values).toEqual(alpha.embedding.values);
    expect(batch.embeddings[1]?.values).not.toEqual(alpha.embedding.values);
  });
});

describe('the fake on Vertex AI', () => {
  it('takes the fields in their proto spelling too, as proto3 JSON parsers do', async () => {
    // protobuf.dev/programming-guides/json: parsers "accept both the lowerCamelCase name ... and
    // the original proto field name". A Python-style body was refused as unknown names.
    const camel = await send('models/gemini-embedding-2:embedContent', {
      content: { parts: [{ text: 'same text' }] },
      taskType: 'RETRIEVAL_QUERY',
      outputDimensionality: 8,
    });
    const snake = await send('models/gemini-embedding-2:embedContent', {
      content: { parts: [{ text: 'same text' }] },
      task_type: 'RETRIEVAL_QUERY',
      output_dimensionality: 8,
    });
    expect(snake.status, snake.text).toBe(200);
    const values = (text: string) =>
      (JSON.parse(text) as { embedding: { values: number[] } }).embedding.values;
    expect(values(snake.text)).toHaveLength(8);
    expect(values(snake.text)).toEqual(values(camel.text));
    const tooBig = await send('models/gemini-embedding-2:embedContent', {
      content: { parts: [{ text: 'x' }] },
      output_dimensionality: 4000,
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.text).toContain('output_dimensionality: must be between 1 and');
  });

  it('serves :embedContent for gemini-embedding-2 and :predict for gemini-embedding-001, the same vectors', async () => {
    const two = await vertex().embedContent({
      model: 'gemini-embedding-2',
      content: 'hi',
      outputDimensionality: 32,
    });
    const apiTwo = await api().embedContent({
      model: 'gemini-embedding-2',
      content: 'hi',
      outputDimensionality: 32,
    });
    expect(two.embedding.values).toEqual(apiTwo.embedding.values);
    expect(fake.requests.at(-2)?.url).toContain(
      '/publishers/google/models/gemini-embedding-2:embedContent',
    );
    const one = await vertex().embedContent({
      model: 'gemini-embedding-001',
      content: 'hi',
      autoTruncate: true,
    });
    expect(one.embedding.values).toHaveLength(3072);
    expect(one.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
    expect(fake.requests.at(-1)?.url).toContain(
      '/publishers/google/models/gemini-embedding-001:predict',
    );
  });
});

describe('the fake embedding batch job', () => {
  it('runs an asyncBatchEmbedContent job to the same vectors as embedContent, each error kept', async () => {
    const gemini = createGemini({ baseUrl, apiKey: 'test-key', retry: false });
    const embeddingBatches = createEmbeddingBatches(gemini);
    const job = await embeddingBatches.create({
      model: 'gemini-embedding-2',
      outputDimensionality: 8,
      requests: ['alpha', { key: 'beta', content: 'beta', outputDimensionality: 4 }],
    });
    expect(job.metadata?.state).toBe('BATCH_STATE_PENDING');
    expect(job.metadata?.['@type']).toContain('EmbedContentBatch');
    const done = await createBatches(gemini).wait(job, { pollIntervalMs: 1 });
    const results = await embeddingBatches.results(done, { keys: ['request-0', 'beta'] });
    const alpha = await api().embedContent({
      model: 'gemini-embedding-2',
      content: 'alpha',
      outputDimensionality: 8,
    });
    expect(results.map((result) => result.key)).toEqual(['request-0', 'beta']);
    expect(results[0]?.response?.embedding.values).toEqual(alpha.embedding.values);
    expect(results[1]?.response?.embedding.values).toHaveLength(4);
  });

  it("an item the API refuses is that item's error, the others answered", async () => {
    const answer = await send('models/gemini-embedding-2:asyncBatchEmbedContent', {
      batch: {
        inputConfig: {
          requests: {
            requests: [
              { request: { content: { parts: [{ text: 'ok' }] } }, metadata: { key: 'a' } },
              { request: { content: { parts: [] } }, metadata: { key: 'b' } },
            ],
          },
        },
      },
    });
    expect(answer.status).toBe(200);
    const gemini = createGemini({ baseUrl, apiKey: 'test-key', retry: false });
    const done = await createBatches(gemini).wait(JSON.parse(answer.text), { pollIntervalMs: 1 });
    const results = await createEmbeddingBatches(gemini).results(done, { keys: ['a', 'b'] });
    expect(results[0]?.response?.embedding.values).toHaveLength(3072);
    expect(results[1]?.error?.message).toContain('contents is not specified');
  });
});

describe('the fake with its own embed', () => {
  it('answers what embed returns, checks its size, and still checks the request', async () => {
    const own = createFakeGemini({
      // Similar meaning, similar vector: a test's own rule (here, does the text mention a refund).
      // Two numbers whatever is asked, so a request for three shows the size check.
      embed: ({ text }) => [/refund/i.test(text) ? 1 : 0, 0.5],
    });
    const { url } = await own.listen();
    try {
      const embeddings = createEmbeddings(
        createGemini({ baseUrl: url, apiKey: 'k', retry: false }),
      );
      const batch = await embeddings.batchEmbedContents({
        model: 'gemini-embedding-2',
        outputDimensionality: 2,
        requests: ['How do refunds work?', 'Shipping times'],
      });
      expect(batch.embeddings).toEqual([{ values: [1, 0.5] }, { values: [0, 0.5] }]);
      const wrongSize = await embeddings
        .embedContent({ model: 'gemini-embedding-2', content: 'x', outputDimensionality: 3 })
        .catch((caught: unknown) => caught);
      expect(String((wrongSize as Error).message)).toContain('must return 3 finite numbers');
    } finally {
      await own.close();
    }
    expect(() => createFakeGemini({ embed: 'no' as never })).toThrow(/embed must be a function/);
  });
});
