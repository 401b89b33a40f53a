import type { CallOptions } from '../http/call-options.ts';
import type { PollOptions } from '../http/files/files.ts';
import type {
  CreateInteractionRequest,
  Interaction,
  InteractionEvent,
} from '../wire/interaction.ts';

/** Options of {@link Interactions.stream} and {@link Interactions.resume}. */
export type InteractionStreamOptions = CallOptions & {
  /**
   * How many times one stream reconnects after its connection drops, resuming from the last
   * `event_id` seen (a `GET .../interactions/{id}?stream=true&last_event_id=...`). Past it the drop
   * is thrown (`StreamError`). @defaultValue 3
   */
  maxReconnects?: number | undefined;
  /** Called before each reconnect with the event id it resumes after. It must not throw. */
  onReconnect?:
    | ((info: { interactionId: string; lastEventId: string; reconnect: number }) => void)
    | undefined;
};

/**
 * The Interactions API of Google's Gemini API (`/v1beta/interactions`, `Api-Revision: 2026-05-20`,
 * the `steps` schema): server-side conversation state (`previous_interaction_id`, `store`),
 * background runs, typed steps and resumable SSE events. Same retries, time limits, errors,
 * logging, redaction, size caps and transports as the model calls; a gateway that does not serve
 * it gets `UnsupportedEndpointError`, as does a Vertex AI client. Made by
 * `createInteractions(gemini)` (`@gemloop/core/interactions`).
 *
 * @example
 * ```ts
 * const interactions = createInteractions(gemini);
 * const first = await interactions.create({ model: 'gemini-3-flash-preview', input: 'Hi' });
 * const next = await interactions.create({
 *   model: 'gemini-3-flash-preview',
 *   input: 'And then?',
 *   previous_interaction_id: first.id,
 * });
 * ```
 */
export type Interactions = {
  // Bad input (an id, a request, options; any call on a Vertex client) rejects the promise a
  // method returns with its typed error, and `stream` and `resume` throw it from their stream's
  // first `next()`: no method throws where it is called.
  /** `POST /v1beta/interactions`: the finished interaction, or (with `background: true`) at once. */
  create(request: CreateInteractionRequest, options?: CallOptions): Promise<Interaction>;
  /**
   * `POST /v1beta/interactions` with `stream: true`: its SSE events as they come, resuming from the
   * last `event_id` when the connection drops (see `maxReconnects` in {@link InteractionStreamOptions}).
   */
  stream(
    request: CreateInteractionRequest,
    options?: InteractionStreamOptions,
  ): AsyncGenerator<InteractionEvent, void>;
  /**
   * `GET /v1beta/interactions/{id}?stream=true[&last_event_id=...]`: the events of a running or
   * finished interaction, from the start or after `lastEventId` (a background run, or a stream
   * resumed by another process from a recorded event id).
   */
  resume(
    id: string,
    options?: InteractionStreamOptions & { lastEventId?: string | undefined },
  ): AsyncGenerator<InteractionEvent, void>;
  /** `GET /v1beta/interactions/{id}`. */
  get(id: string, options?: CallOptions): Promise<Interaction>;
  /** `POST /v1beta/interactions/{id}/cancel` (a background interaction). */
  cancel(id: string, options?: CallOptions): Promise<Interaction>;
  /** `DELETE /v1beta/interactions/{id}`. */
  delete(id: string, options?: CallOptions): Promise<void>;
  /** Polls `get` until the interaction is no longer `queued` or `in_progress`. */
  wait(interaction: string | Interaction, options?: PollOptions): Promise<Interaction>;
};
