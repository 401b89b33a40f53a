import { describe, expect, it } from 'vitest';
import type { FakeTurn } from '../script/fake-turn.ts';
import type { FakeFileSearchStore, FakeState, FakeStoreDocument } from '../state/fake-state.ts';
import { retrieveFromStores, withFileSearchGrounding } from './fake-file-search-retrieval.ts';

// The fake's File Search: chunks scored by the words they share with the question, filtered by
// metadata, at most topK, and cited on the answer as File Search cites.

const document = (
  id: string,
  chunks: string[],
  extra: Partial<FakeStoreDocument> = {},
): FakeStoreDocument => ({
  id,
  displayName: `${id}.md`,
  mimeType: 'text/markdown',
  sizeBytes: 10,
  customMetadata: [],
  chunks,
  createTime: 0,
  state: 'STATE_ACTIVE',
  ...extra,
});
function stateWith(documents: FakeStoreDocument[]): FakeState {
  const store: FakeFileSearchStore = {
    id: 'docs',
    displayName: 'Docs',
    embeddingModel: 'x',
    createTime: 0,
    documents: new Map(documents.map((entry) => [entry.id, entry])),
  };
  return { fileSearchStores: new Map([['docs', store]]) } as unknown as FakeState;
}
const tool = (fileSearch: Record<string, unknown>) => ({
  tools: [{ fileSearch: { fileSearchStoreNames: ['fileSearchStores/docs'], ...fileSearch } }],
});
const texts = (found: ReturnType<typeof retrieveFromStores>) =>
  found !== undefined && 'results' in found ? found.results.map((result) => result.text) : found;

const state = stateWith([
  document('a', ['Refunds are issued within 14 days.', 'Shipping takes three days.']),
  document('b', ['Refunds for damaged items: refunds are immediate.'], {
    customMetadata: [
      { key: 'team', stringValue: 'support' },
      { key: 'year', numericValue: 2026 },
    ],
  }),
  document('c', ['Refunds pending review.'], { state: 'STATE_PENDING' }),
]);

describe('retrieveFromStores', () => {
  it('returns chunks sharing words with the question, best first, active documents only', () => {
    expect(
      texts(retrieveFromStores(state, tool({}), 'How do refunds work for damaged items?')),
    ).toEqual([
      'Refunds for damaged items: refunds are immediate.',
      'Refunds are issued within 14 days.',
    ]);
  });

  it('keeps at most topK, in either spelling, and the default for a bad topK', () => {
    expect(texts(retrieveFromStores(state, tool({ top_k: 1 }), 'refunds'))).toHaveLength(1);
    for (const topK of [0, -1, 1.5, 'x', null]) {
      expect(
        texts(retrieveFromStores(state, tool({ topK }), 'refunds')),
        String(topK),
      ).toHaveLength(2);
    }
  });

  it('filters by metadata: strings, numbers and AND', () => {
    const only = (metadataFilter: string) =>
      texts(retrieveFromStores(state, tool({ metadataFilter }), 'refunds'));
    expect(only('team = "support"')).toEqual(['Refunds for damaged items: refunds are immediate.']);
    expect(only('team = "support" AND year = 2026')).toHaveLength(1);
    expect(only('year = 2025')).toEqual([]);
  });

  it('refuses a filter beyond the fake, quoting at most 200 characters and no half emoji', () => {
    const found = retrieveFromStores(
      state,
      tool({ metadataFilter: `team != "xy" ${'😀'.repeat(150)}` }),
      'refunds',
    );
    expect(found && 'error' in found ? found.error.status : undefined).toBe(400);
    const message =
      found && 'error' in found
        ? (found.error.body as { error: { message: string } }).error.message
        : '';
    expect(message).toMatch(/^\[gemloop fake\] metadataFilter ".*" is beyond the fake/);
    expect(message).not.toMatch(/\\ud83d"|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/i);
  });

  it('is not involved without a fileSearch tool naming a store it holds', () => {
    expect(retrieveFromStores(state, {}, 'refunds')).toBeUndefined();
    expect(retrieveFromStores(state, { tools: [{ googleSearch: {} }] }, 'refunds')).toBeUndefined();
    expect(
      retrieveFromStores(state, tool({ fileSearchStoreNames: ['fileSearchStores/other'] }), 'x'),
    ).toBeUndefined();
    expect(retrieveFromStores(state, { tools: 'x' }, 'x')).toBeUndefined();
  });

  it('finds nothing for a question of stop words, short words or no question', () => {
    expect(texts(retrieveFromStores(state, tool({}), 'how is it?'))).toEqual([]);
    expect(texts(retrieveFromStores(state, tool({}), undefined))).toEqual([]);
  });
});

describe('withFileSearchGrounding', () => {
  const results = [
    {
      store: 'fileSearchStores/docs',
      document: 'fileSearchStores/docs/documents/a',
      title: 'a.md',
      text: 'chunk',
    },
  ];

  it('cites the retrieved chunks over the whole answer, its end in UTF-8 bytes', () => {
    const turn = {
      parts: [{ text: 'Refunds ' }, { text: 'take 14 days 😀' }, { text: 'hidden', thought: true }],
    } as FakeTurn;
    const grounded = withFileSearchGrounding(turn, results);
    expect(grounded.groundingMetadata).toEqual({
      groundingChunks: [
        {
          retrievedContext: {
            title: 'a.md',
            text: 'chunk',
            fileSearchStore: 'fileSearchStores/docs',
          },
        },
      ],
      groundingSupports: [
        {
          segment: {
            endIndex: Buffer.byteLength('Refunds take 14 days 😀'),
            text: 'Refunds take 14 days 😀',
          },
          groundingChunkIndices: [0],
        },
      ],
    });
  });

  it('leaves a turn alone with nothing retrieved, its own grounding, or no text', () => {
    const turn = { parts: [{ text: 'x' }] } as FakeTurn;
    expect(withFileSearchGrounding(turn, [])).toBe(turn);
    const own = { parts: [{ text: 'x' }], groundingMetadata: {} } as FakeTurn;
    expect(withFileSearchGrounding(own, results)).toBe(own);
    const call = { parts: [{ functionCall: { name: 'a', args: {} } }] } as FakeTurn;
    expect(withFileSearchGrounding(call, results)).toBe(call);
  });
});
