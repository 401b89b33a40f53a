import { signWebhook } from '@gemloop/core/interactions';
import { googleError } from '../script/fake-errors.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type { FakeInteraction, FakeReply, FakeState } from '../state/fake-state.ts';
import type { FakeWebhook, FakeWebhookDelivery } from '../state/fake-webhook.ts';

// The static webhooks of the Gemini API as the fake serves them (`/v1beta/webhooks`), from
// `@google/genai`'s `src/gaos/models/webhooks/*` and ai.google.dev/api/webhooks: the signing
// secret (`whsec_` + base64 of 32 random bytes) only in the create's answer and a rotation's,
// listed truncated; deliveries signed as Standard Webhooks `v1` with every live secret (several
// while a rotation's 24 hours run), the body `{ type, version, data: { id, status } }` that
// handlers in use read (Google's reference does not publish the body's schema).

type Json = Record<string, unknown>;

const DAY_MS = 86_400_000;
const EVENTS = new Set([
  'batch.succeeded',
  'batch.cancelled',
  'batch.expired',
  'batch.failed',
  'interaction.requires_action',
  'interaction.completed',
  'interaction.failed',
  'interaction.cancelled',
  'video.generated',
]);

/** Answers `/v1beta/webhooks[/{id}[:rotateSigningSecret]]`. @internal */
export function handleWebhooksRequest(
  state: FakeState,
  method: string,
  id: string | undefined,
  action: string | undefined,
  body: Json,
): FakeReply {
  const now = state.options.now?.() ?? Date.now();
  if (id === undefined) {
    if (method === 'GET') {
      return ok(state, { webhooks: [...state.webhooks.values()].map((hook) => listed(hook, now)) });
    }
    if (method !== 'POST') return notAllowed(state, method);
    const uri = body['uri'];
    const events = body['subscribed_events'];
    if (typeof uri !== 'string' || !/^https?:\/\//.test(uri)) {
      return bad(state, '`uri` is required: the URL deliveries are POSTed to.');
    }
    if (!Array.isArray(events) || events.length === 0 || !events.every((e) => EVENTS.has(e))) {
      return bad(state, `\`subscribed_events\` must list events of: ${[...EVENTS].join(', ')}.`);
    }
    state.resourceCounter++;
    const secret = newSecret();
    const created = new Date(now).toISOString();
    const hook: FakeWebhook = {
      resource: {
        id: `wh${state.resourceCounter.toString(36).padStart(8, '0')}`,
        name: typeof body['name'] === 'string' ? body['name'] : undefined,
        uri,
        subscribed_events: events,
        state: 'enabled',
        create_time: created,
        update_time: created,
      },
      secrets: [{ secret, expires: undefined }],
    };
    state.webhooks.set(hook.resource['id'] as string, hook);
    return ok(state, { ...listed(hook, now), new_signing_secret: secret });
  }
  const hook = state.webhooks.get(id);
  if (hook === undefined) {
    return jsonReply(
      state,
      googleError(404, `Webhook ${id} was not found.`, { status: 'NOT_FOUND' }),
    );
  }
  if (action === 'rotateSigningSecret') {
    if (method !== 'POST') return notAllowed(state, method);
    const behavior = body['revocation_behavior'] ?? 'revoke_previous_secrets_after_h24';
    if (
      behavior !== 'revoke_previous_secrets_after_h24' &&
      behavior !== 'revoke_previous_secrets_immediately'
    ) {
      return bad(state, `Unknown revocation_behavior ${String(behavior)}.`);
    }
    const secret = newSecret();
    const kept =
      behavior === 'revoke_previous_secrets_immediately'
        ? []
        : hook.secrets.map((old) => ({ secret: old.secret, expires: old.expires ?? now + DAY_MS }));
    hook.secrets = [{ secret, expires: undefined }, ...kept];
    return ok(state, { secret });
  }
  if (action !== undefined) return notAllowed(state, `${method} :${action}`);
  if (method === 'GET') return ok(state, listed(hook, now));
  if (method === 'DELETE') {
    state.webhooks.delete(id);
    return ok(state, {});
  }
  return notAllowed(state, method);
}

/**
 * Delivers `interaction.<status>` of `interaction` to every enabled webhook subscribed to it,
 * signed with each webhook's live secrets; resolves when every receiver answered (or failed).
 * @internal
 */
export async function deliverInteractionWebhooks(
  state: FakeState,
  interaction: FakeInteraction,
): Promise<FakeWebhookDelivery[]> {
  const type = `interaction.${interaction.status}`;
  if (!EVENTS.has(type)) return [];
  const now = state.options.now?.() ?? Date.now();
  const deliveries: FakeWebhookDelivery[] = [];
  for (const hook of state.webhooks.values()) {
    const events = hook.resource['subscribed_events'] as string[];
    if (hook.resource['state'] !== 'enabled' || !events.includes(type)) continue;
    state.deliveryCounter++;
    const webhookId = `msg_${state.deliveryCounter.toString(36).padStart(10, '0')}`;
    const body = JSON.stringify({
      type,
      version: 'v1',
      data: { id: interaction.id, status: interaction.status },
    });
    const headers = await signWebhook({
      id: webhookId,
      timestamp: Math.floor(now / 1000),
      body,
      secret: live(hook, now).map((entry) => entry.secret),
    });
    const uri = hook.resource['uri'] as string;
    const delivery: FakeWebhookDelivery = { webhookId, uri, type, body, status: undefined };
    try {
      const response = await fetch(uri, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      delivery.status = response.status;
      await response.body?.cancel().catch(() => {});
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    state.webhookDeliveries.push(delivery);
    deliveries.push(delivery);
  }
  return deliveries;
}

function live(hook: FakeWebhook, now: number): FakeWebhook['secrets'] {
  hook.secrets = hook.secrets.filter((entry) => entry.expires === undefined || entry.expires > now);
  return hook.secrets;
}

function listed(hook: FakeWebhook, now: number): Json {
  return {
    ...hook.resource,
    signing_secrets: live(hook, now).map((entry) => ({
      truncated_secret: `${entry.secret.slice(0, 10)}...`,
      ...(entry.expires === undefined
        ? {}
        : { expire_time: new Date(entry.expires).toISOString() }),
    })),
  };
}

function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `whsec_${btoa(binary)}`;
}

function ok(state: FakeState, body: unknown): FakeReply {
  return jsonReply(state, { status: 200, body });
}

function bad(state: FakeState, message: string): FakeReply {
  return jsonReply(state, googleError(400, message, { status: 'INVALID_ARGUMENT' }));
}

function notAllowed(state: FakeState, method: string): FakeReply {
  return jsonReply(
    state,
    googleError(404, `[gemloop fake] ${method} is not a method of this route.`),
  );
}
