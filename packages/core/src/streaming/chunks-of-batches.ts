const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * What {@link ChunksOfBatches} reads batches from: an async generator of batches, or an object
 * that answers as one (`next()` after each batch, `return()` and `throw()` as a generator's).
 * @internal
 */
export type BatchSource<T> = {
  next(): Promise<IteratorResult<readonly T[], void>>;
  return(value?: undefined): Promise<IteratorResult<readonly T[], void>>;
  throw(error?: unknown): Promise<IteratorResult<readonly T[], void>>;
};

/**
 * What a source ended before it was opened is started on: its generator, not started, ends at
 * `return()`/`throw()` without running (so without awaiting this, which never settles).
 */
const NOT_OPENED: Promise<never> = new Promise(() => {});

/**
 * The chunks (never `undefined`) of a generator of batches, one per `next()`, as a stream's
 * consumer takes them: a chunk of the batch in hand is handed out at once, with no async generator
 * step; the source is asked only for the next batch, and whenever `take` says no. In place of an async generator
 * step per chunk, the parse scenario's CPU per chunk is 3-7 % lower, both A/B orders
 * (bench/src/ab/ab-parse.ts; A/A noise 2 %), so the source yields a network read's chunks as one
 * batch and this hands them out.
 *
 * The source keeps all the stream's logic (its `try`/`finally`, errors, release): a failure comes
 * from it, and so does the end. `return()` and `throw()` go to it, as `yield*` would send them.
 * Calls made while the source is being asked wait their turn, as an async generator's queue does.
 *
 * The source is opened by the first `next()`: it calls `open` itself and starts the source on its
 * promise, so what `open` does (a stream's request) runs in this frame, not one frame deeper in
 * the source's generator (issue 53 item 8: one call fewer between `agent.stream()` and the
 * transport, agent/request-path-depth.test.ts). Ended before that (`return()`, `throw()`), it
 * opens nothing, as a generator not started runs nothing.
 * @internal
 */
export class ChunksOfBatches<T, O = unknown, A = unknown, R = unknown>
  implements AsyncIterableIterator<T>
{
  readonly #open: (options: A, read: R) => Promise<O>;
  readonly #options: A;
  readonly #read: R;
  readonly #start: (opening: Promise<O>) => BatchSource<T>;
  /** `undefined` until the first `next()` opened it. */
  #source: BatchSource<T> | undefined = undefined;
  readonly #take: (chunk: T) => boolean;
  #batch: readonly T[] = [];
  #index = 0;
  /** The source's answer being awaited; later calls are chained after it. */
  #busy: Promise<unknown> | undefined;

  /**
   * @param open Called by the first `next()` as `open(options, read)`, from its frame. Passed with
   *   its two arguments rather than bound to them: `bind` on an async function takes V8's slow
   *   path (its prototype is not `Function.prototype`), 0.4-0.7 us a call against 0.1 us for a
   *   plain function (Node 20, 2 million binds, load 14-24).
   * @param options `open`'s first argument.
   * @param read `open`'s second argument.
   * @param start Makes the source on `open`'s promise, which the source awaits first (so a
   *   failure to open is the source's, and never unhandled). The source yields batches of at
   *   least one chunk; is resumed to get the next batch, or when `take` refuses a chunk (it then
   *   fails, e.g. with the abort reason).
   * @param take Called for each chunk before it is handed out: its bookkeeping, and `false` when
   *   the stream must stop (the chunk is not handed out; the source is resumed instead).
   */
  constructor(
    open: (options: A, read: R) => Promise<O>,
    options: A,
    read: R,
    start: (opening: Promise<O>) => BatchSource<T>,
    take: (chunk: T) => boolean,
  ) {
    this.#open = open;
    this.#options = options;
    this.#read = read;
    this.#start = start;
    this.#take = take;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#busy !== undefined) return this.#after(() => this.next());
    const chunk = this.takeBuffered();
    if (chunk !== undefined) return Promise.resolve({ done: false, value: chunk });
    // The batch is used up, or `take` refused its next chunk: the rest of it is dropped, and the
    // source decides what comes (the next batch, or a failure).
    this.#batch = [];
    this.#index = 0;
    this.#source ??= this.#start(this.#open(this.#options, this.#read));
    return this.#ask(this.#source.next());
  }

  /**
   * The next chunk of the batch in hand, taken as `next()` would hand it out, without a promise;
   * `undefined` when `next()` must be called instead (the batch is used up, a call is waiting, or
   * `take` refused the chunk). A consumer that drains a batch so (the continuation's fold of a
   * streamed call) pays one promise and one turn of the microtask queue a network read, not one
   * a chunk.
   */
  takeBuffered(): T | undefined {
    if (this.#busy !== undefined || this.#index >= this.#batch.length) return undefined;
    const chunk = this.#batch[this.#index] as T;
    if (!this.#take(chunk)) return undefined;
    this.#index++;
    return chunk;
  }

  return(value?: unknown): Promise<IteratorResult<T, undefined>> {
    if (this.#busy !== undefined) return this.#after(() => this.return(value));
    this.#batch = [];
    this.#index = 0;
    this.#source ??= this.#start(NOT_OPENED);
    return this.#ask(this.#source.return(undefined));
  }

  throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    if (this.#busy !== undefined) return this.#after(() => this.throw(error));
    this.#batch = [];
    this.#index = 0;
    this.#source ??= this.#start(NOT_OPENED);
    return this.#ask(this.#source.throw(error));
  }

  #after(call: () => Promise<IteratorResult<T, undefined>>): Promise<IteratorResult<T, undefined>> {
    const busy = this.#busy as Promise<unknown>;
    return busy.then(call, call);
  }

  #ask(answer: Promise<IteratorResult<readonly T[], void>>): Promise<IteratorResult<T, undefined>> {
    const result = answer.then(this.#onStep, this.#onFailure);
    this.#busy = result;
    return result;
  }

  // The source's answer, handled by two functions made once a stream rather than two closures
  // made every batch.
  readonly #onStep = (
    step: IteratorResult<readonly T[], void>,
  ): IteratorResult<T, undefined> | Promise<IteratorResult<T, undefined>> => {
    this.#busy = undefined;
    if (step.done === true || step.value.length === 0) {
      // An empty batch is not expected; ending there would lose the chunks after it.
      if (step.done !== true) return this.next();
      return DONE;
    }
    this.#batch = step.value;
    this.#index = 0;
    // The first chunk handed out from here, not through `this.next()`: a promise returned from a
    // `then` callback costs two more turns of the microtask queue a batch.
    const chunk = this.takeBuffered();
    return chunk === undefined ? this.next() : { done: false, value: chunk };
  };

  readonly #onFailure = (error: unknown): never => {
    this.#busy = undefined;
    throw error;
  };
}
