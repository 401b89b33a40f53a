import { GemloopError } from '@gemloop/core';

/** Options of {@link ArtifactStoreLimitError}. */
export type ArtifactStoreLimitErrorOptions = {
  message: string;
  /** Which cap refused the artifact: its own size, or the store's total with `onFull: 'refuse'`. */
  limit: 'artifact' | 'total';
  /** The artifact's id. */
  id: string;
  /** Bytes (UTF-8) of the artifact refused. */
  bytes: number;
  /** The cap, in bytes. */
  maxBytes: number;
};

/**
 * A Postgres artifact store refused to keep an artifact: larger than `maxArtifactBytes`, or (with
 * `onFull: 'refuse'`) the store already holds `maxTotalBytes`. The run that wrote it goes on (it
 * logs a warning); reading the id back with `read_tool_output` says it was never kept.
 */
export class ArtifactStoreLimitError extends GemloopError {
  override readonly code: string = 'artifact-store-limit';
  readonly limit: 'artifact' | 'total';
  readonly id: string;
  readonly bytes: number;
  readonly maxBytes: number;

  constructor({ message, limit, id, bytes, maxBytes }: ArtifactStoreLimitErrorOptions) {
    super({ message });
    this.limit = limit;
    this.id = id;
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }

  /** Whether `error` is an {@link ArtifactStoreLimitError}, from any copy of the package. */
  static override isInstance(error: unknown): error is ArtifactStoreLimitError {
    return GemloopError.hasCode(error, 'artifact-store-limit');
  }
}
