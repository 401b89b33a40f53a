/**
 * One cached tool result as a {@link ToolResultStore} keeps it: the result as JSON text, what
 * invalidates it, when it expires, and a digest binding the text to its partition and key (a
 * row copied under another key or edited by hand is refused as poisoned).
 */
export type ToolResultEntry = {
  /** The tool whose result it is. */
  readonly toolName: string;
  /** The tool's result as JSON: what the model got, byte for byte, once parsed. */
  readonly text: string;
  /** Tags a write tool may invalidate the entry by. */
  readonly tags: readonly string[];
  /** When the entry stops being served (ms since the epoch); `undefined`: never. */
  readonly expiresAt: number | undefined;
  /**
   * SHA-256 (hex) of partition, key and text, written by the cache and checked when read, in a
   * store the app gave (the plugin's own memory stores, which nothing else can write, leave it
   * empty). It catches a row copied under another key or edited by hand, not a writer who
   * computes it: it is a plain hash, no signature, so whoever can write the store is trusted as
   * the cache is (a keyed hash would need a secret every worker holds, and such a writer could
   * read it where the workers do).
   */
  readonly digest: string;
};

/** What a write invalidates in a partition: entries with any of the tags or keys with any of the prefixes. */
export type ToolResultInvalidation = {
  readonly tags: readonly string[];
  readonly prefixes: readonly string[];
};

/**
 * Where a {@link toolResultCache} keeps results beyond one run: a chat session's memory
 * ({@link createMemoryToolResultStore}) or a fleet's Postgres table
 * (`createPostgresToolResultStore` in `@gemloop/dbos`). Entries live in partitions (a session, a
 * user, `shared`) that the cache names; a store never serves one partition's entry for another.
 * A store bounds its size itself, and refuses an entry above its limit with a
 * `ToolResultCacheError` (`reason: 'oversized'`).
 */
export interface ToolResultStore {
  get(partition: string, key: string): Promise<ToolResultEntry | undefined>;
  set(partition: string, key: string, entry: ToolResultEntry): Promise<void>;
  delete(partition: string, key: string): Promise<void>;
  /** Removes the partition's entries that match; returns how many. */
  invalidate(partition: string, invalidation: ToolResultInvalidation): Promise<number>;
}
