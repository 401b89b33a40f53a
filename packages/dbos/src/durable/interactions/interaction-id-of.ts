import type { WebhookEvent } from '@gemloop/core/interactions';

/** An interaction id as the API hands it out (`create-interactions.ts` keeps the same rule). @internal */
export const INTERACTION_ID: RegExp = /^[A-Za-z0-9._~-]{1,512}$/;

/**
 * The interaction a webhook event is about. Google does not publish the body's schema
 * (ai.google.dev/api/webhooks documents the resource only): the handlers in use read `data.id`;
 * `data.interaction_id`, `data.interaction.id` and a resource name (`interactions/<id>`) are read
 * too, so a body shaped another way still wakes its run. @internal
 */
export function interactionIdOf(event: WebhookEvent): string | undefined {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const nested = data['interaction'] as { id?: unknown } | undefined;
  const name = typeof data['name'] === 'string' ? data['name'].split('/') : [];
  const candidates = [
    data['id'],
    data['interaction_id'],
    nested?.id,
    name.length === 2 && name[0] === 'interactions' ? name[1] : undefined,
  ];
  return candidates.find(
    (candidate): candidate is string =>
      typeof candidate === 'string' && INTERACTION_ID.test(candidate),
  );
}
