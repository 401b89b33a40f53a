import type { DeclaredOptions, OptionCheck } from '../options/define-options.ts';
import {
  checkOptionsCopy,
  defineOptions,
  integerOption,
  optionCheck,
} from '../options/define-options.ts';

/**
 * Where the full text of a tool result is kept when less of it goes into the context (a tool
 * output budget truncated it, or a compaction cleared it), so the model can read it back in
 * slices with the `read_tool_output` tool ({@link readToolOutputTool}).
 *
 * A store may be synchronous (the memory and file stores) or asynchronous (a database: the
 * Postgres store of `@gemloop/dbos`). The run starts each `put` where the marker naming its id is
 * made, and waits for every pending one before it sends a history that names them, so a write
 * never reorders the run and an artifact is stored before the model can ask for it. A `put` that
 * fails (throws or rejects: too large, the database gone) is logged as a warning and the run goes
 * on: reading that id then says it was never kept.
 */
export interface ArtifactStore {
  /** Keeps `text` under `id` (a fresh id gemloop made). */
  put(id: string, text: string): void | Promise<void>;
  /** The stored text of `id`, or `undefined` when there is none (never stored, or evicted). */
  get(id: string): string | undefined | Promise<string | undefined>;
}

/**
 * The check of an `artifacts` option (`compaction()`'s, `toolOutput`'s): a store with `put` and
 * `get`. @internal
 */
export const artifactStoreCheck: OptionCheck = optionCheck(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ArtifactStore).put === 'function' &&
    typeof (value as ArtifactStore).get === 'function',
  (path) => `${path} must be an ArtifactStore ({ put, get }), e.g. createMemoryArtifactStore().`,
);

/**
 * The writes a run started on artifact stores, awaited together before the history naming their
 * ids is sent (`settle`). A failed write goes to `onFailed`, never to the run. @internal
 */
export class ArtifactWrites {
  readonly #pending: Promise<void>[] = [];
  readonly #onFailed: (error: unknown, id: string) => void;

  constructor(onFailed: (error: unknown, id: string) => void) {
    this.#onFailed = onFailed;
  }

  /** Starts `store.put(id, text)`; an asynchronous one is kept for `settle`. */
  put(store: ArtifactStore, id: string, text: string): void {
    let written: void | Promise<void>;
    try {
      written = store.put(id, text);
    } catch (error) {
      this.#onFailed(error, id);
      return;
    }
    if (written !== undefined && typeof (written as { then?: unknown }).then === 'function') {
      this.#pending.push(
        Promise.resolve(written).then(
          () => {},
          (error: unknown) => this.#onFailed(error, id),
        ),
      );
    }
  }

  /** Waits for every write started so far (never rejects). */
  async settle(): Promise<void> {
    while (this.#pending.length > 0) await Promise.all(this.#pending.splice(0));
  }
}

/**
 * @defaultValue of `maxBytes` of {@link createMemoryArtifactStore}: 64 MiB of UTF-16 text (counted
 * as two bytes a character). Past it the oldest artifacts are evicted; reading one then says so.
 */
export const DEFAULT_MAX_ARTIFACT_BYTES: number = 64 * 1024 * 1024;

/** Options of {@link createMemoryArtifactStore}. */
export type MemoryArtifactStoreOptions = {
  /** @defaultValue {@link DEFAULT_MAX_ARTIFACT_BYTES} */
  maxBytes?: number | undefined;
};

/**
 * A store's `maxBytes`: a whole number of bytes, at least 1. A string or NaN compared false with
 * every size (no bound at all: attack13), a negative one kept nothing. @internal
 */
export const artifactBytesCheck: OptionCheck = integerOption({
  min: 1,
  max: Number.MAX_SAFE_INTEGER,
});

const memoryStoreOptions: DeclaredOptions<MemoryArtifactStoreOptions> =
  defineOptions<MemoryArtifactStoreOptions>({
    name: 'createMemoryArtifactStore',
    example: '{ maxBytes: 16 * 1024 * 1024 }',
    checks: { maxBytes: artifactBytesCheck },
  });

/**
 * An {@link ArtifactStore} in memory, bounded: past `maxBytes` the oldest entries are dropped
 * (a long run must not grow the heap without limit with results nobody reads again).
 * @throws `InvalidArgumentError` for an unknown option or a `maxBytes` that is not a whole
 *   number of bytes of at least 1.
 */
export function createMemoryArtifactStore(options: MemoryArtifactStoreOptions = {}): ArtifactStore {
  // Each option read once (attack17): a getter could pass the check with 64 and then give 1e300.
  const { maxBytes = DEFAULT_MAX_ARTIFACT_BYTES } = checkOptionsCopy(memoryStoreOptions, options);
  const entries = new Map<string, string>();
  let bytes = 0;
  return {
    put(id, text) {
      const size = text.length * 2;
      if (size > maxBytes) return;
      const previous = entries.get(id);
      if (previous !== undefined) {
        bytes -= previous.length * 2;
        entries.delete(id);
      }
      entries.set(id, text);
      bytes += size;
      for (const [oldId, oldText] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldId);
        bytes -= oldText.length * 2;
      }
    },
    get(id) {
      return entries.get(id);
    },
  };
}
