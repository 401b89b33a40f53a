/**
 * A library a schema needs on first use (@cfworker/json-schema for a JSON Schema tool's
 * validation, zod-to-json-schema for a zod 3 schema), from the `#platform` half that knows how to
 * load it: on Node `requireLibrary` loads it synchronously where it is first needed and
 * `importLibrary` has nothing to do (undefined); off Node there is no synchronous require(), so
 * `requireLibrary` gives nothing and `importLibrary` imports its chunk, which `load()` starts and
 * keeps. One import runs at a time, and a failed one is not kept: the next `load()` tries again and
 * fails with the import's own error, as any import would (as `LoadOnce`).
 * @internal
 */
export class SchemaLibraryLoader<Library> {
  #library: Library | undefined;
  #loading: Promise<void> | undefined;
  readonly #requireLibrary: () => unknown;
  readonly #importLibrary: () => Promise<unknown> | undefined;

  constructor(requireLibrary: () => unknown, importLibrary: () => Promise<unknown> | undefined) {
    this.#requireLibrary = requireLibrary;
    this.#importLibrary = importLibrary;
  }

  /** The library, loaded now on Node; off Node undefined until an import has brought it. */
  get(): Library | undefined {
    this.#library ??= this.#requireLibrary() as Library | undefined;
    return this.#library;
  }

  /**
   * Off Node, the import of the library (started here, or the one in flight); undefined when
   * there is nothing to wait for: it is loaded, or this is Node, where `get()` loads it on first
   * use (so defining a tool never loads it there).
   */
  load(): Promise<void> | undefined {
    if (this.#library !== undefined) return undefined;
    if (this.#loading !== undefined) return this.#loading;
    const importing = this.#importLibrary();
    if (importing === undefined) return undefined;
    this.#loading = importing.then(
      (library) => {
        this.#library = library as Library;
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    // Started ahead of need (by defineTool, createAgent) with nobody awaiting yet: a failure is
    // reported to those that await it (a run, preloadToolSchemas), not as an unhandled rejection.
    this.#loading.catch(() => {});
    return this.#loading;
  }
}
