import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createEmbeddings } from './create-embeddings.ts';
import {
  checkBatchEmbedResponse,
  checkEmbedContentResponse,
  checkPredictResponse,
} from './read-embed-response.ts';

const context = {
  text: '{}',
  status: 200,
  response: { headers: {} },
  attempt: 1,
  url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-2:embedContent',
  method: 'embedContent',
  redact: [],
};

function refused(check: () => unknown): ApiCallError {
  try {
    check();
  } catch (error) {
    if (ApiCallError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an ApiCallError');
}

describe('checkEmbedContentResponse', () => {
  it('takes an embedding of numbers and keeps unknown fields', () => {
    const body = {
      embedding: { values: [0.1, -0.2] },
      usageMetadata: { promptTokenCount: 3 },
      extra: 1,
    };
    expect(checkEmbedContentResponse(body, context)).toBe(body);
  });

  it('refuses a body without numeric values, as a non-retryable ApiCallError', () => {
    for (const body of [
      null,
      [],
      {},
      { embedding: null },
      { embedding: { values: 'x' } },
      { embedding: { values: [1, '2'] } },
      { embedding: [1, 2] },
    ]) {
      const error = refused(() => checkEmbedContentResponse(body, context));
      expect(error.isRetryable).toBe(false);
      expect(error.message).toContain('embedding.values');
    }
  });
});

describe('checkPredictResponse', () => {
  it("reads Vertex's :predict answer into the Gemini API's shape", () => {
    expect(
      checkPredictResponse(
        {
          predictions: [
            { embeddings: { values: [1, 2], statistics: { token_count: 4, truncated: true } } },
          ],
        },
        context,
      ),
    ).toEqual({
      embedding: { values: [1, 2] },
      usageMetadata: { promptTokenCount: 4 },
      truncated: true,
    });
    expect(
      checkPredictResponse({ predictions: [{ embeddings: { values: [1] } }] }, context),
    ).toEqual({
      embedding: { values: [1] },
    });
  });

  it('ignores statistics of the wrong type and refuses a body without predictions', () => {
    expect(
      checkPredictResponse(
        {
          predictions: [
            { embeddings: { values: [1], statistics: { token_count: '4', truncated: 'yes' } } },
          ],
        },
        context,
      ),
    ).toEqual({ embedding: { values: [1] } });
    for (const body of [
      {},
      { predictions: [] },
      { predictions: [null] },
      { predictions: [{ embeddings: [1] }] },
    ]) {
      expect(refused(() => checkPredictResponse(body, context)).message).toContain(
        'predictions[0]',
      );
    }
  });
});

describe('checkBatchEmbedResponse', () => {
  it('takes one embedding per request and refuses another count', () => {
    const body = { embeddings: [{ values: [1] }, { values: [2] }] };
    expect(checkBatchEmbedResponse(body, context, 2)).toBe(body);
    expect(refused(() => checkBatchEmbedResponse(body, context, 3)).message).toContain(
      'returned 2 embeddings for 3 requests',
    );
    expect(
      refused(() => checkBatchEmbedResponse({ embeddings: [{ values: [1] }, {}] }, context))
        .message,
    ).toContain('each with `values`');
  });
});

describe('batchEmbedContents against a server that drops an item', () => {
  it('fails instead of pairing each text with another text’s vector', async () => {
    const fetch = (async () =>
      new Response(JSON.stringify({ embeddings: [{ values: [1, 0] }, { values: [0, 1] }] }), {
        headers: { 'content-type': 'application/json' },
      })) as typeof globalThis.fetch;
    const embeddings = createEmbeddings(
      createGemini({ apiKey: 'test-key', baseUrl: 'http://127.0.0.1:9', fetch, retry: false }),
    );
    const error = await embeddings
      .batchEmbedContents({ model: 'gemini-embedding-001', requests: ['a', 'b', 'c'] })
      .catch((thrown: unknown) => thrown);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('returned 2 embeddings for 3 requests');
    const ok = await embeddings.batchEmbedContents({
      model: 'gemini-embedding-001',
      requests: ['a', 'b'],
    });
    expect(ok.embeddings).toHaveLength(2);
  });
});
