import { GemloopError } from './gemloop-error.ts';

/** What {@link ResponseTooLargeError} is built from. */
export type ResponseTooLargeErrorOptions = {
  message: string;
  url: string;
  /**
   * `generateContent`, `countTokens`, `listModels`, `getModel`; for another protocol's client, its
   * method (`a2a SendMessage`, `mcp tools/call`, ...).
   */
  method: string;
  status: number;
  /** The cap that was passed (the client's `maxResponseBytes`, or `a2aAgent`'s, `connectMcpHttp`'s). */
  maxBytes: number;
  /** The bytes read before giving up, or the size the `Content-Length` header announced. */
  receivedBytes: number;
  attempt?: number | undefined;
  /** A stream only: how many chunks were delivered before the cap was passed. */
  chunksDelivered?: number | undefined;
};

/**
 * A response body was larger than the client's `maxResponseBytes` (a unary call) or
 * `maxStreamBytes` (a streamed answer, in total): reading stopped there and the rest was
 * cancelled, so a broken or hostile server cannot make the process buffer without bound. Not
 * retried (the same request gets the same answer). Raise the cap in `createGemini` if the body is
 * genuine. The cap counts decoded bytes: a compressed body counts what it expands to. The clients
 * of other protocols' servers throw it too, past their own `maxResponseBytes` (`a2aAgent` of
 * `@gemloop/serve/a2a`, `connectMcpHttp` of `@gemloop/tools`).
 */
export class ResponseTooLargeError extends GemloopError {
  override readonly code = 'response-too-large';
  readonly url: string;
  readonly method: string;
  readonly status: number;
  readonly maxBytes: number;
  readonly receivedBytes: number;
  readonly attempt: number | undefined;
  /** A stream only: the chunks delivered before the cap was passed (they stay valid). */
  readonly chunksDelivered: number | undefined;

  constructor(options: ResponseTooLargeErrorOptions) {
    super({ message: options.message });
    this.url = options.url;
    this.method = options.method;
    this.status = options.status;
    this.maxBytes = options.maxBytes;
    this.receivedBytes = options.receivedBytes;
    this.attempt = options.attempt;
    this.chunksDelivered = options.chunksDelivered;
  }

  static override isInstance(error: unknown): error is ResponseTooLargeError {
    return GemloopError.hasCode(error, 'response-too-large');
  }
}
