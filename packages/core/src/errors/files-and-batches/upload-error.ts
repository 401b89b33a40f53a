import { GemloopError } from '../gemloop-error.ts';

/** Why {@link UploadError} was thrown. */
export type UploadErrorReason =
  /** The start answer had no `x-goog-upload-url`. */
  | 'no-upload-url'
  /** The server's offset is one the client can no longer send from (outside the chunk it holds). */
  | 'offset-mismatch'
  /** The last chunk was sent but the server did not say `x-goog-upload-status: final`. */
  | 'not-finalized'
  /** The server cancelled the upload (`x-goog-upload-status: cancelled`). */
  | 'cancelled'
  /** The source gave more or fewer bytes than its announced size. */
  | 'size-mismatch'
  /** A chunk kept failing after its retries. */
  | 'chunk-failed'
  /** The source failed to open or read (a disk's `EIO`, a stream that errored part-way). */
  | 'read-failed';

/**
 * A resumable upload to the Files API failed part-way (the protocol of `@google/genai` 3.1.0's
 * `uploadBlob`: start, chunks with `X-Goog-Upload-Offset`, finalize). `offset` is how far the
 * server had received.
 */
export class UploadError extends GemloopError {
  override readonly code = 'upload';
  readonly reason: UploadErrorReason;
  /** Bytes the server confirmed, when known. */
  readonly offset: number | undefined;
  /** The size announced at start. */
  readonly size: number;

  constructor(options: {
    message: string;
    reason: UploadErrorReason;
    size: number;
    offset?: number | undefined;
    cause?: unknown;
  }) {
    super({ message: options.message, cause: options.cause });
    this.reason = options.reason;
    this.offset = options.offset;
    this.size = options.size;
  }

  static override isInstance(error: unknown): error is UploadError {
    return GemloopError.hasCode(error, 'upload');
  }
}
