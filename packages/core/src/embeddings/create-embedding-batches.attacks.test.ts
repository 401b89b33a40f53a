import { describe, expect, it } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
import type { BatchJob } from '../wire/batch.ts';
import { createEmbeddingBatches } from './create-embedding-batches.ts';

// attack47a: a batch of embeddings whose results hold a vector with `1e400` (JSON has no Infinity,
// but that parses as one) or no values at all. `embedContent` refuses both (finite numbers, at
// least one: an infinite value scores NaN against every other vector, which no minScore leaves
// out); a batch's result line took any list of numbers, so they reached the caller as vectors.

const KEY = 'AIzaSyAttack47aEmbedBatchKeyXXXXXXXXXXX';

const succeeded = (output: NonNullable<BatchJob['metadata']>['output']): BatchJob =>
  ({ name: 'batches/e1', metadata: { state: 'BATCH_STATE_SUCCEEDED', output } }) as BatchJob;

function batchesServing(resultsFile: string) {
  return createEmbeddingBatches(
    createGemini({
      apiKey: KEY,
      baseUrl: 'https://gw.test',
      retry: false,
      fetch: async () => new Response(resultsFile),
    }),
  );
}

describe('embeddingBatches.results, vectors no embedContent answer may hold', () => {
  it('inline: an infinite value and an empty list are each their line error, the good line kept', async () => {
    const results = await batchesServing('').results(
      succeeded({
        inlinedResponses: {
          inlinedResponses: [
            { metadata: { key: 'request-0' }, response: { embedding: { values: [0.5, 0.5] } } },
            {
              metadata: { key: 'request-1' },
              response: { embedding: { values: [0.1, Number.POSITIVE_INFINITY] } },
            },
            { metadata: { key: 'request-2' }, response: { embedding: { values: [] } } },
          ],
        },
      } as never),
    );
    expect(results.map((result) => [result.key, result.response !== undefined])).toEqual([
      ['request-0', true],
      ['request-1', false],
      ['request-2', false],
    ]);
    expect(results[1]?.error?.message).toContain('no embedding values');
    expect(results[2]?.error?.message).toContain('no embedding values');
  });

  it('a results file line with 1e400: its line error', async () => {
    const file = [
      '{"key":"request-0","response":{"embedding":{"values":[0.5,0.5]}}}',
      '{"key":"request-1","response":{"embedding":{"values":[0.1,1e400]}}}',
    ].join('\n');
    const results = await batchesServing(file).results(succeeded({ responsesFile: 'files/out' }));
    expect(results[0]?.response?.embedding.values).toEqual([0.5, 0.5]);
    expect(results[1]?.response).toBeUndefined();
    expect(results[1]?.error?.message).toContain('line 2');
  });
});
