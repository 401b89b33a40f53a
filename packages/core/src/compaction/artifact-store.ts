/**
 * Where the full text of a tool result is kept when less of it goes into the context (a tool
 * output budget truncated it, or a compaction cleared it), so the model can read it back in
 * slices with the `read_tool_output` tool ({@link readToolOutputTool}). Synchronous on purpose:
 * a put happens while the answer of a call is built, and must not reorder the run.
 */
export interface ArtifactStore {
  /** Keeps `text` under `id` (a fresh id gemloop made). */
  put(id: string, text: string): void;
  /** The stored text of `id`, or `undefined` when there is none (never stored, or evicted). */
  get(id: string): string | undefined;
}

/**
 * @defaultValue of `maxBytes` of {@link createMemoryArtifactStore}: 64 MiB of UTF-16 text (counted
 * as two bytes a character). Past it the oldest artifacts are evicted; reading one then says so.
 */
export const DEFAULT_MAX_ARTIFACT_BYTES: number = 64 * 1024 * 1024;

/**
 * An {@link ArtifactStore} in memory, bounded: past `maxBytes` the oldest entries are dropped
 * (a long run must not grow the heap without limit with results nobody reads again).
 */
export function createMemoryArtifactStore({
  maxBytes = DEFAULT_MAX_ARTIFACT_BYTES,
}: {
  /** @defaultValue {@link DEFAULT_MAX_ARTIFACT_BYTES} */
  maxBytes?: number | undefined;
} = {}): ArtifactStore {
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
