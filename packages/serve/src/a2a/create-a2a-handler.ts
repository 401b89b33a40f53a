import { A2A_VERSION_HEADER, AGENT_CARD_PATH, HTTP_EXTENSION_HEADER } from '@a2a-js/sdk';
import { A2A_LEGACY_PROTOCOL_VERSION } from '@a2a-js/sdk/compat/v0_3';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import { JsonRpcTransportHandler, ServerCallContext, validateVersion } from '@a2a-js/sdk/server';
import type { Agent } from '@gemloop/core';
import { type BodyBudget, createBodyBudget } from '../door/body-budget.ts';
import { checkOwner } from '../door/check-owner.ts';
import { createDoorHistoryStore } from '../door/create-door-history-store.ts';
import { createDoorTelemetry } from '../door/door-telemetry.ts';
import { guardHost } from '../door/host-policy.ts';
import { InsufficientScopeError } from '../door/insufficient-scope-error.ts';
import { guardOrigin } from '../door/origin-policy.ts';
import { scopeRefusal } from '../door/scope-refusal.ts';
import { createOwnedSessions } from '../mcp/owned-sessions.ts';
import type { FetchHandler } from '../openai/create-openai-handler.ts';
import { createRateLimiter } from '../openai/rate-limiter.ts';
import { isRecord } from '../openai/to-contents.ts';
import {
  agentCardResponse,
  buildAgentCard,
  cardJson,
  toLegacyAgentCard,
  withBearerScheme,
} from './a2a-agent-card.ts';
import type { A2AHandlerOptions } from './a2a-handler-options.ts';
import { A2ARequestError } from './a2a-request-error.ts';
import { checkA2AOptions } from './check-a2a-options.ts';
import { listContextTasks } from './durable/catch-up-durable-context.ts';
import { createDurableExecutor, type DurableExecutor } from './durable/durable-executor.ts';
import { DurableRequestHandler } from './durable/durable-request-handler.ts';
import { createGemloopExecutor } from './gemloop-executor.ts';
import { INVALID_REQUEST, rpcEnvelopeFault } from './json-rpc/check-rpc-envelope.ts';
import { checkRpcParams, INVALID_PARAMS } from './json-rpc/check-rpc-params.ts';
import {
  extensionsOf,
  INTERNAL_ERROR,
  INTERNAL_MESSAGE,
  isRpcId,
  isStream,
  json,
  methodNotAllowed,
  ownerUser,
  type RpcResponse,
  readJsonRpcBody,
  reply,
  safeResponse,
} from './json-rpc/json-rpc-reply.ts';
import { toRpcEventStream } from './json-rpc/rpc-event-stream.ts';
import {
  CONTENT_TYPE_NOT_SUPPORTED,
  unacceptableOutputModes,
} from './json-rpc/unacceptable-output-modes.ts';
import { createSafePushNotifications } from './push/safe-push-notifications.ts';
import { BoundedTaskStore } from './tasks/bounded-task-store.ts';
import { endWaitingTask } from './tasks/end-waiting-task.ts';
import { QuietTaskStore, quietExecutor, unlessReported } from './tasks/quiet-task-store.ts';
import { SavedFirstRequestHandler, WatchedTaskStore } from './tasks/saved-first-request-handler.ts';
import { TaskSubscribers } from './tasks/task-subscribers.ts';

/** The methods that send a message, v1.0's and v0.3's. */
const SEND_METHODS = new Set([
  'SendMessage',
  'SendStreamingMessage',
  'message/send',
  'message/stream',
]);
/** A2A's UnsupportedOperationError. */
const UNSUPPORTED_OPERATION = -32004;

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
  return createA2AHandlerSharing(options, undefined);
}

/**
 * {@link createA2AHandler} reading its bodies within `bodyBudget` when given (the one
 * `mountDoors` shares among the doors it mounts), else within a budget of its own of
 * `maxBodyBytesInFlight`.
 * @internal
 */
export function createA2AHandlerSharing(
  options: A2AHandlerOptions,
  bodyBudget: BodyBudget | undefined,
): FetchHandler {
  const settings = checkA2AOptions(options);
  const budget =
    bodyBudget ??
    createBodyBudget(settings.maxBodyBytesInFlight, settings.maxBodyBytesInFlightPerCaller);
  // A task store's failure is told once, where it happens (QuietTaskStore).
  const onError = unlessReported(settings.onError);
  const limiter =
    settings.rateLimit === false ? undefined : createRateLimiter(settings.rateLimit, settings.now);
  const sessions = createOwnedSessions({
    store: options.store ?? createDoorHistoryStore(),
    max: settings.maxContexts,
    onError,
  });
  // An executor that rejects hands the SDK fixed words (it logs them and shows them in the task).
  const executor = quietExecutor(
    options.durable === undefined
      ? createGemloopExecutor({
          agent: settings.agent as Agent,
          agentName: settings.card.name,
          sessions,
          onError,
          telemetry: createDoorTelemetry(options.tracerProvider),
          approvals: options.approvals,
          // The store, buses and push are made below; a task is ended long after (an approval's
          // timeout), with no request reading it.
          endTask: (taskId, context, status) =>
            endWaitingTask(
              { store: taskStore, buses, push: push?.sender },
              taskId,
              context as ServerCallContext,
              status,
            ),
        })
      : createDurableExecutor({
          durable: options.durable,
          onError,
          // The store is made below; a task starts long after, at a request.
          contextTasks: (contextId, caller) => listContextTasks(taskStore, contextId, caller),
        }),
    onError,
  );
  const push =
    options.pushNotifications === false
      ? undefined
      : createSafePushNotifications(options.pushNotifications ?? {}, onError);
  const card = buildAgentCard(settings.card, push !== undefined, options.url ?? '', settings.v03);
  if (options.protectedResource !== undefined) {
    withBearerScheme(card, options.protectedResource.metadataUrl);
  }
  // A store of the user's fails in its own words (a database URL, say): the SDK sees fixed ones.
  const taskStore = new WatchedTaskStore(
    options.taskStore === undefined
      ? new BoundedTaskStore(settings.maxTasks, settings.maxTotalTaskBytes)
      : new QuietTaskStore(options.taskStore, settings.onError),
  );
  const buses = new TaskSubscribers(settings.maxSubscribersPerTask);
  const requestHandler =
    options.durable === undefined
      ? new SavedFirstRequestHandler(card, taskStore, executor, buses, push?.store, push?.sender)
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

  // The sends in flight to a task (owner and task id) until the task has read them.
  const sending = new Set<string>();

  const challenge = options.protectedResource?.challenge ?? 'Bearer';
  const served: FetchHandler = async (request) => {
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
          return cardJson(toLegacyAgentCard(card, endpoint), options.url === undefined);
        }
        return agentCardResponse(card, endpoint, options.url === undefined);
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
      // A client that left mid-body (or was cut off stalling): its own doing, not the door's.
      if (!request.signal.aborted) onError(error);
      return new A2ARequestError({
        status: 500,
        rpcCode: INTERNAL_ERROR,
        message: INTERNAL_MESSAGE,
      }).toResponse();
    }
  };
  // Server-to-server (an agent calling an agent), often on localhost in development, where a
  // page of another site reaches it by DNS rebinding (the attack the MCP spec's Origin MUST is
  // against, 2025-11-25, Transports): no page unless listed. The agent card and the resource
  // metadata are public documents, for any page to read.
  const guarded = guardOrigin(
    settings.allowedOrigins,
    served,
    () =>
      new A2ARequestError({
        status: 403,
        rpcCode: -32600,
        message:
          'Forbidden: a page of this origin may not call the A2A door; its server lists the origins it allows (allowedOrigins).',
      }).toResponse(),
    (request) =>
      new URL(request.url).pathname.endsWith(`/${AGENT_CARD_PATH}`) ||
      options.protectedResource?.serveMetadata(request) !== undefined,
  );
  // The Host check holds for the card too: it writes its URL from the Host it was sent to.
  return guardHost(
    settings.allowedHosts,
    guarded,
    (message) => new A2ARequestError({ status: 403, rpcCode: -32600, message }).toResponse(),
    'the A2A door',
  );

  async function rpc(request: Request): Promise<Response> {
    const owner = checkOwner(await settings.authorize(request));
    if (owner === undefined) {
      throw new A2ARequestError({
        status: 401,
        rpcCode: -32600,
        message: 'The request has no valid credentials: send Authorization: Bearer <token>.',
      });
    }
    const taken = limiter?.take(owner);
    if (taken !== undefined && taken.wait > 0) {
      const refused = new A2ARequestError({
        status: 429,
        rpcCode: -32600,
        message: 'Too many requests; retry after the time in retry-after.',
      }).toResponse();
      refused.headers.set('retry-after', String(taken.wait));
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
    const body = await readJsonRpcBody(request, {
      maxBytes: settings.maxBodyBytes,
      budget,
      idleTimeoutMs: settings.bodyIdleTimeoutMs,
      owner,
      onBusy: () => {
        if (taken !== undefined) limiter?.giveBack(owner, taken.window);
      },
    });
    if (!isRecord(body)) {
      throw new A2ARequestError({
        status: 400,
        rpcCode: -32600,
        message: 'A JSON-RPC request is one object: { jsonrpc: "2.0", id, method, params }.',
      });
    }
    if ('id' in body && !isRpcId(body['id'])) {
      // The SDK refuses such a request but echoes its id whole (an object of up to the body's
      // size, `true`, `1.5`); an id that cannot be read is answered as null (JSON-RPC 2.0
      // section 5).
      return json({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32600,
          message: 'Invalid request: the id must be a string, an integer or null (JSON-RPC 2.0).',
        },
      });
    }
    const envelope = rpcEnvelopeFault(body);
    if (envelope !== undefined) {
      return json(reply(body, { error: { code: INVALID_REQUEST, message: envelope } }));
    }
    // A request without an id is a notification, which "The Server MUST NOT reply to" (JSON-RPC
    // 2.0 section 4.1). A2A defines no notification: each of its methods answers with what the
    // client needs next (a task's id, a task), so such a call is not run, and the HTTP answer is
    // 204 with no body. The SDK ran it (a SendMessage called the model) and answered with id null.
    if (!Object.hasOwn(body, 'id')) return new Response(null, { status: 204 });
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
    // Params the SDK's parsing would throw on (a `null` part, an object id) are invalid params
    // (-32602) in words naming the field, not its internal error (-32603).
    const invalid = checkRpcParams(body['params']);
    if (invalid !== undefined)
      return json(reply(body, { error: { code: INVALID_PARAMS, message: invalid } }));
    // A client that accepts none of what the agent produces (text) is refused before a run: the
    // spec's ContentTypeNotSupportedError, not an answer it did not ask for.
    const unacceptable = SEND_METHODS.has(body['method'] as string)
      ? unacceptableOutputModes(body['params'], card.defaultOutputModes)
      : undefined;
    if (unacceptable !== undefined) {
      return json(
        reply(body, { error: { code: CONTENT_TYPE_NOT_SUPPORTED, message: unacceptable } }),
      );
    }
    const sentTo = taskOfSend(body);
    const claim = sentTo === undefined ? undefined : `${owner}\n${sentTo}`;
    if (
      sentTo !== undefined &&
      (executor.isWorking(owner, sentTo) || sending.has(claim as string))
    ) {
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
    // A message to a task holds it until the task has read it (its first frame, or the unary
    // answer): two answers at once both found it waiting (the store's load is async), and the
    // second, on the task's shared event bus, ended both requests as `rejected` while the run
    // went on. Past the first frame, `isWorking` refuses.
    if (claim !== undefined) sending.add(claim);
    let iterator: AsyncIterator<RpcResponse>;
    let first: IteratorResult<RpcResponse>;
    try {
      const answer = await (useLegacy && legacy !== undefined ? legacy : transport).handle(
        body,
        context,
      );
      if (!isStream(answer)) return json(safeResponse(answer as RpcResponse));
      iterator = answer[Symbol.asyncIterator]() as AsyncIterator<RpcResponse>;
      // The first frame before the headers: an error up front (an unknown task) is a JSON answer.
      try {
        first = await iterator.next();
      } catch (error) {
        return json(reply(body, { error: mapError(error) }));
      }
    } finally {
      if (claim !== undefined) sending.delete(claim);
    }
    return toRpcEventStream({
      request,
      iterator,
      first,
      body,
      mapError,
      drain: SEND_METHODS.has(body['method'] as string),
      heartbeatMs: settings.heartbeatMs,
    });
  }

  /** The task a send names (`message.taskId`), when it is a send. */
  function taskOfSend(body: Record<string, unknown>): string | undefined {
    if (!SEND_METHODS.has(body['method'] as string)) return undefined;
    const params = body['params'];
    const message = isRecord(params) ? params['message'] : undefined;
    const taskId = isRecord(message) ? message['taskId'] : undefined;
    return typeof taskId === 'string' ? taskId : undefined;
  }

  /** A JSON-RPC error whose message is safe to show: an internal one's words are replaced. */
  function safeError(mapped: { code: number }, error: unknown) {
    if (mapped.code !== INTERNAL_ERROR) return mapped;
    onError(error);
    return { code: INTERNAL_ERROR, message: INTERNAL_MESSAGE };
  }
}
