import { GemloopError } from '../gemloop-error.ts';

/**
 * An uploaded file ended in `state: 'FAILED'` (the API could not process the media: a corrupt
 * video, an unsupported codec). The file cannot be used; `reason` is the API's own error message.
 */
export class FileProcessingError extends GemloopError {
  override readonly code = 'file-processing';
  /** `files/{id}`. */
  readonly fileName: string;
  readonly state: string;
  /** The API's `error.message`, when it gave one (bounded, from the server). */
  readonly reason: string | undefined;

  constructor(options: { fileName: string; state: string; reason?: string | undefined }) {
    super({
      message: `The file ${options.fileName} failed processing (state ${options.state})${options.reason === undefined ? '' : `: ${options.reason}`}. Check the media and its mimeType, then upload it again.`,
    });
    this.fileName = options.fileName;
    this.state = options.state;
    this.reason = options.reason;
  }

  static override isInstance(error: unknown): error is FileProcessingError {
    return GemloopError.hasCode(error, 'file-processing');
  }
}
