import { GemloopError } from '../gemloop-error.ts';

/**
 * The endpoint the client talks to does not serve this API: the Files and Batch APIs are Google's
 * Gemini API only (Vertex AI reads media from Cloud Storage URIs and runs batch prediction jobs
 * elsewhere), and a gateway may answer their routes with 404 or 405. For media, send the bytes
 * inline (an `inlineData` part, up to the request size limit) or a `fileData` part with a URI the
 * endpoint can read.
 */
export class UnsupportedEndpointError extends GemloopError {
  override readonly code = 'unsupported-endpoint';
  /** The method that was refused: `files.upload`, `batches.create`, ... */
  readonly method: string;
  /** The base URL of the client (no credentials in it). */
  readonly endpoint: string;
  /** `'vertex'` when refused before sending; else the gateway's status (404 or 405). */
  readonly platform: 'gemini-api' | 'vertex';
  readonly status: number | undefined;

  constructor(options: {
    message: string;
    method: string;
    endpoint: string;
    platform: 'gemini-api' | 'vertex';
    status?: number | undefined;
    cause?: unknown;
  }) {
    super({ message: options.message, cause: options.cause });
    this.method = options.method;
    this.endpoint = options.endpoint;
    this.platform = options.platform;
    this.status = options.status;
  }

  static override isInstance(error: unknown): error is UnsupportedEndpointError {
    return GemloopError.hasCode(error, 'unsupported-endpoint');
  }
}
