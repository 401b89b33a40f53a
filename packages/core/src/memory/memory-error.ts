import { GemloopError } from '../errors/gemloop-error.ts';

/** The memory operation that failed. */
export type MemoryOperation =
  | 'add'
  | 'search'
  | 'list'
  | 'get'
  | 'update'
  | 'delete'
  | 'deleteAll'
  | 'embed'
  | 'extract';

/** Options of {@link MemoryError}. */
export type MemoryErrorOptions = {
  message: string;
  operation: MemoryOperation;
  /** The store's file, when the store is a file. */
  path?: string | undefined;
  cause?: unknown;
};

/**
 * A memory store or the memory's embedding call failed: a file that is not a memory file, one
 * over its size limit, a record without an embedding for a store that needs one. The message
 * says what was wrong and how to fix it; it never holds a memory's text.
 */
export class MemoryError extends GemloopError {
  override readonly code = 'memory';
  readonly operation: MemoryOperation;
  readonly path: string | undefined;

  constructor({ message, operation, path, cause }: MemoryErrorOptions) {
    super({ message, cause });
    this.operation = operation;
    this.path = path;
  }

  static override isInstance(error: unknown): error is MemoryError {
    return GemloopError.hasCode(error, 'memory');
  }
}
