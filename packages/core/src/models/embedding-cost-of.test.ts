import { describe, expect, it } from 'vitest';
import { embeddingCostOf } from './embedding-cost-of.ts';

describe('embeddingCostOf', () => {
  it('prices text at the model rate: 1M tokens of gemini-embedding-2 cost $0.20, of 001 $0.15', () => {
    expect(embeddingCostOf({ promptTokenCount: 1_000_000 }, 'gemini-embedding-2').total).toBe(
      '0.2',
    );
    expect(
      embeddingCostOf({ promptTokenCount: 1_000_000 }, 'models/gemini-embedding-001').total,
    ).toBe('0.15');
  });

  it('prices each modality at its own rate, the unsplit rest as text, all of it input', () => {
    const cost = embeddingCostOf(
      {
        promptTokenCount: 3_000_000,
        promptTokensDetails: [
          { modality: 'IMAGE', tokenCount: 1_000_000 },
          { modality: 'VIDEO', tokenCount: 1_000_000 },
        ],
      },
      'gemini-embedding-2',
    );
    // 0.45 (image) + 12.00 (video) + 0.20 (the text left over)
    expect(cost).toEqual({
      currency: 'USD',
      total: '12.65',
      input: '12.65',
      cachedInput: '0',
      output: '0',
      thinking: '0',
    });
  });

  it('the batch tier is half', () => {
    expect(
      embeddingCostOf(
        {
          promptTokenCount: 2_000_000,
          promptTokensDetails: [{ modality: 'AUDIO', tokenCount: 1_000_000 }],
        },
        'gemini-embedding-2',
        { tier: 'batch' },
      ).total,
    ).toBe('3.35');
  });

  it('an unknown model or a modality without a rate is an unknown cost, with why', () => {
    expect(embeddingCostOf({ promptTokenCount: 5 }, 'text-embedding-9').unknown).toMatch(
      /no embedding price for text-embedding-9/,
    );
    const pdf = embeddingCostOf(
      { promptTokenCount: 5, promptTokensDetails: [{ modality: 'DOCUMENT', tokenCount: 5 }] },
      'gemini-embedding-2',
    );
    expect(pdf.total).toBeNull();
    expect(pdf.unknown).toMatch(/DOCUMENT/);
  });

  it('no usage costs nothing; own rates win over the table', () => {
    expect(embeddingCostOf(undefined, 'gemini-embedding-2').total).toBe('0');
    expect(
      embeddingCostOf({ promptTokenCount: 1_000_000 }, 'gemini-embedding-2', {
        price: { text: '1', source: 'mine', checked: '2026-11-25' },
      }).total,
    ).toBe('1');
  });

  it('a count that is not a whole number of tokens is an unknown cost naming it, not none', () => {
    for (const bad of ['10', -10, 1e300, Number.NaN]) {
      const cost = embeddingCostOf({ promptTokenCount: bad as never }, 'gemini-embedding-2');
      expect(cost).toMatchObject({ total: null, input: null });
      expect(cost.unknown).toMatch(/^the usage's promptTokenCount .* is not a whole number/);
      const detail = embeddingCostOf(
        {
          promptTokenCount: 1_000,
          promptTokensDetails: [{ modality: 'IMAGE', tokenCount: bad as never }],
        },
        'gemini-embedding-2',
      );
      expect(detail.unknown).toMatch(/promptTokensDetails IMAGE tokenCount .* is not a whole/);
    }
    // Absent or null is none.
    expect(embeddingCostOf({ promptTokenCount: null } as never, 'gemini-embedding-2').total).toBe(
      '0',
    );
  });

  it('details adding up to more than promptTokenCount are an unknown cost; without it, priced', () => {
    // Clamping (as costOf clamps audio to the prompt) would have to pick which modality's tokens
    // were not there: a made-up mix. Before, the 1M image tokens were priced whole ($0.45).
    const over = embeddingCostOf(
      { promptTokenCount: 10, promptTokensDetails: [{ modality: 'IMAGE', tokenCount: 1_000_000 }] },
      'gemini-embedding-2',
    );
    expect(over.total).toBeNull();
    expect(over.unknown).toMatch(/count 1000000 tokens, more than its promptTokenCount 10/);
    const uncounted = embeddingCostOf(
      { promptTokensDetails: [{ modality: 'IMAGE', tokenCount: 1_000_000 }] },
      'gemini-embedding-2',
    );
    expect(uncounted.total).toBe('0.45');
  });
});
