import { describe, expect, it } from 'vitest';
import {
  costOf,
  embeddingCostOf,
  findKnownModel,
  knownEmbeddingPrices,
  knownModels,
  knownPrices,
  priceOf,
} from './index.ts';

// attack58b: `priceOf` handed out the row of gemloop's one price table, and `knownPrices`,
// `knownEmbeddingPrices` and `knownModels` are that table itself: a caller that changed what it
// got (`priceOf(model).input = discounted`, say, to show a page a price) changed the price of every
// later call in the process, every user's run budgets (`costAbove`) included. The tables are
// frozen now: such a write fails where it is made, and every other cost stays as it was.

describe("gemloop's tables are not writable through what the models API hands out", () => {
  it('a write to a price priceOf returned fails, and later costs are unchanged', () => {
    const before = costOf({ promptTokenCount: 1_000_000 }, 'gemini-2.5-flash').total;
    const price = priceOf('gemini-2.5-flash') as { input: string; longContext?: unknown };
    expect(() => {
      price.input = '999';
    }).toThrow(TypeError);
    expect(priceOf('gemini-2.5-flash')?.input).toBe('0.30');
    expect(costOf({ promptTokenCount: 1_000_000 }, 'gemini-2.5-flash').total).toBe(before);
    expect(before).toBe('0.3');
  });

  it('knownPrices and knownEmbeddingPrices take no new or changed rows', () => {
    const prices = knownPrices as Record<string, unknown>;
    expect(() => {
      prices['my-model'] = prices['gemini-2.5-flash'];
    }).toThrow(TypeError);
    expect(() => {
      delete prices['gemini-2.5-flash'];
    }).toThrow(TypeError);
    const flash = prices['gemini-2.5-flash'] as { standard: { output: string } };
    expect(() => {
      flash.standard.output = '0';
    }).toThrow(TypeError);
    const embedding = knownEmbeddingPrices['gemini-embedding-2']?.standard as { text: string };
    expect(() => {
      embedding.text = '0';
    }).toThrow(TypeError);
    expect(embeddingCostOf({ promptTokenCount: 1_000_000 }, 'gemini-embedding-2').total).toBe(
      '0.2',
    );
  });

  it("knownModels and findKnownModel's rows are the same for every caller", () => {
    const row = findKnownModel('gemini-2.5-flash') as { inputTokenLimit?: number };
    const limit = row.inputTokenLimit;
    expect(() => {
      row.inputTokenLimit = 5;
    }).toThrow(TypeError);
    expect(() => {
      (knownModels as unknown[]).push({ name: 'mine' });
    }).toThrow(TypeError);
    expect(findKnownModel('gemini-2.5-flash')?.inputTokenLimit).toBe(limit);
  });
});
