import { GemloopError } from '../gemloop-error.ts';

/**
 * A File Search store operation (an upload or an import) ended with an `error`: the service could
 * not chunk or embed the file (an unsupported type, an empty or corrupt file). The document is not
 * searchable; `reason` is the service's own message.
 */
export class FileSearchOperationError extends GemloopError {
  override readonly code = 'file-search-operation';
  /** `fileSearchStores/{id}/operations/{op}` or `.../upload/operations/{op}`. */
  readonly operationName: string;
  /** The google.rpc.Status `code` (3 is INVALID_ARGUMENT), when given. */
  readonly statusCode: number | undefined;
  /** The service's `error.message` (bounded, scrubbed of secrets). */
  readonly reason: string | undefined;

  constructor(options: {
    operationName: string;
    statusCode?: number | undefined;
    reason?: string | undefined;
  }) {
    super({
      message: `The File Search operation ${options.operationName} failed${options.reason === undefined ? '' : `: ${options.reason}`}. Check the file's type and content, then upload or import it again.`,
    });
    this.operationName = options.operationName;
    this.statusCode = options.statusCode;
    this.reason = options.reason;
  }

  static override isInstance(error: unknown): error is FileSearchOperationError {
    return GemloopError.hasCode(error, 'file-search-operation');
  }
}
