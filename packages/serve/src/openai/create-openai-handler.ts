import type { Agent } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import {
  CODED_BODY_MESSAGE,
  checkOptionsCopy,
  checkReceiverNames,
  createScanMemo,
} from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import { type BodyBudget, checkBodyBudgetOptions, createBodyBudget } from '../door/body-budget.ts';
import { DOOR_DEFAULTS, wholeOption } from '../door/check-door-options.ts';
import { checkOwner } from '../door/check-owner.ts';
import { createDoorHistoryStore } from '../door/create-door-history-store.ts';
import { openAIKeys } from '../door/door-option-keys.ts';
import { createDoorTelemetry } from '../door/door-telemetry.ts';
import { heartbeatOption } from '../door/heartbeat.ts';
import type { DoorConnection } from '../door/host-policy.ts';
import { checkAllowedHosts, guardHost } from '../door/host-policy.ts';
import { InsufficientScopeError } from '../door/insufficient-scope-error.ts';
import { checkAllowedOrigins, guardOrigin } from '../door/origin-policy.ts';
import { unprintableIdFault } from '../door/printable-id.ts';
import {
  BODIES_BUSY_RETRY_AFTER_SECONDS,
  type BodyLimits,
  parseJsonOr,
  readBoundedBody,
} from '../door/read-bounded-body.ts';
import { scopeRefusal } from '../door/scope-refusal.ts';
import { chatCompletions } from './chat-completions.ts';
import type { DoorRequest } from './door-request.ts';
import { errorResponse, jsonResponse } from './json-response.ts';
import type { OpenAIHandlerOptions } from './openai-handler-options.ts';
import { invalidRequest, notFound, OpenAIRequestError } from './openai-request-error.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { createResponseIndex } from './response-index.ts';
import { responses } from './responses.ts';
import { noRetryUnlessPassing } from './run-failure.ts';
import { isRecord } from './to-contents.ts';

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

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
  const settings = checkOptions(options);
  const budget =
    bodyBudget ??
    createBodyBudget(settings.maxBodyBytesInFlight, settings.maxBodyBytesInFlightPerCaller);
  const { agents, authorize, onError, now } = settings;
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

  const served: FetchHandler = async (request) => {
    try {
      const route = matchRoute(request, settings.basePath);
      const owner = await authorizeRequest(request);
      const wait = limiter?.take(owner) ?? 0;
      if (wait > 0) {
        const refused = errorResponse(
          new OpenAIRequestError({
            status: 429,
            type: 'rate_limit_error',
            errorCode: 'rate_limit_exceeded',
            message: 'Too many requests; retry after the time in retry-after.',
          }),
        );
        refused.headers.set('retry-after', String(wait));
        return refused;
      }
      if (route.kind === 'models') return jsonResponse({ object: 'list', data: modelList() });
      if (route.kind === 'model') {
        const model = modelList().find((each) => each.id === route.id);
        if (model === undefined) throw unknownModel('model');
        return jsonResponse(model);
      }
      if (route.kind === 'get-response') {
        const found = index.find(route.id, owner);
        if (found === undefined) {
          throw notFound('response_not_found', 'No response with this id is open to this caller.');
        }
        return jsonResponse(found.body);
      }
      if (route.kind === 'delete-response') {
        if (!index.remove(route.id, owner)) {
          throw notFound('response_not_found', 'No response with this id is open to this caller.');
        }
        return jsonResponse({ id: route.id, object: 'response.deleted', deleted: true });
      }
      const body = await readJsonBody(request, {
        maxBytes: settings.maxBodyBytes,
        budget,
        idleTimeoutMs: settings.bodyIdleTimeoutMs,
        owner,
        onBusy: () => limiter?.giveBack(owner),
      });
      const model = body['model'];
      if (model === undefined) {
        throw invalidRequest(
          'model',
          'model is required: the id of an agent (GET /v1/models).',
          'missing_required_parameter',
        );
      }
      if (typeof model !== 'string')
        throw invalidRequest('model', 'model must be a string.', 'invalid_type');
      const agent = Object.hasOwn(agents, model) ? agents[model] : undefined;
      if (agent === undefined) throw unknownModel('model');
      const abort = new AbortController();
      const door: DoorRequest = {
        body,
        agent,
        model,
        owner,
        abort,
        signal: AbortSignal.any([request.signal, abort.signal]),
        onError,
        now,
        heartbeatMs: settings.heartbeatMs,
        telemetry,
      };
      return route.kind === 'chat'
        ? await chatCompletions(door)
        : await responses(door, { index, store, scanned });
    } catch (error) {
      if (OpenAIRequestError.isInstance(error)) return errorResponse(error);
      if (InsufficientScopeError.isInstance(error)) {
        // The `openai` client reads a 403 as PermissionDeniedError.
        return scopeRefusal(error, {
          error: {
            message: 'The token lacks a scope this request needs.',
            type: 'permission_error',
            param: null,
            code: 'insufficient_scope',
          },
        });
      }
      // A client that left mid-body (or was cut off stalling): its own doing, not the door's.
      if (!request.signal.aborted) onError(error);
      // The door's own failure (an `authorize` or a store that threw, a tracer): the same request
      // meets it again, and the `openai` client would send it twice more (see runFailureResponse).
      return jsonResponse(
        {
          error: {
            message: 'The server could not answer the request.',
            type: 'server_error',
            param: null,
            code: 'internal_error',
          },
        },
        500,
        noRetryUnlessPassing(error),
      );
    }
  };
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

  async function authorizeRequest(request: Request): Promise<string> {
    const owner = checkOwner(await authorize(request));
    if (owner === undefined) {
      throw new OpenAIRequestError({
        status: 401,
        type: 'authentication_error',
        errorCode: 'invalid_api_key',
        message: 'The request has no valid credentials: send Authorization: Bearer <key>.',
      });
    }
    return owner;
  }

  function modelList() {
    return Object.keys(agents).map((id) => ({
      id,
      object: 'model',
      created: settings.created,
      owned_by: 'gemloop',
    }));
  }
}

type Route =
  | { kind: 'chat' | 'responses' | 'models' }
  | { kind: 'model' | 'get-response' | 'delete-response'; id: string };

function matchRoute(request: Request, basePath: string): Route {
  const path = new URL(request.url).pathname;
  const rest = path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined;
  const method = request.method;
  // A GET route answers HEAD too (RFC 9110 section 9.1): the adapters send its head only.
  const read = method === 'GET' || method === 'HEAD';
  const routes: [string, string, (id: string) => Route][] = [
    ['POST', '/chat/completions', () => ({ kind: 'chat' })],
    ['POST', '/responses', () => ({ kind: 'responses' })],
    ['GET', '/models', () => ({ kind: 'models' })],
  ];
  for (const [verb, route, make] of routes) {
    if (rest === route) {
      if (verb === 'GET' ? !read : method !== verb) {
        throw notAllowed(method, verb === 'GET' ? 'GET, HEAD' : verb);
      }
      return make('');
    }
  }
  const item = rest === undefined ? undefined : /^\/(models|responses)\/([^/]{1,200})$/.exec(rest);
  if (item !== null && item !== undefined) {
    const id = decodeId(item[2] as string);
    // A response's id is printable, as every door's ids (door/printable-id.ts): `%1b` or
    // `%E2%80%AE` decode to one. A model's is only looked up among the served agents' names.
    const unprintable =
      item[1] === 'responses' ? unprintableIdFault('The id in the path', id) : undefined;
    if (unprintable !== undefined) throw invalidRequest(null, unprintable, 'invalid_path');
    if (item[1] === 'responses' && method === 'DELETE') return { kind: 'delete-response', id };
    if (!read)
      throw notAllowed(method, item[1] === 'responses' ? 'GET, HEAD, DELETE' : 'GET, HEAD');
    return { kind: item[1] === 'models' ? 'model' : 'get-response', id };
  }
  throw new OpenAIRequestError({
    status: 404,
    type: 'invalid_request_error',
    errorCode: 'unknown_url',
    message:
      'Unknown route: this server answers /v1/chat/completions, /v1/responses and /v1/models.',
  });
}

/** A path segment decoded; a broken percent-encoding is the caller's 400, not the door's URIError. */
function decodeId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidRequest(
      null,
      'The id in the path is not valid percent-encoding: send it as the API gave it.',
      'invalid_path',
    );
  }
}

function notAllowed(method: string, allow: string) {
  return new OpenAIRequestError({
    status: 405,
    type: 'invalid_request_error',
    errorCode: 'method_not_allowed',
    message: `${method.slice(0, 16)} is not allowed on this route: use ${allow}.`,
    allow,
  });
}

/**
 * The body as a JSON object, read within `budget`: 413 past `maxBytes`, 503 `server_error` with
 * `retry-after` when the door is reading as many bodies as it takes, 400 for anything but a JSON
 * object.
 */
async function readJsonBody(
  request: Request,
  limits: BodyLimits,
): Promise<Record<string, unknown>> {
  const body = await readBoundedBody(request, {
    ...limits,
    parse: parseJsonOr(() =>
      invalidRequest(null, 'The request body is not valid JSON.', 'invalid_json'),
    ),
    errors: {
      coded: () =>
        new OpenAIRequestError({
          status: 415,
          type: 'invalid_request_error',
          errorCode: 'unsupported_content_encoding',
          message: CODED_BODY_MESSAGE,
        }),
      tooLarge: (message) =>
        new OpenAIRequestError({
          status: 413,
          type: 'invalid_request_error',
          errorCode: 'request_too_large',
          message,
        }),
      notUtf8: () =>
        invalidRequest(
          null,
          'The request body is not UTF-8: send the JSON as UTF-8.',
          'invalid_json',
        ),
      busy: (message) =>
        new OpenAIRequestError({
          status: 503,
          type: 'server_error',
          errorCode: 'server_busy',
          message,
          retryAfter: BODIES_BUSY_RETRY_AFTER_SECONDS,
        }),
      timedOut: (message) =>
        new OpenAIRequestError({
          status: 408,
          type: 'invalid_request_error',
          errorCode: 'request_timeout',
          message,
        }),
    },
  });
  if (!isRecord(body))
    throw invalidRequest(null, 'The request body must be a JSON object.', 'invalid_type');
  return body;
}

function unknownModel(param: string) {
  return notFound(
    'model_not_found',
    'No agent is served under this model id (GET /v1/models lists them).',
    param,
  );
}

function checkOptions(given: OpenAIHandlerOptions) {
  const fail = (argument: string, message: string): never => {
    throw new InvalidArgumentError({ argument, message });
  };
  if (!isRecord(given))
    fail('options', 'createOpenAIHandler takes an options object: { agents, authorize }.');
  // Each option read once, `rateLimit` and the `agents` map too (attack23), and checked.
  const options = checkOptionsCopy(openAIKeys, given);
  if (!isRecord(options.agents) || Object.keys(options.agents).length === 0) {
    fail(
      'agents',
      'agents must map at least one model id to an agent: { agents: { "support-agent": agent } }.',
    );
  }
  for (const [id, agent] of Object.entries(options.agents)) {
    if (!MODEL_ID.test(id)) {
      fail(
        'agents',
        `agents: the model id "${id.slice(0, 140)}" must be 1 to 128 letters, digits and . _ : / - (starting with a letter or digit).`,
      );
    }
    if (!isRecord(agent) || typeof (agent as { run?: unknown }).run !== 'function') {
      fail('agents', `agents["${id}"] must be an agent from createAgent().`);
    }
    // The door follows a streamed run's hand-offs by name (`followAnsweringAgent`).
    checkReceiverNames(agent as Agent<unknown>, {
      caller: `createOpenAIHandler: agents["${id}"]`,
      argument: 'agents',
    });
  }
  if (typeof options.authorize !== 'function') {
    fail(
      'authorize',
      'authorize must be a function (request) => owner | null: every door of a served agent checks who calls.',
    );
  }
  const rateLimit = options.rateLimit ?? DOOR_DEFAULTS.rateLimit;
  const basePath = options.basePath ?? '/v1';
  if (!/^(\/[A-Za-z0-9._-]+)+$/.test(basePath)) {
    fail('basePath', 'basePath must be a path such as "/v1" (no trailing slash).');
  }
  const now = options.now ?? Date.now;
  const maxBodyBytes = wholeOption(
    options.maxBodyBytes,
    'maxBodyBytes',
    DOOR_DEFAULTS.maxBodyBytes,
  );
  return {
    agents: options.agents,
    authorize: options.authorize,
    onError: (error: unknown) => {
      try {
        options.onError?.(error);
      } catch {
        // A logging hook that throws must not turn an answer into another failure.
      }
    },
    now,
    created: Math.floor(now() / 1000),
    maxConversations: wholeOption(options.maxConversations, 'maxConversations', 1000),
    maxResponses: wholeOption(options.maxResponses, 'maxResponses', 1000),
    maxBodyBytes,
    ...checkBodyBudgetOptions(options, maxBodyBytes),
    heartbeatMs: heartbeatOption(options.heartbeatMs),
    rateLimit,
    basePath,
    allowedOrigins: checkAllowedOrigins(options.allowedOrigins, []),
    allowedHosts: checkAllowedHosts(options.allowedHosts),
  };
}
