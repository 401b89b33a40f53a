import {
  A2A_PROTOCOL_VERSION,
  A2A_VERSION_HEADER,
  AGENT_CARD_PATH,
  AgentCard,
  formatSSEErrorEvent,
  formatSSEEvent,
  HTTP_EXTENSION_HEADER,
  SSE_HEADERS,
} from '@a2a-js/sdk';
import { A2A_LEGACY_PROTOCOL_VERSION, duplicateInterfacesForLegacy } from '@a2a-js/sdk/compat/v0_3';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import {
  DefaultExecutionEventBusManager,
  DefaultRequestHandler,
  JsonRpcTransportHandler,
  ServerCallContext,
  type User,
  validateVersion,
} from '@a2a-js/sdk/server';
import type { Agent } from '@gemloop/core';
import { createMemoryHistoryStore } from '@gemloop/core/chat';
import { checkDoorOptions, failOption, wholeOption } from '../door/check-door-options.ts';
import { checkOwner } from '../door/check-owner.ts';
import { createDoorTelemetry } from '../door/door-telemetry.ts';
import { InsufficientScopeError } from '../door/insufficient-scope-error.ts';
import { readBoundedBody } from '../door/read-bounded-body.ts';
import { scopeRefusal } from '../door/scope-refusal.ts';
import { createOwnedSessions } from '../mcp/owned-sessions.ts';
import type { FetchHandler } from '../openai/create-openai-handler.ts';
import { createRateLimiter } from '../openai/rate-limiter.ts';
import { isRecord } from '../openai/to-contents.ts';
import type { A2AAgentCardOptions, A2AHandlerOptions } from './a2a-handler-options.ts';
import { A2ARequestError } from './a2a-request-error.ts';
import { BoundedTaskStore } from './bounded-task-store.ts';
import { createDurableExecutor, type DurableExecutor } from './durable-executor.ts';
import { DurableRequestHandler } from './durable-request-handler.ts';
import { createGemloopExecutor } from './gemloop-executor.ts';
import { createSafePushNotifications } from './safe-push-notifications.ts';

/** JSON-RPC's internal error: its message may be a thrown error's own words. */
const INTERNAL_ERROR = -32603;
const INTERNAL_MESSAGE = 'The server could not answer the request.';
/** The methods that send a message, v1.0's and v0.3's. */
const SEND_METHODS = new Set([
  'SendMessage',
  'SendStreamingMessage',
  'message/send',
  'message/stream',
]);
/** A2A's UnsupportedOperationError. */
const UNSUPPORTED_OPERATION = -32004;

type RpcResponse = { jsonrpc: string; id: unknown; result?: unknown; error?: unknown };

/**
 * An A2A server (https://a2a-protocol.org, spec v1.0 as `@a2a-js/sdk` 1.3 implements it) for a
 * gemloop agent, as a Fetch-API handler. Built on the SDK's own server pieces: its
 * `DefaultRequestHandler` (tasks, cancel, resubscribe, push notification configs), its task store
 * and event bus, and its `JsonRpcTransportHandler` (the JSON-RPC binding); this handler adapts
 * them to `Request`/`Response` and adds what every gemloop door has.
 *
 * - `GET /.well-known/agent-card.json`: the agent card (JSON-RPC interface, streaming, push
 *   notifications), readable without credentials as discovery needs.
 * - `POST /`: JSON-RPC 2.0: `SendMessage`, `SendStreamingMessage` (server-sent events),
 *   `GetTask`, `ListTasks`, `CancelTask`, `SubscribeToTask`, and
 *   `Create`/`Get`/`List`/`DeleteTaskPushNotificationConfig`.
 *
 * A request without an `A2A-Version` header is v0.3's (`message/send`, `message/stream`,
 * `tasks/get`, `tasks/cancel`, `tasks/resubscribe`, ...), served through the SDK's compatibility
 * layer unless `v03: false`.
 *
 * A task is a run of the agent; each caller's `contextId` is a gemloop chat session, so the
 * messages of one context are the turns of one conversation. A caller sees and cancels its own
 * tasks only. A failed run ends its task `failed` with fixed words and a code; the error goes to
 * `onError`. Push notifications go to public addresses only unless allowed. With
 * `protectedResource` the door is an OAuth resource server (metadata, challenge, a bearer scheme
 * on the card); `mountDoors` mounts it beside the other doors as `a2a`.
 *
 * @example
 * ```ts
 * const handler = createA2AHandler({
 *   agent,
 *   card: { name: 'Support', description: 'Answers questions about orders.' },
 *   authorize: (request) => ownerOfToken(request.headers.get('authorization')),
 * });
 * ```
 * @throws {@link InvalidArgumentError} for options it cannot serve with.
 */
export function createA2AHandler(options: A2AHandlerOptions): FetchHandler {
  const settings = checkOptions(options);
  const { onError } = settings;
  const limiter =
    settings.rateLimit === false ? undefined : createRateLimiter(settings.rateLimit, settings.now);
  const sessions = createOwnedSessions({
    store: options.store ?? createMemoryHistoryStore(),
    max: settings.maxContexts,
    onError,
  });
  const executor =
    options.durable === undefined
      ? createGemloopExecutor({
          agent: settings.agent as Agent,
          agentName: settings.card.name,
          sessions,
          onError,
          telemetry: createDoorTelemetry(options.tracerProvider),
        })
      : createDurableExecutor({ durable: options.durable, onError });
  const push =
    options.pushNotifications === false
      ? undefined
      : createSafePushNotifications(options.pushNotifications ?? {}, onError);
  const card = buildCard(settings.card, push !== undefined, options.url ?? '', settings.v03);
  if (options.protectedResource !== undefined) {
    // The card says how to call: an OAuth bearer token, found through the metadata (RFC 9728).
    card.securitySchemes = {
      oauth: {
        scheme: {
          $case: 'httpAuthSecurityScheme',
          value: {
            scheme: 'Bearer',
            bearerFormat: '',
            description: `An OAuth 2.0 access token; where to get one: ${options.protectedResource.metadataUrl}`,
          },
        },
      },
    };
    card.securityRequirements = [{ schemes: { oauth: { list: [] } } }];
  }
  const taskStore = options.taskStore ?? new BoundedTaskStore(settings.maxTasks);
  const buses = new DefaultExecutionEventBusManager();
  const requestHandler =
    options.durable === undefined
      ? new DefaultRequestHandler(card, taskStore, executor, buses, push?.store, push?.sender)
      : new DurableRequestHandler({
          card,
          store: taskStore,
          executor: executor as DurableExecutor,
          buses,
          runs: options.durable.runs,
          pushStore: push?.store,
          pushSender: push?.sender,
          onError,
        });
  const transport = new JsonRpcTransportHandler(requestHandler);
  // v0.3 clients (`message/send`, `tasks/get`, ...), through the SDK's own compatibility layer:
  // a request without `A2A-Version` is v0.3's, as the spec says.
  const legacy = settings.v03 ? new LegacyJsonRpcTransportHandler(requestHandler) : undefined;
  const isLegacy = (request: Request) =>
    legacy !== undefined &&
    (request.headers.get(A2A_VERSION_HEADER) ?? A2A_LEGACY_PROTOCOL_VERSION) ===
      A2A_LEGACY_PROTOCOL_VERSION;

  const challenge = options.protectedResource?.challenge ?? 'Bearer';
  return async (request) => {
    try {
      const metadata = options.protectedResource?.serveMetadata(request);
      if (metadata !== undefined) return metadata;
      const url = new URL(request.url);
      // The SDK's path is relative (`.well-known/agent-card.json`): the card is at the root of
      // wherever the handler is mounted.
      if (url.pathname.endsWith(`/${AGENT_CARD_PATH}`)) {
        if (request.method !== 'GET' && request.method !== 'HEAD') throw methodNotAllowed('GET');
        const base = url.pathname.slice(0, -AGENT_CARD_PATH.length - 1);
        const endpoint = options.url ?? `${url.origin}${base}/`;
        if (isLegacy(request)) {
          return cardJson(legacyCard(card, endpoint), options.url === undefined);
        }
        return cardResponse(endpoint, options.url === undefined);
      }
      if (request.method !== 'POST') throw methodNotAllowed('POST');
      return await rpc(request);
    } catch (error) {
      if (A2ARequestError.isInstance(error)) return error.toResponse(challenge);
      if (InsufficientScopeError.isInstance(error)) {
        return scopeRefusal(
          error,
          {
            jsonrpc: '2.0',
            id: null,
            error: { code: -32600, message: 'The token lacks a scope this request needs.' },
          },
          options.protectedResource,
        );
      }
      onError(error);
      return new A2ARequestError({
        status: 500,
        rpcCode: INTERNAL_ERROR,
        message: INTERNAL_MESSAGE,
      }).toResponse();
    }
  };

  function cardResponse(endpoint: string, fromRequest: boolean): Response {
    const shown: AgentCard = {
      ...card,
      supportedInterfaces: card.supportedInterfaces.map((each) => ({ ...each, url: endpoint })),
    };
    return cardJson(AgentCard.toJSON(shown), fromRequest);
  }

  function cardJson(json: unknown, fromRequest: boolean): Response {
    return new Response(JSON.stringify(json), {
      headers: {
        vary: A2A_VERSION_HEADER,
        'content-type': 'application/json',
        // An address taken from the request's Host header is that client's, not for a shared cache.
        'cache-control': fromRequest ? 'private, max-age=300' : 'public, max-age=300',
      },
    });
  }

  async function rpc(request: Request): Promise<Response> {
    const owner = checkOwner(await settings.authorize(request));
    if (owner === undefined) {
      throw new A2ARequestError({
        status: 401,
        rpcCode: -32600,
        message: 'The request has no valid credentials: send Authorization: Bearer <token>.',
      });
    }
    const wait = limiter?.take(owner) ?? 0;
    if (wait > 0) {
      const refused = new A2ARequestError({
        status: 429,
        rpcCode: -32600,
        message: 'Too many requests; retry after the time in retry-after.',
      }).toResponse();
      refused.headers.set('retry-after', String(wait));
      return refused;
    }
    const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== '' && type !== 'application/json' && type !== 'application/a2a+json') {
      throw new A2ARequestError({
        status: 415,
        rpcCode: -32600,
        message: 'Send the JSON-RPC request as application/json.',
      });
    }
    const body = await readJson(request, settings.maxBodyBytes);
    if (!isRecord(body)) {
      throw new A2ARequestError({
        status: 400,
        rpcCode: -32600,
        message: 'A JSON-RPC request is one object: { jsonrpc: "2.0", id, method, params }.',
      });
    }
    const version = request.headers.get(A2A_VERSION_HEADER);
    const extensions = extensionsOf(request.headers.get(HTTP_EXTENSION_HEADER));
    const context = new ServerCallContext({
      user: ownerUser(owner),
      ...(version === null ? {} : { requestedVersion: version }),
      ...(extensions === undefined ? {} : { requestedExtensions: extensions }),
    });
    const useLegacy = isLegacy(request);
    const mapError = (error: unknown) =>
      safeError(
        useLegacy
          ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError(error)
          : JsonRpcTransportHandler.mapToJSONRPCError(error),
        error,
      );
    try {
      validateVersion(context.requestedVersion, card, 'JSONRPC');
    } catch (error) {
      return json(reply(body, { error: mapError(error) }));
    }
    if (sendsIntoWorkingTask(body, owner)) {
      // The SDK would run the message on the task's own event bus, beside the run that works
      // on it, and its stream would end in an ordering error: refused before it.
      return json(
        reply(body, {
          error: {
            code: UNSUPPORTED_OPERATION,
            message: 'This task is working; send the message when it has ended.',
          },
        }),
      );
    }
    const answer = await (useLegacy && legacy !== undefined ? legacy : transport).handle(
      body,
      context,
    );
    if (!isStream(answer)) return json(safe(answer as RpcResponse));
    const iterator = answer[Symbol.asyncIterator]();
    // The first frame before the headers: an error up front (an unknown task) is a JSON answer.
    let first: IteratorResult<RpcResponse>;
    try {
      first = (await iterator.next()) as IteratorResult<RpcResponse>;
    } catch (error) {
      return json(reply(body, { error: mapError(error) }));
    }
    return sse(request, iterator as AsyncIterator<RpcResponse>, first, body, mapError);
  }

  /**
   * The stream's frames as server-sent events. The client going away stops the reading, not the
   * task: A2A tasks outlive their streams (`SubscribeToTask` picks one up again).
   */
  function sse(
    request: Request,
    iterator: AsyncIterator<RpcResponse>,
    first: IteratorResult<RpcResponse>,
    body: unknown,
    mapError: (error: unknown) => unknown,
  ): Response {
    const encoder = new TextEncoder();
    let closed = false;
    const stop = () => {
      closed = true;
      void iterator.return?.(undefined)?.catch(() => {});
    };
    request.signal.addEventListener('abort', stop, { once: true });
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          let step = first;
          while (step.done !== true && !closed) {
            controller.enqueue(encoder.encode(formatSSEEvent(safe(step.value))));
            step = await iterator.next();
          }
        } catch (error) {
          if (!closed) {
            controller.enqueue(
              encoder.encode(formatSSEErrorEvent(reply(body, { error: mapError(error) }))),
            );
          }
        } finally {
          request.signal.removeEventListener('abort', stop);
          if (!closed) {
            closed = true;
            controller.close();
          }
        }
      },
      cancel: stop,
    });
    return new Response(stream, { headers: { ...SSE_HEADERS } });
  }

  function sendsIntoWorkingTask(body: Record<string, unknown>, owner: string): boolean {
    if (!SEND_METHODS.has(body['method'] as string)) return false;
    const params = body['params'];
    const message = isRecord(params) ? params['message'] : undefined;
    const taskId = isRecord(message) ? message['taskId'] : undefined;
    return typeof taskId === 'string' && executor.isWorking(owner, taskId);
  }

  /** A JSON-RPC error whose message is safe to show: an internal one's words are replaced. */
  function safeError(mapped: { code: number }, error: unknown) {
    if (mapped.code !== INTERNAL_ERROR) return mapped;
    onError(error);
    return { code: INTERNAL_ERROR, message: INTERNAL_MESSAGE };
  }

  /** The SDK answers an unexpected error with its message: replaced by fixed words. */
  function safe(response: RpcResponse): RpcResponse {
    const error = response.error as { code?: unknown } | undefined;
    if (error?.code !== INTERNAL_ERROR) return response;
    return { ...response, error: { code: INTERNAL_ERROR, message: INTERNAL_MESSAGE } };
  }
}

function ownerUser(owner: string): User {
  return { isAuthenticated: true, userName: owner };
}

function extensionsOf(header: string | null): string[] | undefined {
  if (header === null) return undefined;
  const list = header
    .split(',')
    .map((each) => each.trim())
    .filter((each) => each !== '');
  return list.length === 0 ? undefined : list;
}

function isStream(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

function reply(body: unknown, rest: { error: unknown }): RpcResponse {
  const id = isRecord(body) ? body['id'] : null;
  return {
    jsonrpc: '2.0',
    id: typeof id === 'string' || typeof id === 'number' ? id : null,
    ...rest,
  };
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });
}

function methodNotAllowed(allowed: string): A2ARequestError {
  return new A2ARequestError({
    status: 405,
    rpcCode: -32600,
    message: `Use ${allowed}: the agent card is a GET of /.well-known/agent-card.json, JSON-RPC a POST.`,
  });
}

/** The body as JSON: 413 past `maxBytes`, a JSON-RPC parse error when it is not JSON. */
async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const text = await readBoundedBody(
    request,
    maxBytes,
    () =>
      new A2ARequestError({
        status: 413,
        rpcCode: -32600,
        message: `The request body is over ${maxBytes} bytes.`,
      }),
  );
  try {
    return JSON.parse(text);
  } catch {
    throw new A2ARequestError({
      status: 400,
      rpcCode: -32700,
      message: 'The request body is not valid JSON: send a JSON-RPC 2.0 request.',
    });
  }
}

/**
 * The card as v0.3 shows it (its `AgentCard`: one `url`, `preferredTransport`), for a client that
 * sends no `A2A-Version`. The SDK translates cards in its express router only (`toCompatAgentCard`
 * is not exported), so the few fields are mapped here.
 */
function legacyCard(card: AgentCard, endpoint: string): unknown {
  return {
    protocolVersion: '0.3.0',
    name: card.name,
    description: card.description,
    url: endpoint,
    preferredTransport: 'JSONRPC',
    additionalInterfaces: [{ url: endpoint, transport: 'JSONRPC' }],
    version: card.version,
    ...(card.provider === undefined ? {} : { provider: card.provider }),
    capabilities: {
      streaming: card.capabilities?.streaming === true,
      pushNotifications: card.capabilities?.pushNotifications === true,
    },
    defaultInputModes: card.defaultInputModes,
    defaultOutputModes: card.defaultOutputModes,
    skills: card.skills.map((skill) => ({
      id: skill.id,
      name: skill.name,
      description: skill.description,
      tags: skill.tags,
      examples: skill.examples,
    })),
  };
}

function buildCard(
  options: A2AAgentCardOptions,
  push: boolean,
  url: string,
  v03: boolean,
): AgentCard {
  const v1 = { url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION };
  return {
    name: options.name,
    description: options.description,
    version: options.version ?? '1.0.0',
    provider: options.provider,
    supportedInterfaces: v03 ? duplicateInterfacesForLegacy([v1], ['JSONRPC']) : [v1],
    capabilities: {
      streaming: true,
      pushNotifications: push,
      extensions: [],
      extendedAgentCard: false,
    },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: (
      options.skills ?? [{ id: 'ask', name: options.name, description: options.description }]
    ).map((skill) => ({
      id: skill.id,
      name: skill.name,
      description: skill.description,
      tags: [...(skill.tags ?? [])],
      examples: [...(skill.examples ?? [])],
      inputModes: [],
      outputModes: [],
      securityRequirements: [],
    })),
    signatures: [],
  };
}

function checkOptions(options: A2AHandlerOptions) {
  if (!isRecord(options))
    failOption('options', 'createA2AHandler takes an options object: { agent, card, authorize }.');
  const durable = options.durable;
  if (durable !== undefined) {
    const runs = isRecord(durable) ? (durable.runs as unknown) : undefined;
    if (
      !isRecord(runs) ||
      !['start', 'events', 'status', 'result', 'cancel'].every(
        (name) => typeof runs[name] === 'function',
      ) ||
      typeof durable.agent !== 'string' ||
      durable.agent === ''
    ) {
      failOption(
        'durable',
        'durable must be { runs, agent }: the runs of createDurableRuns() (@gemloop/dbos) and the name of the agent the workers define.',
      );
    }
  } else if (
    !isRecord(options.agent) ||
    typeof (options.agent as { run?: unknown }).run !== 'function'
  ) {
    failOption('agent', 'agent must be an agent from createAgent().');
  }
  const card = options.card;
  if (
    !isRecord(card) ||
    typeof card.name !== 'string' ||
    card.name.trim() === '' ||
    typeof card.description !== 'string' ||
    card.description.trim() === ''
  ) {
    failOption(
      'card',
      'card must say what the agent card shows: { name, description } (non-empty strings).',
    );
  }
  if (options.url !== undefined && !isHttpUrl(options.url)) {
    failOption('url', 'url must be the absolute http(s) URL of the JSON-RPC endpoint.');
  }
  return {
    ...checkDoorOptions(options),
    agent: options.agent,
    card: options.card,
    authorize: options.authorize,
    maxContexts: wholeOption(options.maxContexts, 'maxContexts', 1000),
    maxTasks: wholeOption(options.maxTasks, 'maxTasks', 10_000),
    v03: options.v03 !== false,
  };
}

/** Whether `text` is an absolute http(s) URL. @internal */
export function isHttpUrl(text: unknown): boolean {
  try {
    const { protocol } = new URL(text as string);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
