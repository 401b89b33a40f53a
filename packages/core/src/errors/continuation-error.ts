import { GemloopError } from './gemloop-error.ts';

/**
 * Why automatic continuation of a long-decode answer gave up:
 *
 * - `no-progress`: a dropped stream was resumed `continuation.maxReconnects` times in a row
 *   without a new checkpoint (`@google/genai` 3.1.0 stops after
 *   `MAX_STREAM_RECONNECTS_WITHOUT_PROGRESS = 3`).
 * - `token-rejected`: the API refused a continuation token again after the step had already been
 *   restarted once from the start.
 * - `max-hops`: a streamed answer took `continuation.maxHops` requests, resumes included, and its
 *   stream dropped again (a gateway that cuts every stream after a new checkpoint would otherwise
 *   be resumed forever: each drop made "progress").
 */
export type ContinuationErrorReason = 'no-progress' | 'token-rejected' | 'max-hops';

/**
 * Automatic continuation of a long-decode answer (Gemini 4, `finishReason: 'CONTINUATION'`) could
 * not finish the answer. The step's output so far is not kept; usage billed by the hops is on the
 * error's `partialUsage` (see `ModelCallError`).
 */
export class ContinuationError extends GemloopError {
  override readonly code = 'continuation';
  readonly reason: ContinuationErrorReason;
  /** Hops completed (each ended with `CONTINUATION`) before giving up. */
  readonly hops: number;
  /** Reconnects made without a new checkpoint when it gave up. */
  readonly reconnects: number;

  constructor({
    reason,
    hops,
    reconnects,
    message,
    cause,
  }: {
    reason: ContinuationErrorReason;
    hops: number;
    reconnects: number;
    message: string;
    cause?: unknown;
  }) {
    super({ message, cause });
    this.reason = reason;
    this.hops = hops;
    this.reconnects = reconnects;
  }

  static override isInstance(error: unknown): error is ContinuationError {
    return GemloopError.hasCode(error, 'continuation');
  }
}
