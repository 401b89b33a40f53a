import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import type { CheckContext } from '../http/attempts/check-responses.ts';
import { withRequestPath } from '../http/attempts/load-request-path.ts';
import { invalidResponse } from '../http/attempts/read-json-response.ts';
import type { CallOptions } from '../http/call-options.ts';
import { internalsOf } from '../http/files/create-files.ts';
import { refuseOnVertex, toUnsupportedEndpoint } from '../http/files/endpoint-support.ts';
import { pickCallOptions, pollOptionsDeclaration } from '../http/files/file-options.ts';
import type { Gemini } from '../http/gemini.ts';
import {
  type ResolvedCallOptions,
  resolveCallOptions,
} from '../http/options/resolve-call-options.ts';
import type { ResolvedClientOptions } from '../http/options/resolve-client-options.ts';
import { sleep } from '../retry/sleep.ts';
import { cutText } from '../shared/cut-text.ts';
import { redactSecrets } from '../shared/redact-secrets.ts';
import type {
  CreateInteractionRequest,
  Interaction,
  InteractionEvent,
} from '../wire/interaction.ts';
import { checkAgentBackground } from './agent-background-rule.ts';
import type { InteractionStreamOptions, Interactions } from './interactions.ts';

/**
 * The schema revision gemloop speaks: the `steps` schema, the default since 2026-05-26 and the
 * only one since the legacy `outputs` schema was removed (2026-06-08). Sent explicitly so a server
 * default changing later does not change what gemloop reads (dev.to/flarecanary "Gemini's
 * Interactions API default flips May 26"; ai.google.dev/gemini-api/docs/interactions).
 */
export const INTERACTIONS_API_REVISION = '2026-05-20';
const DEFAULT_MAX_RECONNECTS = 3;
const DEFAULT_POLL_INTERVAL_MS = 2_000;
/** Bounds a wait a gateway never ends: near three hours at the default interval (a deep research runs up to one). */
const DEFAULT_MAX_POLLS = 5_000;
/** Ids are opaque tokens; this keeps a path segment (and a hostile value) out of the URL. */
// Not '.' or '..': a URL resolves `interactions/..` to the API root (WHATWG dot segments).
const INTERACTION_ID = /^(?!\.\.?$)[A-Za-z0-9._~-]{1,512}$/;
const RUNNING = new Set(['queued', 'in_progress']);

/**
 * The Interactions API of a client made by `createGemini` (Google's Gemini API), on the same
 * request path as the model calls. Routes from `@google/genai` 3.1.0 (`POST /{v}/interactions`,
 * `GET|DELETE /{v}/interactions/{id}` with `stream`, `last_event_id`, `POST
 * /{v}/interactions/{id}/cancel`); hand-written from that source.
 * @throws {@link InvalidArgumentError} when `gemini` was not made by `createGemini`.
 */
export function createInteractions(gemini: Gemini): Interactions {
  const { client, defaults } = internalsOf(gemini, 'createInteractions');
  return makeInteractions(client, defaults);
}

function withRevision(call: ResolvedCallOptions): ResolvedCallOptions {
  return { ...call, headers: { ...call.headers, 'api-revision': INTERACTIONS_API_REVISION } };
}

function makeInteractions(
  client: ResolvedClientOptions,
  defaults: ResolvedCallOptions,
): Interactions {
  const resolve = (options: CallOptions | undefined) =>
    withRevision(resolveCallOptions(options, client, defaults));

  const unary = (
    method: string,
    url: string,
    httpMethod: 'GET' | 'POST' | 'DELETE',
    options: CallOptions | undefined,
    body?: string,
    model?: string,
    /** The interaction a get or a cancel names: an answer about another is refused. */
    id?: string,
  ): Promise<Interaction> => {
    refuseOnVertex(client, method);
    const call = resolve(options);
    return withRequestPath(({ requestJson }) =>
      requestJson({
        client,
        call,
        method,
        url,
        httpMethod,
        body,
        // A create names its model: `beforeSend` hears it, so a rate limit per model (the
        // durable fleet's `modelRateLimits`) counts creates; polls and cancels name none.
        model,
        allowEmptyBody: httpMethod === 'DELETE',
        check:
          httpMethod === 'DELETE'
            ? (value) => value as Interaction
            : (value, context) => checkInteraction(value, context, id),
      }),
    ).catch((error: unknown) => {
      throw toUnsupportedEndpoint(error, client, method);
    });
  };

  // Async, as every method that returns a promise here: bad input (an id, options, a Vertex
  // client) rejects the promise with its typed error rather than throwing where it is called.
  const get = async (id: string, options?: CallOptions) =>
    unary(
      'interactions.get',
      `${client.root}interactions/${checkId(id)}`,
      'GET',
      options,
      undefined,
      undefined,
      id,
    );

  const resumable = (
    method: string,
    first: { url: string; httpMethod: 'GET' | 'POST'; body?: string; model?: string | undefined },
    options: InteractionStreamOptions | undefined,
    known: { id?: string | undefined; lastEventId?: string | undefined },
  ): AsyncGenerator<InteractionEvent, void> => {
    refuseOnVertex(client, method);
    const { maxReconnects, onReconnect, ...callOptions } = options ?? {};
    if (
      maxReconnects !== undefined &&
      (!Number.isInteger(maxReconnects) || maxReconnects < 0 || maxReconnects > 100)
    ) {
      throw new InvalidArgumentError({
        argument: 'options.maxReconnects',
        message:
          'options.maxReconnects must be an integer from 0 to 100 (reconnects of one stream).',
      });
    }
    const call = resolve(callOptions);
    return resumeOnDrop({
      client,
      call,
      method,
      first,
      maxReconnects: maxReconnects ?? DEFAULT_MAX_RECONNECTS,
      onReconnect,
      known,
    });
  };

  const interactions: Interactions = {
    async create(request, options) {
      const body = checkCreate(request, false);
      return unary(
        'interactions.create',
        `${client.root}interactions`,
        'POST',
        options,
        body,
        request.model ?? request.agent,
      );
    },

    stream(request, options) {
      return deferred(() =>
        resumable(
          'interactions.stream',
          {
            url: `${client.root}interactions?alt=sse`,
            httpMethod: 'POST',
            body: checkCreate(request, true),
            model: request.model ?? request.agent,
          },
          options,
          {},
        ),
      );
    },

    resume(id, options) {
      return deferred(() => {
        const { lastEventId, ...rest } = options ?? {};
        const checked = checkId(id);
        return resumable(
          'interactions.resume',
          { url: streamUrl(client, checked, lastEventId), httpMethod: 'GET' },
          rest,
          { id: checked, lastEventId },
        );
      });
    },

    get,

    async cancel(id, options) {
      return unary(
        'interactions.cancel',
        `${client.root}interactions/${checkId(id)}/cancel`,
        'POST',
        options,
        undefined,
        undefined,
        id,
      );
    },

    async delete(id, options) {
      await unary(
        'interactions.delete',
        `${client.root}interactions/${checkId(id)}`,
        'DELETE',
        options,
      );
    },

    async wait(interaction, options) {
      const id = typeof interaction === 'string' ? interaction : interaction?.id;
      const checked = options === undefined ? {} : pollOptionsDeclaration.check(options);
      const interval = checked.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
      const maxPolls = checked.maxPolls ?? DEFAULT_MAX_POLLS;
      for (let polls = 1; ; polls++) {
        const current = await get(id as string, pickCallOptions(options));
        try {
          checked.onPoll?.(current);
        } catch {
          // Ignored, as documented on PollOptions.onPoll.
        }
        if (!RUNNING.has(current.status)) return current;
        if (polls >= maxPolls) {
          throw new TimeoutError({
            timeoutMs: (polls - 1) * interval,
            operation: 'interactions.wait',
            message: `interactions.wait: the interaction was still ${current.status} after ${polls} polls; it goes on server-side. Wait again, or raise options.maxPolls.`,
          });
        }
        await sleep(interval, checked.signal);
      }
    },
  };
  return interactions;
}

/**
 * The events of the stream `open` returns, opened at the first `next()`: its checks of the input
 * (the request, an id, options, a Vertex client) then throw through the stream, as every other
 * method of the client rejects its promise, never where the method is called (a caller's
 * `try` around its `for await`, or a stream handed on unread, sees the error).
 */
async function* deferred<T>(open: () => AsyncGenerator<T, void>): AsyncGenerator<T, void> {
  yield* open();
}

function streamUrl(
  client: ResolvedClientOptions,
  id: string,
  lastEventId?: string | undefined,
): string {
  const query = new URLSearchParams({ stream: 'true', alt: 'sse' });
  if (lastEventId !== undefined) query.set('last_event_id', lastEventId);
  return `${client.root}interactions/${id}?${query.toString()}`;
}

/**
 * The events of one logical stream across dropped connections: after a drop (`StreamError`
 * `connection` or `truncated`, i.e. the body was cut) the stream reconnects with `GET
 * .../interactions/{id}?stream=true&last_event_id=<last seen>`, which the API answers with the
 * events after that one (`@google/genai` 3.1.0's `interactions.get(id, { stream, last_event_id })`).
 * The id comes from the `interaction.created` event; a drop before it (or before any `event_id`)
 * cannot be resumed and is thrown, as is a drop past `maxReconnects`.
 */
async function* resumeOnDrop(options: {
  client: ResolvedClientOptions;
  call: ResolvedCallOptions;
  method: string;
  first: { url: string; httpMethod: 'GET' | 'POST'; body?: string; model?: string | undefined };
  maxReconnects: number;
  onReconnect: InteractionStreamOptions['onReconnect'];
  known: { id?: string | undefined; lastEventId?: string | undefined };
}): AsyncGenerator<InteractionEvent, void> {
  const { client, call, method, maxReconnects, onReconnect } = options;
  let { id, lastEventId } = options.known;
  let reconnects = 0;
  let delivered = 0;
  // The event ids delivered: a reconnect answered with events already given (a server or proxy
  // that replays the stream from its start, the `last_event_id` query lost) must not give them
  // again, or the caller gets the text before the drop twice ("Hello Hello world").
  const seen = new Set<string>();
  let request = options.first;
  for (;;) {
    // Loaded by the first stream, not at import: it pulls in the request path and the SSE parser,
    // which `import '@gemloop/core'` must not load (bench/README.md, "Cold import").
    const source = import('./open-interaction-stream.ts').then(({ openInteractionStream }) =>
      openInteractionStream({ client, call, method, ...request }),
    );
    try {
      for await (const event of await source) {
        refuseOtherInteraction(event, id, delivered, call.secrets.values);
        const eventId = event.event_id;
        if (typeof eventId === 'string') {
          if (reconnects > 0 && seen.has(eventId)) continue;
          seen.add(eventId);
          lastEventId = eventId;
        }
        if (id === undefined) id = interactionIdOf(event);
        delivered++;
        yield event;
      }
      return;
    } catch (error) {
      const dropped =
        StreamError.isInstance(error) &&
        (error.reason === 'connection' || error.reason === 'truncated');
      if (
        !dropped ||
        id === undefined ||
        lastEventId === undefined ||
        reconnects >= maxReconnects ||
        call.signal?.aborted === true
      ) {
        throw toUnsupportedEndpoint(error, client, method);
      }
      reconnects++;
      try {
        onReconnect?.({ interactionId: id, lastEventId, reconnect: reconnects });
      } catch {
        // Ignored, as documented.
      }
      request = { url: streamUrl(client, id, lastEventId), httpMethod: 'GET' };
    }
  }
}

/**
 * The interaction id an event names, when it is one a URL may hold: the server's bytes go into the
 * reconnect's path, and an id such as `../../models/x` would send it (with the API key) elsewhere.
 */
function interactionIdOf(event: InteractionEvent): string | undefined {
  const interaction = (event as { interaction?: { id?: unknown } }).interaction;
  const id =
    typeof interaction?.id === 'string'
      ? interaction.id
      : (event as { interaction_id?: unknown }).interaction_id;
  return typeof id === 'string' && INTERACTION_ID.test(id) ? id : undefined;
}

/**
 * Throws when `event` names an interaction other than `id`, the one this stream is of: a
 * reconnect (or a resume) answered with another interaction's events (a proxy's cache, a mix-up
 * behind a load balancer) would join that interaction's text to this one's, and give the caller
 * its id to continue from.
 */
function refuseOtherInteraction(
  event: InteractionEvent,
  id: string | undefined,
  delivered: number,
  secrets: readonly string[],
): void {
  if (id === undefined) return;
  const interaction = (event as { interaction?: { id?: unknown } }).interaction;
  const named =
    typeof interaction?.id === 'string'
      ? interaction.id
      : (event as { interaction_id?: unknown }).interaction_id;
  if (typeof named !== 'string' || named === id) return;
  // Thrown outside the request path, so scrubbed here: a gateway may echo the key as the id, and
  // the message and event quoted it (attack47a). Scrubbed before the cut, so no half key stays.
  throw new StreamError({
    reason: 'invalid-chunk',
    chunksDelivered: delivered,
    event: redactSecrets(JSON.stringify(event), secrets),
    message: `The stream of interaction ${id} sent an event of interaction ${cutText(redactSecrets(named, secrets), 100)}: the server answered with another interaction's events, so the stream stops here. Start the call again.`,
  });
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || !INTERACTION_ID.test(id)) {
    throw new InvalidArgumentError({
      argument: 'id',
      message:
        'The interaction id must be the `id` of an interaction (letters, digits, `.`, `_`, `~`, `-`; at most 512 characters).',
    });
  }
  return id;
}

function checkCreate(request: CreateInteractionRequest, stream: boolean): string {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new InvalidArgumentError({
      argument: 'request',
      message: 'interactions.create needs a request object: { model, input }.',
    });
  }
  const hasModel = typeof request.model === 'string' && request.model !== '';
  const hasAgent = typeof request.agent === 'string' && request.agent !== '';
  if (hasModel === hasAgent) {
    throw new InvalidArgumentError({
      argument: 'request.model',
      message:
        'Give exactly one of request.model (a model name) or request.agent (a built-in agent).',
    });
  }
  // A built-in agent's rule on `background` (Deep Research needs it, Antigravity refuses it):
  // refused here with a typed error rather than as the server's 400 after a round trip.
  if (hasAgent) checkAgentBackground(request.agent as string, request.background);
  if (
    (request.input === undefined || request.input === null) &&
    request.continuation_token === undefined
  ) {
    throw new InvalidArgumentError({
      argument: 'request.input',
      message:
        'request.input is required (a string, or an array of steps or content), unless the request resumes a decode with continuation_token.',
    });
  }
  if (!stream && request['stream'] === true) {
    throw new InvalidArgumentError({
      argument: 'request.stream',
      message: 'interactions.create is unary: use interactions.stream(request) for the SSE events.',
    });
  }
  if (stream && request.background === true) {
    // Allowed by the API (a background run streams too); kept as sent.
  }
  return JSON.stringify(stream ? { ...request, stream: true } : request);
}

function checkInteraction(value: unknown, context: CheckContext, id?: string): Interaction {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { id?: unknown }).id !== 'string'
  ) {
    throw invalidResponse(context, 'returned a body that is not an interaction with an `id`');
  }
  // A get or a cancel answered with another interaction (a cache in front of the API keyed
  // without the path, a mix-up behind a load balancer) would hand its steps to this run as its
  // answer, and its id to continue from: refused, as a stream's events of another are.
  if (id !== undefined && (value as { id: string }).id !== id) {
    throw invalidResponse(context, `returned another interaction than ${id}`);
  }
  const interaction = value as Interaction;
  // A running interaction is polled (`GET interactions/{id}`) and cancelled by its id: one no URL
  // path may hold (`../../files/x`, a URL, '') is the server's fault, said so here, not an
  // InvalidArgumentError blaming the caller at the first poll (attack62c). A finished one's id
  // only goes in a body (`previous_interaction_id`), so it is left as the server wrote it.
  if (RUNNING.has(interaction.status) && !INTERACTION_ID.test(interaction.id)) {
    throw invalidResponse(
      context,
      // The id itself is in the body's (redacted) excerpt: a gateway may echo the key as it.
      'returned a running interaction whose id no URL path may hold, so it could not be polled',
    );
  }
  const steps = interaction.steps;
  if (steps !== undefined && steps !== null && !Array.isArray(steps)) {
    throw invalidResponse(context, 'returned an interaction whose `steps` is not an array');
  }
  return interaction;
}
