import type { CallOptions } from '../http/call-options.ts';
import type { ResourceListOptions } from './resource-requests.ts';

/**
 * The events a webhook subscribes to (`@google/genai`'s `WebhookSubscribedEvent`; ai.google.dev/api/webhooks),
 * or one this version does not know.
 */
export type WebhookEventType =
  | 'batch.succeeded'
  | 'batch.cancelled'
  | 'batch.expired'
  | 'batch.failed'
  | 'interaction.requires_action'
  | 'interaction.completed'
  | 'interaction.failed'
  | 'interaction.cancelled'
  | 'video.generated'
  | (string & {});

/** What `webhooks.create` takes. */
export type CreateWebhookRequest = {
  /** Where deliveries are POSTed (an https URL of yours). */
  uri: string;
  subscribed_events: WebhookEventType[];
  /** A name of yours. */
  name?: string | undefined;
};

/** A webhook's signing secret as listed: never the secret itself. */
export type WebhookSigningSecret = { truncated_secret?: string; expire_time?: string };

/** A webhook as the API returns it. */
export type Webhook = CreateWebhookRequest & {
  id: string;
  /** `enabled`, `disabled` or `disabled_due_to_failed_deliveries`. */
  state?: string | undefined;
  /**
   * The signing secret (`whsec_...`): only in the answer to `create`. Keep it (an environment
   * variable, a secret store); lost, it can only be rotated.
   */
  new_signing_secret?: string | undefined;
  signing_secrets?: WebhookSigningSecret[] | undefined;
  create_time?: string | undefined;
  update_time?: string | undefined;
};

/** A page of `webhooks.list`. */
export type WebhookPage = { webhooks: Webhook[]; next_page_token?: string | undefined };

/**
 * When the secrets before a rotation stop signing: at once, or after 24 hours (the default), so
 * deliveries signed meanwhile still verify while the new secret is rolled out.
 */
export type WebhookRevocation =
  | 'revoke_previous_secrets_after_h24'
  | 'revoke_previous_secrets_immediately';

/**
 * The static webhooks of Google's Gemini API (`/v1beta/webhooks`), made by
 * `createWebhooks(gemini)` from `@gemloop/core/interactions`. Deliveries are verified with
 * `verifyWebhook`.
 */
export type Webhooks = {
  /** `POST /v1beta/webhooks`: the answer holds `new_signing_secret`, once. */
  create(request: CreateWebhookRequest, options?: CallOptions): Promise<Webhook>;
  /** `GET /v1beta/webhooks/{id}`. */
  get(id: string, options?: CallOptions): Promise<Webhook>;
  /** `GET /v1beta/webhooks[?page_size&page_token]`: one page. */
  list(options?: ResourceListOptions): Promise<WebhookPage>;
  /** `DELETE /v1beta/webhooks/{id}`. */
  delete(id: string, options?: CallOptions): Promise<void>;
  /**
   * `POST /v1beta/webhooks/{id}:rotateSigningSecret`: a new secret (`secret`), the old ones
   * revoked as `revocation` says. Verify with both while deliveries move to the new one.
   */
  rotateSigningSecret(
    id: string,
    revocation?: WebhookRevocation,
    options?: CallOptions,
  ): Promise<{ secret: string }>;
};
