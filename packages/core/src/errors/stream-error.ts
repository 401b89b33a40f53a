import { cutText } from '../shared/cut-text.ts';
import { GemloopError } from './gemloop-error.ts';

/**
 * How much of the event at fault a {@link StreamError} keeps (`event`). A caller that knows the
 * secrets cuts there itself first, to redact a key the cut went through (`withoutCutKey`).
 * @internal
 */
export const STREAM_ERROR_EVENT_CHARS = 1000;

/** What went wrong with a stream. */
export type StreamErrorReason =
  /** A `data:` payload (or the body) is not valid JSON. */
  | 'malformed-json'
  /** A chunk is JSON but not a `GenerateContentResponse`. */
  | 'invalid-chunk'
  /** The body ended in the middle of an event, or before any event. */
  | 'truncated'
  /** The connection failed after the response started (reset, closed). */
  | 'connection'
  /** One event grew past the size limit without ending (a broken or hostile server). */
  | 'too-large';

/**
 * A stream broke after it started. Never retried once a chunk was delivered: the chunks already
 * yielded stay valid, and `chunksDelivered` says how many there were.
 */
export class StreamError extends GemloopError {
  override readonly code = 'stream';
  readonly reason: StreamErrorReason;
  readonly chunksDelivered: number;
  /** The raw event data at fault, cut to 1,000 characters. */
  readonly event: string | undefined;

  constructor({
    reason,
    chunksDelivered,
    event,
    message,
    cause,
  }: {
    reason: StreamErrorReason;
    chunksDelivered: number;
    event?: string | undefined;
    message: string;
    cause?: unknown;
  }) {
    super({ message, cause });
    this.reason = reason;
    this.chunksDelivered = chunksDelivered;
    this.event = event === undefined ? undefined : cutText(event, STREAM_ERROR_EVENT_CHARS);
  }

  static override isInstance(error: unknown): error is StreamError {
    return GemloopError.hasCode(error, 'stream');
  }
}
