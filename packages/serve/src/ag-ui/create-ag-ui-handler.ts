import { agentTurnsOf, createScanMemo } from '@gemloop/core/internal';
import { type BodyBudget, createBodyBudget } from '../door/body-budget.ts';
import { checkOwner } from '../door/check-owner.ts';
import { createDoorHistoryStore } from '../door/create-door-history-store.ts';
import { createDoorTelemetry } from '../door/door-telemetry.ts';
import { guardHost } from '../door/host-policy.ts';
import { InsufficientScopeError } from '../door/insufficient-scope-error.ts';
import { guardOrigin } from '../door/origin-policy.ts';
import { scopeRefusal } from '../door/scope-refusal.ts';
import type { FetchHandler } from '../openai/create-openai-handler.ts';
import { createRateLimiter } from '../openai/rate-limiter.ts';
import type { AgUiHandlerOptions } from './ag-ui-handler-options.ts';
import { AgUiRequestError } from './ag-ui-request-error.ts';
import { type AgUiSettings, checkAgUiOptions } from './check-ag-ui-options.ts';
import type { LiveRun } from './live-run.ts';
import { readAgUiBody } from './read-ag-ui-body.ts';
import { readRunInput } from './read-run-input.ts';
import { resumeInterrupts } from './resume-interrupts.ts';
import { type AgUiDoorContext, startAgUiRun } from './start-ag-ui-run.ts';
import { streamAgUiRun } from './stream-ag-ui-run.ts';
import { createThreadIndex } from './thread-index.ts';

/**
 * An AG-UI endpoint (https://docs.ag-ui.com) for a gemloop agent, as a Fetch-API handler:
 * `HttpAgent` of `@ag-ui/client`, CopilotKit, or any AG-UI frontend runs the agent with a
 * `POST` of `RunAgentInput` and reads the run as AG-UI events (`EventEncoder` of
 * `@ag-ui/encoder`: server-sent events, or protobuf when the client accepts it).
 *
 * Each `threadId` is a gemloop chat session owned by its first caller: the server keeps the
 * history, and each run answers the input's last message (the user's). The agent's tools run on
 * the server and show as `TOOL_CALL_*` events with secret arguments redacted; a failed run ends
 * in `RUN_ERROR` with fixed words and a code, never the error's own message. A client that closes
 * the stream stops the run, and so does one that leaves more than 8 MiB of it unread (it is cut
 * off rather than the run's events held for it).
 *
 * @example
 * ```ts
 * const handler = createAgUiHandler({
 *   agent,
 *   authorize: (request) => ownerOfToken(request.headers.get('authorization')),
 * });
 * ```
 * @throws {@link InvalidArgumentError} for options it cannot serve with.
 */
export function createAgUiHandler(options: AgUiHandlerOptions): FetchHandler {
  return createAgUiHandlerSharing(options, undefined);
}

/**
 * {@link createAgUiHandler} reading its bodies within `bodyBudget` when given (the one
 * `mountDoors` shares among the doors it mounts), else within a budget of its own of
 * `maxBodyBytesInFlight`.
 * @internal
 */
export function createAgUiHandlerSharing(
  options: AgUiHandlerOptions,
  bodyBudget: BodyBudget | undefined,
): FetchHandler {
  const settings = checkAgUiOptions(options);
  const budget =
    bodyBudget ??
    createBodyBudget(settings.maxBodyBytesInFlight, settings.maxBodyBytesInFlightPerCaller);
  const { onError } = settings;
  const store = options.store ?? createDoorHistoryStore();
  const threads = createThreadIndex({ store, maxThreads: settings.maxThreads, onError });
  const limiter =
    settings.rateLimit === false ? undefined : createRateLimiter(settings.rateLimit, settings.now);
  const door: AgUiDoorContext = {
    settings,
    store,
    telemetry: createDoorTelemetry(options.tracerProvider),
    agentName: agentTurnsOf(settings.agent).name ?? 'agent',
    // The door's threads' texts found clean, so a thread's stored turns are not scanned for keys
    // again at each send (scrub47: a long thread's sends were quadratic in its length).
    scanned: createScanMemo(),
  };

  const served: FetchHandler = async (request) => {
    try {
      if (request.method !== 'POST') {
        throw new AgUiRequestError({
          status: 405,
          errorCode: 'method_not_allowed',
          message: 'An AG-UI run is a POST of RunAgentInput.',
        });
      }
      const owner = await authorizeRequest(settings, request);
      const taken = limiter?.take(owner);
      if (taken !== undefined && taken.wait > 0) return tooManyRuns(taken.wait);
      const read = readRunInput(
        await readAgUiBody(request, {
          maxBytes: settings.maxBodyBytes,
          budget,
          idleTimeoutMs: settings.bodyIdleTimeoutMs,
          owner,
          onBusy: () => {
            if (taken !== undefined) limiter?.giveBack(owner, taken.window);
          },
        }),
      );
      const { input, message } = read;
      const thread = threads.open(input.threadId, owner);
      let live: LiveRun;
      try {
        live =
          message === undefined
            ? resumeInterrupts({
                thread,
                entries: input.resume ?? [],
                owner,
                approvals: settings.approvals,
              })
            : await startAgUiRun(door, { thread, owner, read: { ...read, message } });
      } catch (error) {
        thread.busy = false;
        throw error;
      }
      return streamAgUiRun({
        request,
        thread,
        live,
        threadId: input.threadId,
        runId: input.runId,
        messages: input.messages,
        keepsState: settings.state !== undefined,
        heartbeatMs: settings.heartbeatMs,
        onError,
      });
    } catch (error) {
      return refusalOf(error, request, onError);
    }
  };
  return guardPages(settings, served);
}

/**
 * The door's handler behind its page checks: a page is this door's client (CopilotKit, AG-UI's
 * own client): a page of the door's own host by default, another origin when listed, each with
 * CORS; and the DNS-rebinding refusal the MCP spec asks of its door (2025-11-25, Transports,
 * "Security Warning") for every other page.
 */
function guardPages(settings: AgUiSettings, served: FetchHandler): FetchHandler {
  const guarded = guardOrigin(settings.allowedOrigins, served, () =>
    new AgUiRequestError({
      status: 403,
      errorCode: 'origin_not_allowed',
      message:
        'Forbidden: a page of this origin may not call the AG-UI door; its server lists the origins it allows (allowedOrigins).',
    }).toResponse(),
  );
  return guardHost(
    settings.allowedHosts,
    guarded,
    (message) =>
      new AgUiRequestError({ status: 403, errorCode: 'host_not_allowed', message }).toResponse(),
    'the AG-UI door',
  );
}

/** The caller's owner id, or a 401 {@link AgUiRequestError} for a request without one. */
async function authorizeRequest(settings: AgUiSettings, request: Request): Promise<string> {
  const owner = checkOwner(await settings.authorize(request));
  if (owner === undefined) {
    throw new AgUiRequestError({
      status: 401,
      errorCode: 'unauthorized',
      message: 'The request has no valid credentials: send Authorization: Bearer <token>.',
    });
  }
  return owner;
}

/** 429 with `retry-after`, for a caller past the door's rate limit. */
function tooManyRuns(wait: number): Response {
  const refused = new AgUiRequestError({
    status: 429,
    errorCode: 'rate_limit_exceeded',
    message: 'Too many runs; retry after the time in retry-after.',
  }).toResponse();
  refused.headers.set('retry-after', String(wait));
  return refused;
}

/**
 * The answer to what a request threw: its own refusal, a 403 for a missing scope, else a 500
 * with fixed words (the error to `onError` unless the client left).
 */
function refusalOf(error: unknown, request: Request, onError: (error: unknown) => void): Response {
  if (AgUiRequestError.isInstance(error)) return error.toResponse();
  if (InsufficientScopeError.isInstance(error)) {
    return scopeRefusal(error, {
      error: {
        message: 'The token lacks a scope this request needs.',
        code: 'insufficient_scope',
      },
    });
  }
  // A client that left mid-body (or was cut off stalling): its own doing, not the door's.
  if (!request.signal.aborted) onError(error);
  return new AgUiRequestError({
    status: 500,
    errorCode: 'internal_error',
    message: 'The server could not answer the request.',
  }).toResponse();
}
