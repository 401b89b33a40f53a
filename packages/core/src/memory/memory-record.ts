/** What a memory holds: a `fact` (the user's name, a preference) or an `episode` (what happened). */
export type MemoryKind = 'fact' | 'episode';

/** One remembered thing of one scope (a user), as a store returns it. */
export type MemoryRecord = {
  /** The store's id of the memory. */
  readonly id: string;
  /** The scope (user id) the memory belongs to. */
  readonly scope: string;
  readonly kind: MemoryKind;
  /** The memory, in words. */
  readonly text: string;
  /** When it was remembered (ISO 8601). */
  readonly createdAt: string;
  /** When it was last changed (ISO 8601). */
  readonly updatedAt: string;
  /** The app's own data about the memory (JSON). */
  readonly metadata?: Readonly<Record<string, unknown>> | undefined;
};

/** A memory with its similarity to the query (cosine, -1 to 1; 1 is the same meaning). */
export type ScoredMemory = MemoryRecord & { readonly score: number };

/** What a store is given to keep: the text and, for a store that searches itself, its embedding. */
export type NewMemory = {
  kind: MemoryKind;
  text: string;
  /** The text's embedding (a vector store needs one; Vertex Memory Bank embeds on its side). */
  embedding?: readonly number[] | undefined;
  metadata?: Record<string, unknown> | undefined;
  /**
   * The id to keep it under, for an add that may run again (an extraction replayed or run twice
   * at once): a store holding a memory of this id in the scope returns that one and adds nothing.
   * Without it the store makes an id. A store may keep it under an id of its own made from it,
   * the same each time (Vertex Memory Bank: `gemloop-<hash>` of the scope and the id).
   */
  id?: string | undefined;
};

/** A change to a memory: its text (with the new text's embedding), its kind or its metadata. */
export type MemoryPatch = {
  text?: string | undefined;
  embedding?: readonly number[] | undefined;
  kind?: MemoryKind | undefined;
  metadata?: Record<string, unknown> | undefined;
};

/** A search of one scope's memories by meaning. */
export type MemoryQuery = {
  /** The query in words. */
  text: string;
  /** The query's embedding (for a store that ranks by vectors). */
  embedding?: readonly number[] | undefined;
  /** At most this many memories, best first. */
  limit: number;
  /**
   * Leave out memories scoring below this: a cosine similarity, -1 to 1 (gemloop's stores refuse
   * another value with an `InvalidArgumentError`). @defaultValue -1 (none left out)
   */
  minScore?: number | undefined;
};
