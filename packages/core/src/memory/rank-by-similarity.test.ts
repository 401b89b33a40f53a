import { describe, expect, it } from 'vitest';
import { cosineSimilarity, type EmbeddedMemory, rankBySimilarity } from './rank-by-similarity.ts';

function memory(id: string, embedding: readonly number[]): EmbeddedMemory {
  return {
    id,
    scope: 'u',
    kind: 'fact',
    text: `text of ${id}`,
    createdAt: '2026-11-26T00:00:00.000Z',
    updatedAt: '2026-11-26T00:00:00.000Z',
    embedding,
  };
}

describe('cosineSimilarity', () => {
  it('is 1 for one direction, 0 for orthogonal vectors and -1 for opposite ones, whatever the length', () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0);
    expect(cosineSimilarity([1, -1], [-3, 3])).toBeCloseTo(-1, 12);
  });

  it('is 0, not an error, for vectors of different lengths, an empty one or an all-zero one', () => {
    expect(cosineSimilarity([1, 0], [1, 0, 0])).toBe(0);
    expect(cosineSimilarity([], [])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(cosineSimilarity([1, 1], [0, 0])).toBe(0);
  });

  it('scores huge finite components by their direction, not NaN (the squares overflow to Infinity)', () => {
    // checkEmbedding takes any finite number; 1e200 squared is Infinity, and Infinity / Infinity
    // is NaN, which no minScore filters out and which breaks the sort.
    expect(cosineSimilarity([1e200, 1e200], [1e200, 1e200])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1e200, 0], [0, 1e200])).toBe(0);
    expect(cosineSimilarity([-1e300, 1e300], [1e300, -1e300])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([1e160, 0], [1e160, 0])).toBeCloseTo(1, 12);
  });

  it('scores tiny components by their direction, not 0 (the squares underflow to zero)', () => {
    expect(cosineSimilarity([1e-200, 1e-200], [1e-200, 1e-200])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([5e-324, 0], [1, 0])).toBeCloseTo(1, 12);
  });

  it('never leaves [-1, 1] through rounding', () => {
    const a = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
    for (let scale = 1; scale < 1e6; scale *= 7) {
      const score = cosineSimilarity(
        a,
        a.map((value) => value * scale),
      );
      expect(score).toBeLessThanOrEqual(1);
      expect(score).toBeGreaterThan(0.999999);
    }
  });
});

describe('rankBySimilarity', () => {
  const memories = [
    memory('east', [1, 0]),
    memory('north-east', [1, 1]),
    memory('north', [0, 1]),
    memory('west', [-1, 0]),
  ];

  it('returns the best `limit` memories, best first, without their embeddings', () => {
    const found = rankBySimilarity(memories, { text: 'q', embedding: [1, 0.2], limit: 2 });
    expect(found.map(({ id }) => id)).toEqual(['east', 'north-east']);
    expect(found[0]).not.toHaveProperty('embedding');
    expect(found[0]?.text).toBe('text of east');
    expect(found[0]?.score ?? 0).toBeGreaterThan(found[1]?.score ?? 1);
  });

  it('leaves out memories below minScore, and keeps every one (down to -1) without it', () => {
    const query = { text: 'q', embedding: [1, 0], limit: 10 };
    expect(rankBySimilarity(memories, { ...query, minScore: 0.5 }).map(({ id }) => id)).toEqual([
      'east',
      'north-east',
    ]);
    expect(rankBySimilarity(memories, query).map(({ id }) => id)).toEqual([
      'east',
      'north-east',
      'north',
      'west',
    ]);
  });

  it('refuses a memory embedded with another size, naming both lengths (leftovers39: it scored 0, never found)', () => {
    const mixed = [memory('same', [1, 0]), memory('other-model', [1, 0, 0])];
    expect(() => rankBySimilarity(mixed, { text: 'q', embedding: [1, 0], limit: 5 })).toThrow(
      expect.objectContaining({
        code: 'embedding-length',
        expected: 2,
        received: 3,
        memoryId: 'other-model',
      }),
    );
  });

  it('ranks memories with huge components by direction (no NaN score left in the list)', () => {
    const hostile = [memory('huge-away', [-1e200, 1e200]), memory('huge-same', [1e200, 1e-10])];
    const found = rankBySimilarity([...hostile, ...memories], {
      text: 'q',
      embedding: [1, 0],
      limit: 3,
      minScore: 0.9,
    });
    expect(found.map(({ id }) => id)).toEqual(['huge-same', 'east']);
    for (const { score } of found) expect(Number.isNaN(score)).toBe(false);
  });

  it('reads any iterable once (a generator of a store)', () => {
    function* stream(): Generator<EmbeddedMemory> {
      yield* memories;
    }
    expect(rankBySimilarity(stream(), { text: 'q', embedding: [0, 1], limit: 1 })).toHaveLength(1);
  });
});
