import { GemloopError } from '@gemloop/core/errors';

/** Why a door refused a caller's media part. */
export type MediaPartFault =
  | 'not-a-data-url'
  | 'invalid-base64'
  | 'invalid-mime-type'
  | 'mime-type-mismatch'
  | 'remote-url'
  | 'file-reference'
  | 'too-many-media-parts';

/**
 * Thrown by a door reading a caller's image, audio, video or file part that it will not send to
 * Gemini: a malformed data URL or base64, a MIME type that is not the part's kind, a remote URL or
 * a stored file's id (the door fetches nothing), or more media parts than a request may hold. Each
 * door answers it in its protocol's error shape (the OpenAI door a 400 naming `path` as `param`),
 * before any model call.
 */
export class MediaPartRefusedError extends GemloopError {
  override readonly code = 'media-part-refused';
  /** Where in the request the part is, e.g. `messages[2].content[1].image_url.url`. */
  readonly path: string;
  /** What was wrong with it. */
  readonly fault: MediaPartFault;

  constructor({ path, fault, message }: { path: string; fault: MediaPartFault; message: string }) {
    super({ message });
    this.path = path;
    this.fault = fault;
  }

  static override isInstance(error: unknown): error is MediaPartRefusedError {
    return GemloopError.hasCode(error, 'media-part-refused');
  }
}
