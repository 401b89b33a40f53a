import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { CheckContext } from '../http/attempts/check-responses.ts';
import { invalidResponse } from '../http/attempts/read-json-response.ts';
import type { Gemini } from '../http/gemini.ts';
import { checkBody, resourceReads, resourceSender } from './resource-requests.ts';
import type { Webhook, WebhookPage, Webhooks } from './webhooks.ts';

const REVOCATIONS = new Set([
  'revoke_previous_secrets_after_h24',
  'revoke_previous_secrets_immediately',
]);

/**
 * The webhooks API of a client made by `createGemini`: routes from `@google/genai`'s
 * `src/gaos/funcs/webhooks-*.ts` (`POST|GET /{v}/webhooks`, `GET|DELETE /{v}/webhooks/{id}`,
 * `POST /{v}/webhooks/{id}:rotateSigningSecret`) and ai.google.dev/api/webhooks.
 *
 * @example
 * ```ts
 * const webhooks = createWebhooks(gemini);
 * const hook = await webhooks.create({
 *   uri: 'https://example.com/gemini-webhook',
 *   subscribed_events: ['interaction.completed', 'interaction.failed'],
 * });
 * // Keep hook.new_signing_secret: deliveries are verified with it (verifyWebhook).
 * ```
 * @throws {@link InvalidArgumentError} when `gemini` was not made by `createGemini`.
 */
export function createWebhooks(gemini: Gemini): Webhooks {
  const send = resourceSender(gemini, 'createWebhooks');
  const { path, check, ...reads } = resourceReads<Webhook, WebhookPage>(
    send,
    'webhooks',
    'a webhook',
  );
  return {
    ...reads,
    async create(request, options) {
      checkBody(
        request,
        'request',
        "{ uri: 'https://example.com/hook', subscribed_events: ['interaction.completed'] }",
      );
      checkUri(request.uri);
      if (
        !Array.isArray(request.subscribed_events) ||
        request.subscribed_events.length === 0 ||
        request.subscribed_events.some((event) => typeof event !== 'string' || event === '')
      ) {
        throw new InvalidArgumentError({
          argument: 'request.subscribed_events',
          message:
            "request.subscribed_events must list at least one event, e.g. ['interaction.completed', 'interaction.failed'].",
        });
      }
      return send({
        method: 'webhooks.create',
        path: 'webhooks',
        httpMethod: 'POST',
        options,
        body: request,
        check: withoutSecrets(check),
        redactBody: redactSigningSecrets,
      });
    },
    async rotateSigningSecret(id, revocation, options) {
      if (revocation !== undefined && !REVOCATIONS.has(revocation)) {
        throw new InvalidArgumentError({
          argument: 'revocation',
          message:
            "revocation must be 'revoke_previous_secrets_after_h24' (the default) or 'revoke_previous_secrets_immediately'.",
        });
      }
      return send({
        method: 'webhooks.rotateSigningSecret',
        path: `${path(id)}:rotateSigningSecret`,
        httpMethod: 'POST',
        options,
        body: revocation === undefined ? {} : { revocation_behavior: revocation },
        check: withoutSecrets(checkRotation),
        redactBody: redactSigningSecrets,
      });
    },
  };
}

/**
 * `check`, with the body an error quotes scrubbed of the signing secret: an answer that is not
 * what the method returns (a gateway's, a proxy's) may still hold the secret it was sent.
 */
function withoutSecrets<T>(
  check: (value: unknown, context: CheckContext) => T,
): (value: unknown, context: CheckContext) => T {
  return (value, context) => check(value, { ...context, text: redactSigningSecrets(context.text) });
}

function checkUri(uri: unknown): void {
  let url: URL | undefined;
  try {
    url = typeof uri === 'string' ? new URL(uri) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new InvalidArgumentError({
      argument: 'request.uri',
      message:
        'request.uri must be the http(s) URL deliveries are POSTed to, e.g. https://example.com/gemini-webhook.',
    });
  }
}

function checkRotation(value: unknown, context: CheckContext): { secret: string } {
  const secret = (value as { secret?: unknown } | null)?.secret;
  if (typeof secret !== 'string' || secret === '') {
    throw invalidResponse(context, 'returned a rotation without the new `secret`');
  }
  return { secret };
}

// The signing secret comes back once, in the 2xx body of a create or a rotation: a trace log of
// that body must not hold it.
const SECRET_FIELD = /("(?:new_signing_secret|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/** `text` with the values of its signing-secret fields replaced. @internal */
export function redactSigningSecrets(text: string): string {
  return text.replace(SECRET_FIELD, '$1"[redacted]"');
}
