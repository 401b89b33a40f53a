import { describe, expect, it } from 'vitest';
import type { GenerateContentResponse } from '../wire/response.ts';
import { createStreamAccumulator } from './index.ts';

// attack58b: each chunk of a stream may name its candidate by `index`. The accumulator (the agent
// folds every model stream with it) looked the index up by a search of its candidates and sorted
// them whenever a new one came, so a stream whose chunks each name another candidate (a hostile or
// broken gateway) cost n²: 10,000 such chunks took ~10 s of CPU, against ~60 ms for 10,000 chunks
// of one candidate (load 30-40). Its promise: "Cost per chunk is proportional to the chunk".

const WALKING = ['find', 'findIndex', 'sort', 'indexOf', 'includes', 'some', 'filter', 'map'];

/** The array elements walked (by the methods above and iteration) while `run` runs. */
function countArrayWork(run: () => void): number {
  const prototype = Array.prototype as unknown as Record<string | symbol, unknown>;
  const originals = new Map<string | symbol, (...args: unknown[]) => unknown>();
  let work = 0;
  for (const name of [...WALKING, Symbol.iterator]) {
    const original = prototype[name] as (...args: unknown[]) => unknown;
    originals.set(name, original);
    prototype[name] = function (this: unknown[], ...args: unknown[]) {
      work += this.length;
      return original.apply(this, args);
    };
  }
  try {
    run();
  } finally {
    for (const [name, original] of originals) prototype[name] = original;
  }
  return work;
}

const chunkOf = (index: number): GenerateContentResponse => ({
  candidates: [{ index, content: { role: 'model', parts: [{ text: `c${index}` }] } }],
});

describe('createStreamAccumulator and chunks that each name another candidate', () => {
  it('takes them in work linear in the chunks: four times as many cost about four times more', () => {
    const pushAll = (count: number) => {
      // Given from the highest index down, so each new candidate sorts before all the others.
      const chunks = Array.from({ length: count }, (_, at) => chunkOf(count - 1 - at));
      const accumulator = createStreamAccumulator();
      const work = countArrayWork(() => {
        for (const chunk of chunks) accumulator.push(chunk);
      });
      return { work, response: accumulator.response() };
    };
    const small = pushAll(500);
    const large = pushAll(2000);
    // Linear: 4x. Before: 16x (each new index searched and sorted the whole list).
    expect(large.work / small.work).toBeLessThan(6);
    // Still one candidate per index, in index order, each with its own text.
    const candidates = large.response.candidates ?? [];
    expect(candidates).toHaveLength(2000);
    expect(candidates.map((candidate) => candidate.index)).toEqual(
      Array.from({ length: 2000 }, (_, index) => index),
    );
    expect(candidates[1999]?.content?.parts).toEqual([{ text: 'c1999' }]);
  });

  it('merges the chunks of each candidate in their order, and a chunk without index into 0', () => {
    const accumulator = createStreamAccumulator();
    accumulator.push({
      candidates: [
        { index: 1, content: { role: 'model', parts: [{ text: 'b1' }] } },
        { content: { role: 'model', parts: [{ text: 'a1' }] } },
      ],
    });
    accumulator.push({
      candidates: [
        { index: 0, content: { role: 'model', parts: [{ text: 'a2' }] }, finishReason: 'STOP' },
        { index: 1, content: { role: 'model', parts: [{ text: 'b2' }] }, finishReason: 'STOP' },
      ],
    });
    const candidates = accumulator.response().candidates ?? [];
    expect(candidates.map(({ index, content }) => [index, content?.parts])).toEqual([
      [0, [{ text: 'a1a2' }]],
      [1, [{ text: 'b1b2' }]],
    ]);
  });
});
