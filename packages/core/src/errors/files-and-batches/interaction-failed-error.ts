import { cutText } from '../../shared/cut-text.ts';
import { redactLocalDetails } from '../../shared/redact-secrets.ts';
import { GemloopError } from '../gemloop-error.ts';

/**
 * The interaction of an agent's model call (unary, streamed or in the background) ended without
 * an answer: `failed`, or `cancelled` by someone other than the run (another process, the
 * console). The run cannot go on from it; start the run again. A run that stops itself
 * (aborted, timed out, a durable run cancelled) throws its own error instead.
 */
export class InteractionFailedError extends GemloopError {
  override readonly code = 'interaction-failed';
  /** The interaction's `id`. */
  readonly interactionId: string;
  /** Its final `status` (`failed`, `cancelled`, ...). */
  readonly status: string;
  /** The interaction's `error` field as the API sent it, when it sent one. */
  readonly error: unknown;

  constructor(options: { interactionId: string; status: string; error?: unknown }) {
    // The server's message, bounded: a hostile endpoint's megabyte of text stays on `error`. Its
    // URLs, paths and hosts (a gateway's `https://user:pw@10.0.0.5/...`) are left out of the
    // message, as an ApiCallError's quoted server message leaves them (`error` keeps them).
    const message = (options.error as { message?: unknown } | undefined)?.message;
    const detail =
      typeof message === 'string' ? `: ${redactLocalDetails(cutText(message, 1000))}` : '';
    super({
      message: `Interaction ${cutText(options.interactionId, 512)} ended ${cutText(options.status, 100)}${detail}, with no answer for the run.`,
    });
    this.interactionId = options.interactionId;
    this.status = options.status;
    this.error = options.error;
  }

  static override isInstance(error: unknown): error is InteractionFailedError {
    return GemloopError.hasCode(error, 'interaction-failed');
  }
}
