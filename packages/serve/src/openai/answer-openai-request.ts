import type { BodyBudget } from '../door/body-budget.ts';
import { checkOwner } from '../door/check-owner.ts';
import type { DoorTelemetry } from '../door/door-telemetry.ts';
import { InsufficientScopeError } from '../door/insufficient-scope-error.ts';
import { scopeRefusal } from '../door/scope-refusal.ts';
import { chatCompletions } from './chat-completions.ts';
import type { OpenAISettings } from './check-openai-options.ts';
import type { DoorRequest } from './door-request.ts';
import { errorResponse, jsonResponse } from './json-response.ts';
import { matchOpenAIRoute, type OpenAIRoute } from './match-openai-route.ts';
import { invalidRequest, notFound, OpenAIRequestError } from './openai-request-error.ts';
import type { RateLimiter, RateTake } from './rate-limiter.ts';
import { readJsonBody } from './read-json-body.ts';
import { type ResponsesContext, responses } from './responses.ts';
import { noRetryUnlessPassing } from './run-failure.ts';

/** What {@link answerOpenAIRequest} answers with: one door's settings and state. @internal */
export type OpenAIDoor = {
  settings: OpenAISettings;
  /** Bounds the bytes of the bodies read at once (shared by `mountDoors`, or the door's own). */
  budget: BodyBudget;
  /** Counts each caller's requests; none with `rateLimit: false`. */
  limiter: RateLimiter | undefined;
  /** The door's spans, around each run it starts. */
  telemetry: DoorTelemetry;
  /** What the Responses API keeps: the stored responses, their turns, the texts found clean. */
  kept: ResponsesContext;
};

/**
 * One request to the door (its Origin and Host already admitted): routed, authorized, counted
 * against the caller's rate limit, then answered by the API it is for. Any failure is an answer
 * in OpenAI's error shape; a failure of the door's own also goes to `onError`.
 * @internal
 */
export async function answerOpenAIRequest(request: Request, door: OpenAIDoor): Promise<Response> {
  try {
    const route = matchOpenAIRoute(request, door.settings.basePath);
    const owner = await authorizeRequest(request, door.settings);
    const taken = door.limiter?.take(owner);
    if (taken !== undefined && taken.wait > 0) {
      const refused = errorResponse(
        new OpenAIRequestError({
          status: 429,
          type: 'rate_limit_error',
          errorCode: 'rate_limit_exceeded',
          message: 'Too many requests; retry after the time in retry-after.',
        }),
      );
      refused.headers.set('retry-after', String(taken.wait));
      return refused;
    }
    return await answerRoute(request, route, { owner, taken }, door);
  } catch (error) {
    return failureResponse(error, request, door.settings.onError);
  }
}

/**
 * Who sent a request: its owner, and what the rate limit answered when it counted the request
 * (`undefined` without a limit), for giving that count back.
 */
type Caller = { owner: string; taken: RateTake | undefined };

/** The answer of an authorized request within its rate limit. */
async function answerRoute(
  request: Request,
  route: OpenAIRoute,
  caller: Caller,
  door: OpenAIDoor,
): Promise<Response> {
  const { owner } = caller;
  const { index } = door.kept;
  if (route.kind === 'models') return jsonResponse({ object: 'list', data: modelList(door) });
  if (route.kind === 'model') {
    const model = modelList(door).find((each) => each.id === route.id);
    if (model === undefined) throw unknownModel('model');
    return jsonResponse(model);
  }
  if (route.kind === 'get-response') {
    refuseStreamedRead(request);
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
  const run = await readRunRequest(request, caller, door);
  return route.kind === 'chat' ? await chatCompletions(run) : await responses(run, door.kept);
}

/**
 * Refuses `GET /v1/responses/{id}?stream=true`: a stored response is read whole, as JSON. The
 * `openai` client's `responses.retrieve(id, { stream: true })` reads the body as server-sent
 * events, and read the JSON as none: its loop ended at once, with no error (openai67).
 */
function refuseStreamedRead(request: Request): void {
  const stream = new URL(request.url).searchParams.get('stream');
  if (stream === null || stream === 'false') return;
  throw invalidRequest(
    'stream',
    'stream is not supported when reading a stored response: it is sent whole, as JSON (a response streams as it is made, with stream: true on POST /v1/responses). Leave stream out.',
    'unsupported_value',
  );
}

/** The body of a run's request read, and the agent its `model` names found. */
async function readRunRequest(
  request: Request,
  { owner, taken }: Caller,
  { settings, budget, limiter, telemetry }: OpenAIDoor,
): Promise<DoorRequest> {
  const body = await readJsonBody(request, {
    maxBytes: settings.maxBodyBytes,
    budget,
    idleTimeoutMs: settings.bodyIdleTimeoutMs,
    owner,
    // To the window that counted it, never the owner's next one.
    onBusy: () => {
      if (taken !== undefined) limiter?.giveBack(owner, taken.window);
    },
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
  const agent = Object.hasOwn(settings.agents, model) ? settings.agents[model] : undefined;
  if (agent === undefined) throw unknownModel('model');
  const abort = new AbortController();
  return {
    body,
    agent,
    model,
    owner,
    abort,
    signal: AbortSignal.any([request.signal, abort.signal]),
    onError: settings.onError,
    now: settings.now,
    heartbeatMs: settings.heartbeatMs,
    telemetry,
  };
}

/** The answer of a request that failed, in OpenAI's error shape. */
function failureResponse(
  error: unknown,
  request: Request,
  onError: (error: unknown) => void,
): Response {
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

async function authorizeRequest(
  request: Request,
  { authorize }: Pick<OpenAISettings, 'authorize'>,
): Promise<string> {
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

function modelList({ settings }: OpenAIDoor) {
  return Object.keys(settings.agents).map((id) => ({
    id,
    object: 'model',
    created: settings.created,
    owned_by: 'gemloop',
  }));
}

function unknownModel(param: string) {
  return notFound(
    'model_not_found',
    'No agent is served under this model id (GET /v1/models lists them).',
    param,
  );
}
