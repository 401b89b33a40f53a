/**
 * A value made by an asynchronous load on its first use: what gemloop defers so that `import
 * '@gemloop/core'` stays cheap (the run loop, the request path, the caches API, Vertex auth,
 * p-retry; bench/README.md, "Cold import"). Once loaded, `value` is there for a synchronous use
 * (a call then takes no more turns of the event loop than with a static import); one load runs at
 * a time, and a failed load is not kept, so the next use tries again and fails with the loader's
 * own error, as any import would.
 *
 * In `retry/` because that is the lowest layer that uses it (CONTRIBUTING.md, "Architecture").
 * @internal
 */
export class LoadOnce<T> {
  /** The loaded value, once a load has succeeded. */
  value: T | undefined;
  #loading: Promise<T> | undefined;
  readonly #load: () => Promise<T>;

  constructor(load: () => Promise<T>) {
    this.#load = load;
  }

  /** The value: the load in flight, or a new one when none is (or the last one failed). */
  load(): Promise<T> {
    this.#loading ??= this.#load().then(
      (value) => {
        this.value = value;
        return value;
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }
}
