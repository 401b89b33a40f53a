import { findEmbeddingModel } from '@gemloop/core/embeddings';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { liveCostOf } from '@gemloop/core/live';
import {
  contextWindowOf,
  costOf,
  embeddingCostOf,
  findKnownModel,
  priceOf,
} from '@gemloop/core/models';
import { describe, expect, it } from 'vitest';

// Outside attacks on `@gemloop/core/models`' public functions (attack14). A user calls them with
// what a config file or a database row holds. attack13 read that `priceOf(5)` was a bare
// TypeError; so was every function here given a model that is not a string. Worse, wrong values
// were taken as "none": `costOf(usage, model, tier, 5)` or a table whose price is `5` priced at
// Google's list price without a word, a `usage` that is a string cost $0, a misspelt `teir: 'batch'`
// priced at the standard rate, a misspelt `overides` gave the table's window, and an embedding tier
// `'constructor'` indexed Object.prototype.

const USAGE = { promptTokenCount: 1000, candidatesTokenCount: 10 };

const refused: [string, () => unknown, RegExp][] = [
  ['priceOf(5)', () => priceOf(5 as never), /priceOf: model must be a model id string/],
  ['priceOf(null)', () => priceOf(null as never), /model/],
  ['priceOf(model, 5)', () => priceOf('gemini-2.5-flash', 5 as never), /tier/],
  ['priceOf(model, tier, 5)', () => priceOf('gemini-2.5-flash', 'standard', 5 as never), /prices/],
  ['costOf(usage, 5)', () => costOf(USAGE, 5 as never), /costOf: model/],
  ['costOf(usage, {})', () => costOf(USAGE, {} as never), /model/],
  ['costOf("lots", model)', () => costOf('lots' as never, 'gemini-2.5-flash'), /usage/],
  ['costOf(5, model)', () => costOf(5 as never, 'gemini-2.5-flash'), /usage/],
  ['costOf(null, model)', () => costOf(null as never, 'gemini-2.5-flash'), /usage/],
  ['costOf([], model)', () => costOf([] as never, 'gemini-2.5-flash'), /usage/],
  ['costOf(usage, model, {})', () => costOf(USAGE, 'gemini-2.5-flash', {} as never), /tier/],
  [
    'costOf with prices 5',
    () => costOf(USAGE, 'gemini-2.5-flash', 'standard', 5 as never),
    /prices/,
  ],
  [
    'costOf with prices null',
    () => costOf(USAGE, 'gemini-2.5-flash', 'standard', null as never),
    /prices/,
  ],
  [
    'costOf with a table whose price is 5',
    () => costOf(USAGE, 'gemini-2.5-flash', 'standard', { 'gemini-2.5-flash': 5 } as never),
    /prices\['gemini-2.5-flash'\]/,
  ],
  ['contextWindowOf(5)', () => contextWindowOf(5 as never), /contextWindowOf: model/],
  [
    'contextWindowOf(model, null)',
    () => contextWindowOf('gemini-2.5-flash', null as never),
    /contextWindowOf/,
  ],
  [
    'contextWindowOf with a misspelt option',
    () => contextWindowOf('gemini-2.5-flash', { overides: {} } as never),
    /overrides/,
  ],
  [
    'contextWindowOf with overrides 5',
    () => contextWindowOf('gemini-2.5-flash', { overrides: 5 as never }),
    /overrides/,
  ],
  ['findKnownModel(5)', () => findKnownModel(5 as never), /findKnownModel: model/],
  ['findKnownModel(undefined)', () => findKnownModel(undefined as never), /model/],
  ['embeddingCostOf(usage, 5)', () => embeddingCostOf(USAGE, 5 as never), /embeddingCostOf: model/],
  [
    'embeddingCostOf with a misspelt teir',
    () => embeddingCostOf(USAGE, 'gemini-embedding-001', { teir: 'batch' } as never),
    /tier/,
  ],
  [
    "embeddingCostOf with tier 'constructor'",
    () => embeddingCostOf(USAGE, 'gemini-embedding-001', { tier: 'constructor' as never }),
    /tier/,
  ],
  [
    'embeddingCostOf with options 5',
    () => embeddingCostOf(USAGE, 'gemini-embedding-001', 5 as never),
    /embeddingCostOf/,
  ],
  [
    'embeddingCostOf with price 5',
    () => embeddingCostOf(USAGE, 'gemini-embedding-001', { price: 5 as never }),
    /price/,
  ],
  [
    'embeddingCostOf with usage "lots"',
    () => embeddingCostOf('lots' as never, 'gemini-embedding-001'),
    /usage/,
  ],
  ['findEmbeddingModel(5)', () => findEmbeddingModel(5 as never), /findEmbeddingModel: model/],
  ['liveCostOf(usage, 5)', () => liveCostOf(USAGE, 5 as never), /liveCostOf: model/],
  ['liveCostOf(null, model)', () => liveCostOf(null as never, 'gemini-live'), /liveCostOf: usage/],
  [
    'liveCostOf with prices null',
    () => liveCostOf(USAGE, 'gemini-live', null as never),
    /liveCostOf: prices/,
  ],
];

describe('the public pricing and model functions from outside', () => {
  it.each(refused)('%s: an InvalidArgumentError naming what was wrong', (_label, call, named) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(named);
  });

  it('names no Object.prototype member as a model or a tier', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(priceOf(name)).toBeUndefined();
      expect(priceOf('gemini-2.5-flash', name)).toBeUndefined();
      expect(findKnownModel(name)).toBeUndefined();
      expect(contextWindowOf(name)).toBeUndefined();
      expect(embeddingCostOf(USAGE, name).unknown).toMatch(/no embedding price/);
    }
  });

  it('what was right before is priced as before', () => {
    expect(priceOf('models/gemini-2.5-flash')?.input).toBe(priceOf('gemini-2.5-flash')?.input);
    expect(costOf(USAGE, 'gemini-2.5-flash').total).toBe(
      costOf(USAGE, 'gemini-2.5-flash', 'standard', {}).total,
    );
    expect(costOf({}, 'no-such-model').total).toBe('0');
    expect(costOf(USAGE, 'no-such-model').unknown).toMatch(/no price for no-such-model/);
    // A prices function is the caller's own; null from it means "no price".
    expect(costOf(USAGE, 'gemini-2.5-flash', undefined, () => null).unknown).toMatch(/no price/);
    expect(contextWindowOf('gemini-2.5-flash', { overrides: { 'gemini-2.5-flash': 32_000 } })).toBe(
      32_000,
    );
    // An override for another model does not concern this one.
    expect(contextWindowOf('gemini-2.5-flash', { overrides: { other: 1 } })).toBe(
      contextWindowOf('gemini-2.5-flash'),
    );
    expect(contextWindowOf('gemini-2.5-flash', {})).toBe(contextWindowOf('gemini-2.5-flash'));
    // A bad override value is passed over for the table's (it may be what a gateway reported):
    // the rule context-window-of.test.ts set, kept.
    for (const bad of ['32000', -1, Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
      expect(
        contextWindowOf('gemini-2.5-flash', { overrides: { 'gemini-2.5-flash': bad as never } }),
      ).toBe(1_048_576);
    }
    expect(embeddingCostOf(undefined, 'gemini-embedding-001').total).toBe('0');
    expect(embeddingCostOf({ promptTokenCount: 1000 }, 'gemini-embedding-001', {}).total).toBe(
      embeddingCostOf({ promptTokenCount: 1000 }, 'gemini-embedding-001').total,
    );
    expect(findKnownModel('models/gemini-2.5-flash')?.name).toBe('gemini-2.5-flash');
    expect(findEmbeddingModel('models/gemini-embedding-001')?.name).toBe('gemini-embedding-001');
    expect(findEmbeddingModel('constructor')).toBeUndefined();
    expect(liveCostOf(USAGE, 'no-such-live-model').total).toBeNull();
  });
});
