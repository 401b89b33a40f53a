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

/** A source already open: `open` does nothing, `start` hands the source out as it is. */
function opened<T>(
  source: AsyncGenerator<readonly T[], void, undefined>,
): [
  (options: undefined, read: undefined) => Promise<void>,
  undefined,
  undefined,
  () => AsyncGenerator<readonly T[], void, undefined>,
] {
  return [() => Promise.resolve(), undefined, undefined, () => source];
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
    const chunks = new ChunksOfBatches(
      ...opened(source([[1, 2, 3], [], [4], [5, 6]], log)),
      (chunk) => {
        taken.push(chunk);
        return true;
      },
    );
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

  it('hands out the rest of the batch in hand without a promise, and says when next() must ask', async () => {
    const log: string[] = [];
    const taken: number[] = [];
    let refuse = false;
    const chunks = new ChunksOfBatches(
      ...opened(
        source(
          [
            [1, 2, 3],
            [4, 5],
          ],
          log,
        ),
      ),
      (chunk) => {
        if (refuse) return false;
        taken.push(chunk);
        return true;
      },
    );
    // Nothing in hand before the first batch came: next() asks the source.
    expect(chunks.takeBuffered()).toBeUndefined();
    const first = chunks.next();
    // A call is waiting on the source: nothing is handed out past it.
    expect(chunks.takeBuffered()).toBeUndefined();
    expect(await first).toEqual({ done: false, value: 1 });
    expect(chunks.takeBuffered()).toBe(2);
    expect(chunks.takeBuffered()).toBe(3);
    // The batch is used up: the source is asked only by next().
    expect(chunks.takeBuffered()).toBeUndefined();
    expect(log).toEqual(['yield 1,2,3']);
    expect(await chunks.next()).toEqual({ done: false, value: 4 });
    // A chunk `take` refuses is not handed out, nor skipped: next() decides what comes.
    refuse = true;
    expect(chunks.takeBuffered()).toBeUndefined();
    refuse = false;
    expect(chunks.takeBuffered()).toBe(5);
    expect(await chunks.next()).toEqual({ done: true, value: undefined });
    expect(taken).toEqual([1, 2, 3, 4, 5]);
    expect(log).toEqual(['yield 1,2,3', 'resumed', 'yield 4,5', 'resumed', 'end', 'finally']);
  });

  it('answers calls made before the last one settled in order, as an async generator queues them', async () => {
    const chunks = new ChunksOfBatches(...opened(source([[1], [2, 3], [4]], [])), () => true);
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
    const chunks = new ChunksOfBatches(...opened(failing), () => !stop);
    expect(await chunks.next()).toEqual({ done: false, value: 1 });
    stop = true;
    await expect(chunks.next()).rejects.toThrow('aborted');
    expect(log).toEqual(['finally']);
    expect(await chunks.next()).toEqual({ done: true, value: undefined });
  });

  it('sends return() to the source mid-batch (its finally runs) and ends', async () => {
    const log: string[] = [];
    const chunks = new ChunksOfBatches(...opened(source([[1, 2, 3], [4]], log)), () => true);
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
    const chunks = new ChunksOfBatches(...opened(source([[1, 2]], log)), () => true);
    expect(await chunks.next()).toEqual({ done: false, value: 1 });
    await expect(chunks.throw(new Error('stop'))).rejects.toThrow('stop');
    expect(log).toEqual(['yield 1,2', 'finally']);
  });

  it("passes the source's failure on after the chunks before it", async () => {
    const failing = (async function* (): AsyncGenerator<readonly number[], void, undefined> {
      yield [1, 2];
      throw new Error('cut');
    })();
    const chunks = new ChunksOfBatches(...opened(failing), () => true);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const chunk of chunks) seen.push(chunk);
      })(),
    ).rejects.toThrow('cut');
    expect(seen).toEqual([1, 2]);
  });

  describe('opening the source', () => {
    type Batches = readonly (readonly number[])[];
    /** What `open` is given, as a stream's request options and the reader of its response. */
    type Options = { readonly url: string };
    type Read = (batches: Batches) => Batches;

    /**
     * An opening source whose `open(options, read)` logs its calls, the frame it was called from
     * and its arguments, and resolves to (or fails with) what `batches` gives, passed through
     * `read`.
     */
    function opening(
      log: string[],
      batches: () => Promise<Batches>,
    ): [
      (options: Options, read: Read) => Promise<Batches>,
      Options,
      Read,
      (opening: Promise<Batches>) => AsyncGenerator<readonly number[], void, undefined>,
    ] {
      return [
        (options, read) => {
          log.push('open');
          // The frame that opens, read from a stack taken inside open (as the request path's).
          log.push(
            new Error('open').stack?.split('\n')[2]?.includes('ChunksOfBatches.next')
              ? 'from next'
              : 'elsewhere',
          );
          log.push(`options ${options.url}`);
          return batches().then(read);
        },
        { url: 'the url' },
        (batches) => batches.map((batch) => batch.map((chunk) => chunk * 10)),
        async function* (opening) {
          log.push('start');
          yield* source(await opening, log);
        },
      ];
    }

    it('opens nothing until the first next(), then opens once, from next() itself', async () => {
      const log: string[] = [];
      const chunks = new ChunksOfBatches(...opening(log, async () => [[1, 2], [3]]), () => true);
      expect(log).toEqual([]);
      expect(await drain(chunks)).toEqual([10, 20, 30]);
      expect(log).toEqual([
        'open',
        'from next',
        'options the url',
        'start',
        'yield 10,20',
        'resumed',
        'yield 30',
        'resumed',
        'end',
        'finally',
      ]);
    });

    it("passes a failure to open on through the source, as the first next()'s rejection", async () => {
      const log: string[] = [];
      const chunks = new ChunksOfBatches(
        ...opening(log, () => Promise.reject(new Error('refused'))),
        () => true,
      );
      await expect(chunks.next()).rejects.toThrow('refused');
      expect(log).toEqual(['open', 'from next', 'options the url', 'start']);
      expect(await chunks.next()).toEqual({ done: true, value: undefined });
    });

    it('ends without opening on return() or throw() before the first next()', async () => {
      const log: string[] = [];
      const returned = new ChunksOfBatches(...opening(log, async () => [[1]]), () => true);
      expect(await returned.return()).toEqual({ done: true, value: undefined });
      expect(await returned.next()).toEqual({ done: true, value: undefined });
      const thrown = new ChunksOfBatches(...opening(log, async () => [[1]]), () => true);
      await expect(thrown.throw(new Error('stop'))).rejects.toThrow('stop');
      expect(await thrown.next()).toEqual({ done: true, value: undefined });
      expect(log).toEqual([]);
    });

    it('sends return() during the opening to the source once it is open (its finally runs)', async () => {
      const log: string[] = [];
      const chunks = new ChunksOfBatches(...opening(log, async () => [[1, 2], [3]]), () => true);
      const first = chunks.next();
      const ended = chunks.return();
      expect(await first).toEqual({ done: false, value: 10 });
      expect(await ended).toEqual({ done: true, value: undefined });
      expect(log).toEqual([
        'open',
        'from next',
        'options the url',
        'start',
        'yield 10,20',
        'finally',
      ]);
    });
  });
});
