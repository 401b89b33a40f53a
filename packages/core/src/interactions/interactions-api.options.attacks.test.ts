import { InvalidArgumentError } from '@gemloop/core/errors';
import { interactionsApi } from '@gemloop/core/interactions';
import { describe, expect, it } from 'vitest';

// attack14: `interactionsApi({ store: false })` keeps a conversation off Google's servers (the
// Interactions API stores it by default). A misspelt `stor: false` or `Store: false` was ignored
// without a word: `store` stayed true and every turn was stored.

describe('interactionsApi options from outside', () => {
  it.each<[string, unknown, RegExp]>([
    ['stor', { stor: false }, /stor.*store/s],
    ['Store', { Store: false }, /Store.*store/s],
    ['backgrund', { backgrund: true }, /background/],
    ['an array', [], /interactionsApi/],
  ])('%s: an InvalidArgumentError naming the option meant', (_label, options, named) => {
    const make = () => interactionsApi(options as never);
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(named);
  });

  it('store: false is kept; nothing given stores, as the API does', () => {
    expect(interactionsApi({ store: false }).store).toBe(false);
    expect(interactionsApi().store).toBe(true);
    expect(interactionsApi({ background: { pollIntervalMs: 1000 } }).background).toEqual({
      pollIntervalMs: 1000,
    });
  });
});
