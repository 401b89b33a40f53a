import { isJsonObject } from '@gemloop/core/internal';
import { googleError } from '../script/fake-errors.ts';
import type { FakeRecordedRequest } from '../script/fake-types.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type {
  FakeHttpRequest,
  FakeInteraction,
  FakeReply,
  FakeState,
} from '../state/fake-state.ts';
import { checkThoughtStepSignature } from './check-thought-step-signature.ts';
import { refuseBackground } from './fake-agent-rules.ts';
import { deliverInteractionWebhooks } from './fake-webhooks.ts';
import { advanceFakeInteraction, runFakeInteraction } from './run-fake-interaction.ts';
import { toInteractionContents } from './to-interaction-contents.ts';
import {
  briefInteraction,
  describeInteraction,
  interactionEvent,
  streamInteractionEvents,
} from './write-interaction-events.ts';

// The Interactions API as the fake serves it (`/v1beta/interactions`, the `steps` schema of
// `Api-Revision: 2026-05-20`): hand-written from `@google/genai` 3.1.0's `dist/genai.d.ts` (routes,
// `Step`, `StepStart`/`StepDelta`/`StepStop`, `InteractionCreatedEvent`, `InteractionCompletedEvent`,
// `InteractionStatusUpdate`) and ai.google.dev/gemini-api/docs/interactions, not from recordings.
// Each model turn is the same scripted turn a `generateContent` request gets (the same script,
// faults and contract checks), mapped to steps: the interaction keeps the conversation as
// `generateContent` contents, so `previous_interaction_id` continues it on the server.

type Json = Record<string, unknown>;

/** `/{version}/interactions`, `/{version}/interactions/{id}`, `/{version}/interactions/{id}/cancel`. */
export const interactionsRoute: RegExp =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/interactions(?:\/([^/?]+)(?:\/(cancel))?)?\/?(?:\?(.*))?$/;

const REVISION = '2026-05-20';

/**
 * Answers an Interactions API route (authenticated already). Contract discipline as for
 * `generateContent`: the revision header (when sent) must be the steps schema's, a request names
 * exactly one of `model` and `agent`, `previous_interaction_id` must name a stored interaction,
 * every `function_result` must answer a `function_call` of that interaction, and a built-in agent
 * runs only in the background (as the API requires of Deep Research).
 * @internal
 */
export async function handleInteractionsRequest(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  match: RegExpExecArray,
): Promise<FakeReply> {
  const apiVersion = match[1] ?? 'v1beta';
  const id = match[2];
  const action = match[3];
  const query = new URLSearchParams(match[4] ?? '');
  const revision = request.headers['api-revision'];
  if (revision !== undefined && revision !== REVISION) {
    return jsonReply(
      state,
      googleError(
        400,
        `[gemloop fake] Api-Revision ${revision} is not served: the legacy outputs schema was removed on 2026-06-08; send Api-Revision: ${REVISION} (the steps schema).`,
      ),
    );
  }
  if (id === undefined) {
    if (request.method !== 'POST') return notFound(state, request);
    recorded.method = 'interactions.create';
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return jsonReply(state, googleError(400, 'Invalid JSON payload received.'));
    }
    if (!isJsonObject(body))
      return jsonReply(state, googleError(400, 'The body must be an object.'));
    recorded.body = body;
    return createFakeInteraction(state, body, recorded, apiVersion);
  }
  const interaction = state.interactions.get(id);
  const method =
    action === 'cancel'
      ? 'interactions.cancel'
      : request.method === 'DELETE'
        ? 'interactions.delete'
        : 'interactions.get';
  recorded.method = method;
  if (interaction === undefined) {
    return jsonReply(
      state,
      googleError(404, `Interaction ${id} was not found.`, { status: 'NOT_FOUND' }),
    );
  }
  if (method === 'interactions.delete' && request.method === 'DELETE') {
    state.interactions.delete(id);
    return ok(state, {});
  }
  if (method === 'interactions.cancel' && request.method !== 'POST') {
    // `…/{id}/cancel` is a POST route only: a GET there is no get of the interaction.
    return notFound(state, request);
  }
  if (method === 'interactions.cancel') {
    if (interaction.status !== 'in_progress' && interaction.status !== 'queued') {
      return jsonReply(
        state,
        googleError(
          400,
          `Interaction ${id} is ${interaction.status}: only a running background interaction can be cancelled.`,
          {
            status: 'FAILED_PRECONDITION',
          },
        ),
      );
    }
    interaction.status = 'cancelled';
    interaction.pending = undefined;
    void deliverInteractionWebhooks(state, interaction);
    return ok(state, describeInteraction(interaction));
  }
  if (request.method !== 'GET') return notFound(state, request);
  await advanceFakeInteraction(state, interaction);
  if (query.get('stream') === 'true') {
    const last = query.get('last_event_id');
    let from = 0;
    if (last !== null) {
      const at = interaction.events.findIndex((event) => event['event_id'] === last);
      if (at === -1) {
        return jsonReply(
          state,
          googleError(400, `last_event_id ${last} is not an event of interaction ${id}.`, {
            status: 'INVALID_ARGUMENT',
          }),
        );
      }
      from = at + 1;
    }
    return streamInteractionEvents(state, interaction, interaction.events.slice(from));
  }
  return ok(state, describeInteraction(interaction));
}

/**
 * Creates an interaction from a request body, as `POST /interactions` does (a trigger's run
 * creates its interaction the same way).
 * @internal
 */
export async function createFakeInteraction(
  state: FakeState,
  body: Json,
  recorded: FakeRecordedRequest,
  apiVersion: string,
): Promise<FakeReply> {
  const model = typeof body['model'] === 'string' ? body['model'] : undefined;
  const agent = typeof body['agent'] === 'string' ? body['agent'] : undefined;
  if ((model === undefined) === (agent === undefined)) {
    return jsonReply(state, googleError(400, 'Exactly one of `model` and `agent` must be set.'));
  }
  // A built-in agent's rule on `background` (Deep Research needs it, Antigravity refuses it), a
  // managed agent's base agent's; 404 for an agent the fake does not know.
  const refused = refuseBackground(state, body);
  if (refused !== undefined) return refused;
  const unknownSetting = unknownGenerationSetting(body['generation_config']);
  if (unknownSetting !== undefined) {
    // Proto JSON's wording for a field the message does not have.
    return jsonReply(
      state,
      googleError(
        400,
        `Invalid JSON payload received. Unknown name "${unknownSetting}" at 'generation_config': Cannot find field.`,
      ),
    );
  }
  const previousId = body['previous_interaction_id'];
  let previous: FakeInteraction | undefined;
  if (previousId !== undefined) {
    previous = typeof previousId === 'string' ? state.interactions.get(previousId) : undefined;
    if (previous === undefined || !previous.stored) {
      return jsonReply(
        state,
        googleError(
          404,
          `previous_interaction_id ${String(previousId)} names no stored interaction.`,
          {
            status: 'NOT_FOUND',
          },
        ),
      );
    }
  }
  const token = body['continuation_token'];
  // A decode resumed on the server: the stopped interaction holds the input (no `input` sent).
  const resumed =
    typeof token === 'string' &&
    previous?.status === 'requires_continuation' &&
    body['input'] === undefined;
  const input = resumed
    ? { contents: previous?.requestContents ?? [] }
    : toInteractionContents(body['input'], previous, (signature) =>
        checkThoughtStepSignature(state, model, signature),
      );
  if ('error' in input) return jsonReply(state, googleError(400, input.error));
  state.interactionCounter++;
  const interaction: FakeInteraction = {
    id: `i${state.interactionCounter.toString(36).padStart(11, '0')}`,
    model,
    agent,
    status: 'in_progress',
    stored: body['store'] !== false,
    previousId: previous?.id,
    contents: resumed ? input.contents : [...(previous?.contents ?? []), ...input.contents],
    requestContents: [],
    continuationToken: undefined,
    steps: [],
    usage: undefined,
    events: [],
    pollsLeft: state.options.interactions?.backgroundPolls ?? 1,
    pending: { body, recorded: { ...recorded }, apiVersion },
    connections: 0,
    created: new Date(state.options.now?.() ?? Date.now()).toISOString(),
  };
  // Kept even with `store: false` until answered (a background run needs it); dropped from
  // continuation below.
  state.interactions.set(interaction.id, interaction);
  if (body['background'] === true && body['stream'] !== true) {
    interaction.events.push(
      interactionEvent(interaction, {
        event_type: 'interaction.created',
        interaction: briefInteraction(interaction),
      }),
    );
    return ok(state, describeInteraction(interaction));
  }
  const failed = await runFakeInteraction(state, interaction);
  if (failed !== undefined) return failed;
  if (body['stream'] === true) {
    return streamInteractionEvents(state, interaction, interaction.events);
  }
  return ok(state, describeInteraction(interaction));
}

function ok(state: FakeState, body: unknown): FakeReply {
  const reply = jsonReply(state, { status: 200, body });
  return reply;
}

function notFound(state: FakeState, request: FakeHttpRequest): FakeReply {
  return jsonReply(
    state,
    googleError(
      404,
      `[gemloop fake] ${request.method} is not a method of this Interactions route.`,
    ),
  );
}

// The Interactions API's `GenerationConfig` (`@google/genai`'s interactions generation-config.ts):
// generateContent's top_k, penalties, logprobs, candidate_count and thinking_budget are not in it.
const GENERATION_SETTINGS: ReadonlySet<string> = new Set([
  'temperature',
  'top_p',
  'max_output_tokens',
  'seed',
  'stop_sequences',
  'thinking_level',
  'thinking_summaries',
  'tool_choice',
  'image_config',
  'speech_config',
  'transcription_config',
  'video_config',
]);

/** The first `generation_config` field the Interactions API does not have, if any. */
function unknownGenerationSetting(config: unknown): string | undefined {
  if (!isJsonObject(config)) return undefined;
  return Object.keys(config).find((key) => !GENERATION_SETTINGS.has(key));
}
