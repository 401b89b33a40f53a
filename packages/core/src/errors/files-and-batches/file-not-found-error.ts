import { GemloopError } from '../gemloop-error.ts';

/**
 * A file of the Files API is missing: never uploaded with this key, deleted, or expired (the API
 * deletes files 48 hours after upload and answers them as not found or not permitted alike).
 * Upload the media again.
 */
export class FileNotFoundError extends GemloopError {
  override readonly code = 'file-not-found';
  /** `files/{id}`. */
  readonly fileName: string;
  /** The API's status (403 or 404). */
  readonly status: number | undefined;

  constructor(options: {
    fileName: string;
    status?: number | undefined;
    message?: string | undefined;
    cause?: unknown;
  }) {
    super({
      message:
        options.message ??
        `The file ${options.fileName} does not exist or has expired (files live 48 hours after upload): upload it again.`,
      cause: options.cause,
    });
    this.fileName = options.fileName;
    this.status = options.status;
  }

  static override isInstance(error: unknown): error is FileNotFoundError {
    return GemloopError.hasCode(error, 'file-not-found');
  }
}
