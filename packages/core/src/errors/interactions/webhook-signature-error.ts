import { cutText } from '../../shared/cut-text.ts';
import { GemloopError } from '../gemloop-error.ts';

/**
 * Why a webhook delivery was refused: a `webhook-id`, `webhook-timestamp` or `webhook-signature`
 * header is missing or malformed, the timestamp is outside the tolerance (a replay, or a clock
 * far off), or no signature matches any of the secrets given.
 */
export type WebhookSignatureFailure =
  | 'missing-header'
  | 'bad-timestamp'
  | 'stale-timestamp'
  | 'bad-signature'
  | 'bad-secret'
  | 'bad-body';

/**
 * A webhook delivery failed verification (Standard Webhooks HMAC-SHA256, as the Gemini API signs
 * its static webhooks): do not act on it, answer it with 401. The message never holds the secret
 * or the signatures.
 */
export class WebhookSignatureError extends GemloopError {
  override readonly code = 'webhook-signature';
  /** What failed. */
  readonly reason: WebhookSignatureFailure;
  /** The delivery's `webhook-id`, when it had one (at most 200 characters). */
  readonly webhookId: string | undefined;

  constructor(options: {
    reason: WebhookSignatureFailure;
    message: string;
    webhookId?: string | undefined;
  }) {
    super({ message: options.message });
    this.reason = options.reason;
    this.webhookId = options.webhookId === undefined ? undefined : cutText(options.webhookId, 200);
  }

  static override isInstance(error: unknown): error is WebhookSignatureError {
    return GemloopError.hasCode(error, 'webhook-signature');
  }
}
