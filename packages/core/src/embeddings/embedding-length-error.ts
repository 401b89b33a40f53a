import { GemloopError } from '../errors/gemloop-error.ts';

/**
 * Where a vector of the wrong length was read:
 * - `response`: an embedding the server answered, against the `outputDimensionality` asked for
 *   (or the other embeddings of the same answer);
 * - `stored-memory`: a memory a store holds, against the query's embedding;
 * - `new-memory`: a memory being added or updated, against the other memories of its scope.
 */
export type EmbeddingLengthSource = 'response' | 'stored-memory' | 'new-memory';

/**
 * Two embeddings that must be compared (or one that must have the length asked for) have
 * different lengths. Cosine similarity of such vectors means nothing, and scoring them 0 hid the
 * cause (a search that never found a memory): the model or its `outputDimensionality` changed
 * between the vectors. Re-embed what was stored with the current model and size, or ask for the
 * stored size again.
 */
export class EmbeddingLengthError extends GemloopError {
  override readonly code = 'embedding-length';
  /** The length expected: the one asked for, or the query's. */
  readonly expected: number;
  /** The length read. */
  readonly received: number;
  /** Where the vector was read. */
  readonly source: EmbeddingLengthSource;
  /** The id of the stored memory (`stored-memory`; for `new-memory`, one of the other length). */
  readonly memoryId: string | undefined;

  constructor({
    expected,
    received,
    source,
    memoryId,
  }: {
    expected: number;
    received: number;
    source: EmbeddingLengthSource;
    memoryId?: string | undefined;
  }) {
    super({
      message:
        source === 'response'
          ? `The server answered an embedding of ${received} values where ${expected} were asked for (outputDimensionality) or given by the other embeddings of the answer: a model or gateway that ignores outputDimensionality gives its own size. Ask a model that supports the size, or leave outputDimensionality out and use the model's size everywhere.`
          : source === 'new-memory'
            ? `A memory's embedding has ${received} values, the other memories of its scope ${expected}: it was embedded by another model or with another outputDimensionality, and kept, it would fail every search of the scope. Embed it as the stored memories were embedded, or re-embed (or forget) the stored memories with the current model and size first.`
            : `A stored memory's embedding has ${received} values, the query's ${expected}: they were embedded by another model or with another outputDimensionality, and cosine similarity cannot compare them. Embed the query as the memories were embedded, or re-embed the stored memories with the current model and size.`,
    });
    this.expected = expected;
    this.received = received;
    this.source = source;
    this.memoryId = memoryId;
  }

  static override isInstance(error: unknown): error is EmbeddingLengthError {
    return GemloopError.hasCode(error, 'embedding-length');
  }
}
