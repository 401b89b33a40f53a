import { describe, expect, it } from 'vitest';
import { ChunksOfBatches } from './chunks-of-batches.ts';

/** A source of `batches` that logs its steps and how it ended. */
function source(batches: readonly (readonly number[])[], log: string[]) {
  return (async function* (): AsyncGenerator<readonly number[], void, undefined> {
    try {
      for (const batch of batches) {
        log.push(`yield ${batch.join(',')}`);
        yield batch;
        log.push('resumed');
      }
      log.push('end');
    } finally {
      log.push('finally');
    }
  })();
}

async function drain(iterator: AsyncIterable<number>): Promise<number[]> {
  const seen: number[] = [];
  for await (const chunk of iterator) seen.push(chunk);
  return seen;
}

describe('ChunksOfBatches', () => {
  it('hands out every chunk of every batch in order, asking the source once per batch', async () => {
    const log: string[] = [];
    const taken: number[] = [];
    const chunks = new ChunksOfBatches(source([[1, 2, 3], [], [4], [5, 6]], log), (chunk) => {
      taken.push(chunk);
      return true;
    });
    expect(await drain(chunks)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(taken).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log).toEqual([
      'yield 1,2,3',
      'resumed',
      'yield ',
      'resumed',
      'yield 4',
      'resumed',
      'yield 5,6',
      'resumed',
      'end',
      'finally',
    ]);
    expect(await chunks.next()).toEqual({ done: true, value: undefined });
  });

  it('answers calls made before the last one settled in order, as an async generator queues them', async () => {
    const chunks = new ChunksOfBatches(source([[1], [2, 3], [4]], []), () => true);
    const results = await Promise.all([
      chunks.next(),
      chunks.next(),
      chunks.next(),
      chunks.next(),
      chunks.next(),
    ]);
    expect(results).toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
      { done: false, value: 3 },
      { done: false, value: 4 },
      { done: true, value: undefined },
    ]);
  });

  it('resumes the source instead of handing out a refused chunk, and passes its failure on', async () => {
    const log: string[] = [];
    let stop = false;
    const failing = (async function* (): AsyncGenerator<readonly number[], void, undefined> {
      try {
        yield [1, 2, 3];
        if (stop) throw new Error('aborted');
        yield [4];
      } finally {
        log.push('finally');
      }
    })();
    const chunks = new ChunksOfBatches(failing, () => !stop);
    expect(await chunks.next()).toEqual({ done: false, value: 1 });
    stop = true;
    await expect(chunks.next()).rejects.toThrow('aborted');
    expect(log).toEqual(['finally']);
    expect(await chunks.next()).toEqual({ done: true, value: undefined });
  });

  it('sends return() to the source mid-batch (its finally runs) and ends', async () => {
    const log: string[] = [];
    const chunks = new ChunksOfBatches(source([[1, 2, 3], [4]], log), () => true);
    const seen: number[] = [];
    for await (const chunk of chunks) {
      seen.push(chunk);
      if (chunk === 2) break;
    }
    expect(seen).toEqual([1, 2]);
    expect(log).toEqual(['yield 1,2,3', 'finally']);
    expect(await chunks.next()).toEqual({ done: true, value: undefined });
  });

  it('sends throw() to the source, whose failure comes back', async () => {
    const log: string[] = [];
    const chunks = new ChunksOfBatches(source([[1, 2]], log), () => true);
    expect(await chunks.next()).toEqual({ done: false, value: 1 });
    await expect(chunks.throw(new Error('stop'))).rejects.toThrow('stop');
    expect(log).toEqual(['yield 1,2', 'finally']);
  });

  it("passes the source's failure on after the chunks before it", async () => {
    const failing = (async function* (): AsyncGenerator<readonly number[], void, undefined> {
      yield [1, 2];
      throw new Error('cut');
    })();
    const chunks = new ChunksOfBatches(failing, () => true);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const chunk of chunks) seen.push(chunk);
      })(),
    ).rejects.toThrow('cut');
    expect(seen).toEqual([1, 2]);
  });
});
