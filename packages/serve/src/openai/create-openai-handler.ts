import { createScanMemo } from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import { type BodyBudget, createBodyBudget } from '../door/body-budget.ts';
import { createDoorHistoryStore } from '../door/create-door-history-store.ts';
import { createDoorTelemetry } from '../door/door-telemetry.ts';
import type { DoorConnection } from '../door/host-policy.ts';
import { guardHost } from '../door/host-policy.ts';
import { guardOrigin } from '../door/origin-policy.ts';
import { answerOpenAIRequest, type OpenAIDoor } from './answer-openai-request.ts';
import { checkOpenAIOptions } from './check-openai-options.ts';
import { errorResponse } from './json-response.ts';
import type { OpenAIHandlerOptions } from './openai-handler-options.ts';
import { OpenAIRequestError } from './openai-request-error.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { createResponseIndex } from './response-index.ts';

/**
 * A Fetch-API handler: Node (through `@gemloop/serve/node`), Hono, Deno, Bun, Workers. The
 * second argument says which of the server's addresses the request arrived on, for the doors'
 * Host check (`allowedHosts`); `toNodeListener` passes it.
 */
export type FetchHandler = (request: Request, connection?: DoorConnection) => Promise<Response>;

/**
 * An OpenAI-compatible endpoint for gemloop agents, as a Fetch-API handler: the `openai` client
 * (or anything that speaks OpenAI's API) talks to the agents as to models.
 *
 * - `POST /v1/chat/completions`: Chat Completions, unary or streamed (`chat.completion.chunk`
 *   frames ending in `data: [DONE]`); stateless, the caller sends the conversation.
 * - `POST /v1/responses`: Responses, unary or streamed (`response.created`,
 *   `response.output_text.delta`, ..., `response.completed`); each response a turn of a chat
 *   session, continued with `previous_response_id` or `conversation`, the caller's own only.
 * - `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}`: a stored response of the caller's.
 * - `GET /v1/models`, `GET /v1/models/{id}`: the agents.
 *
 * The agents' tools run on the server; the caller sees the answer. Errors are OpenAI's shape
 * `{ error: { message, type, param, code } }` with fixed messages: a bad field is named, a failed
 * run is told by its code only (never its message, which may quote a secret).
 *
 * @example
 * ```ts
 * const handler = createOpenAIHandler({
 *   agents: { 'support-agent': agent },
 *   authorize: (request) => ownerOfKey(request.headers.get('authorization')),
 * });
 * ```
 * @throws {@link InvalidArgumentError} for options it cannot serve with.
 */
export function createOpenAIHandler(options: OpenAIHandlerOptions): FetchHandler {
  return createOpenAIHandlerSharing(options, undefined);
}

/**
 * {@link createOpenAIHandler} reading its bodies within `bodyBudget` when given (the one
 * `mountDoors` shares among the doors it mounts), else within a budget of its own of
 * `maxBodyBytesInFlight`.
 * @internal
 */
export function createOpenAIHandlerSharing(
  options: OpenAIHandlerOptions,
  bodyBudget: BodyBudget | undefined,
): FetchHandler {
  const settings = checkOpenAIOptions(options);
  const { onError, now } = settings;
  const store = options.store ?? createDoorHistoryStore();
  const index = createResponseIndex({
    store,
    maxResponses: settings.maxResponses,
    maxConversations: settings.maxConversations,
    context: { logger: silentLogger },
    onError,
  });
  const limiter =
    settings.rateLimit === false ? undefined : createRateLimiter(settings.rateLimit, now);
  const telemetry = createDoorTelemetry(options.tracerProvider);
  // The door's threads' texts found clean, so a thread's stored turns are not scanned for keys
  // again at each send (scrub47: a long thread's sends were quadratic in its length).
  const scanned = createScanMemo();
  const door: OpenAIDoor = {
    settings,
    budget:
      bodyBudget ??
      createBodyBudget(settings.maxBodyBytesInFlight, settings.maxBodyBytesInFlightPerCaller),
    limiter,
    telemetry,
    kept: { index, store, scanned },
  };
  const served: FetchHandler = (request) => answerOpenAIRequest(request, door);

  // A server-to-server API, often on localhost in development, where a page of another site
  // reaches it by DNS rebinding (the attack the MCP spec's Origin MUST is against, 2025-11-25,
  // Transports): no page unless listed (`openai` in a browser, `dangerouslyAllowBrowser`).
  const guarded = guardOrigin(settings.allowedOrigins, served, () =>
    errorResponse(
      new OpenAIRequestError({
        status: 403,
        type: 'permission_error',
        errorCode: 'origin_not_allowed',
        message:
          'Forbidden: a page of this origin may not call this API; its server lists the origins it allows (allowedOrigins).',
      }),
    ),
  );
  return guardHost(
    settings.allowedHosts,
    guarded,
    (message) =>
      errorResponse(
        new OpenAIRequestError({
          status: 403,
          type: 'permission_error',
          errorCode: 'host_not_allowed',
          message,
        }),
      ),
    'this API',
  );
}
