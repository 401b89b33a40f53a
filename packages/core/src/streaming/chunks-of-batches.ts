const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The chunks of a generator of batches, one per `next()`, as a stream's consumer takes them: a
 * chunk of the batch in hand is handed out at once, with no async generator step; the source is
 * asked only for the next batch, and whenever `take` says no. In place of an async generator
 * step per chunk, the parse scenario's CPU per chunk is 3-7 % lower, both A/B orders
 * (bench/src/ab/ab-parse.ts; A/A noise 2 %), so the source yields a network read's chunks as one
 * batch and this hands them out.
 *
 * The source keeps all the stream's logic (its `try`/`finally`, errors, release): a failure comes
 * from it, and so does the end. `return()` and `throw()` go to it, as `yield*` would send them.
 * Calls made while the source is being asked wait their turn, as an async generator's queue does.
 * @internal
 */
export class ChunksOfBatches<T> implements AsyncIterableIterator<T> {
  readonly #source: AsyncGenerator<readonly T[], void, undefined>;
  readonly #take: (chunk: T) => boolean;
  #batch: readonly T[] = [];
  #index = 0;
  /** The source's answer being awaited; later calls are chained after it. */
  #busy: Promise<unknown> | undefined;

  /**
   * @param source Yields batches of at least one chunk; is resumed to get the next batch, or when
   *   `take` refuses a chunk (it then fails, e.g. with the abort reason).
   * @param take Called for each chunk before it is handed out: its bookkeeping, and `false` when
   *   the stream must stop (the chunk is not handed out; the source is resumed instead).
   */
  constructor(source: AsyncGenerator<readonly T[], void, undefined>, take: (chunk: T) => boolean) {
    this.#source = source;
    this.#take = take;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#busy !== undefined) return this.#after(() => this.next());
    if (this.#index < this.#batch.length) {
      const chunk = this.#batch[this.#index] as T;
      if (this.#take(chunk)) {
        this.#index++;
        return Promise.resolve({ done: false, value: chunk });
      }
      // Refused: the rest of the batch is dropped; the source decides what comes (a failure).
      this.#batch = [];
      this.#index = 0;
    }
    return this.#ask(this.#source.next());
  }

  return(value?: unknown): Promise<IteratorResult<T, undefined>> {
    if (this.#busy !== undefined) return this.#after(() => this.return(value));
    this.#batch = [];
    this.#index = 0;
    return this.#ask(this.#source.return(undefined));
  }

  throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    if (this.#busy !== undefined) return this.#after(() => this.throw(error));
    this.#batch = [];
    this.#index = 0;
    return this.#ask(this.#source.throw(error));
  }

  #after(call: () => Promise<IteratorResult<T, undefined>>): Promise<IteratorResult<T, undefined>> {
    const busy = this.#busy as Promise<unknown>;
    return busy.then(call, call);
  }

  #ask(answer: Promise<IteratorResult<readonly T[], void>>): Promise<IteratorResult<T, undefined>> {
    const result = answer.then(
      (step) => {
        this.#busy = undefined;
        if (step.done === true || step.value.length === 0) {
          // An empty batch is not expected; ending there would lose the chunks after it.
          if (step.done !== true) return this.next();
          return DONE;
        }
        this.#batch = step.value;
        this.#index = 0;
        return this.next();
      },
      (error: unknown) => {
        this.#busy = undefined;
        throw error;
      },
    );
    this.#busy = result;
    return result;
  }
}
