import { describe, expect, it } from 'vitest';
import { costOf, embeddingCostOf } from './index.ts';

// attack58b: `embeddingCostOf` reads an embedding answer's `usageMetadata` as the server sent it
// (`read-embed-response.ts` hands it on unchecked). A `promptTokensDetails` that is not a list of
// objects, from a gateway or a hostile server, threw a bare TypeError from inside ("details is not
// iterable", "Cannot read properties of null"), where `costOf` reads the same field leniently.

describe('embeddingCostOf on odd per-modality details', () => {
  it('a details entry that is not an object is skipped: the rest of the count is text', () => {
    const usage = {
      promptTokenCount: 1_000_000,
      promptTokensDetails: [null, 5, 'AUDIO', { modality: 'IMAGE', tokenCount: 500_000 }],
    };
    // 500,000 image tokens at $0.45/M and the 500,000 left over as text at $0.20/M.
    expect(embeddingCostOf(usage as never, 'gemini-embedding-2').total).toBe('0.325');
  });

  it('details that are no list are read as absent, as costOf reads them', () => {
    for (const details of [{}, { modality: 'AUDIO', tokenCount: 5 }, 'AUDIO', 12]) {
      const usage = { promptTokenCount: 1_000_000, promptTokensDetails: details };
      expect(embeddingCostOf(usage as never, 'gemini-embedding-2').total).toBe('0.2');
      // The same usage through costOf does not throw either.
      expect(costOf(usage as never, 'gemini-2.5-flash').total).toBe('0.3');
    }
  });
});
