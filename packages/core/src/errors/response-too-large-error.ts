import { GemloopError } from './gemloop-error.ts';

/** What {@link ResponseTooLargeError} is built from. */
export type ResponseTooLargeErrorOptions = {
  message: string;
  url: string;
  /** `generateContent`, `countTokens`, `listModels`, `getModel`. */
  method: string;
  status: number;
  /** The cap that was passed (the client's `maxResponseBytes`). */
  maxBytes: number;
  /** The bytes read before giving up, or the size the `Content-Length` header announced. */
  receivedBytes: number;
  attempt?: number | undefined;
};

/**
 * A response body was larger than the client's `maxResponseBytes`: reading stopped there and the
 * rest was cancelled, so a broken or hostile server cannot make the process buffer without bound.
 * Not retried (the same request gets the same answer). Raise `maxResponseBytes` in
 * `createGemini` if the body is genuine.
 */
export class ResponseTooLargeError extends GemloopError {
  override readonly code = 'response-too-large';
  readonly url: string;
  readonly method: string;
  readonly status: number;
  readonly maxBytes: number;
  readonly receivedBytes: number;
  readonly attempt: number | undefined;

  constructor(options: ResponseTooLargeErrorOptions) {
    super({ message: options.message });
    this.url = options.url;
    this.method = options.method;
    this.status = options.status;
    this.maxBytes = options.maxBytes;
    this.receivedBytes = options.receivedBytes;
    this.attempt = options.attempt;
  }

  static override isInstance(error: unknown): error is ResponseTooLargeError {
    return GemloopError.hasCode(error, 'response-too-large');
  }
}
