import { type BaseEvent, EventType, type Message, type ResumeEntry } from '@ag-ui/core';
import { AGUI_MEDIA_TYPE, EventEncoder } from '@ag-ui/encoder';
import { type ChatResult, createChatSession } from '@gemloop/core/chat';
import {
  agentTurnsOf,
  CODED_BODY_MESSAGE,
  createScanMemo,
  keylessEventsShowing,
  toBrowserError,
} from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import type { Content } from '@gemloop/core/wire';
import { type BodyBudget, createBodyBudget } from '../door/body-budget.ts';
import { checkOwner } from '../door/check-owner.ts';
import { createDoorHistoryStore, wasEvicted } from '../door/create-door-history-store.ts';
import { createSendStore } from '../door/create-send-store.ts';
import { createDoorTelemetry } from '../door/door-telemetry.ts';
import { HEARTBEAT_FRAME, type Heartbeat, startHeartbeat } from '../door/heartbeat.ts';
import { guardHost } from '../door/host-policy.ts';
import { InsufficientScopeError } from '../door/insufficient-scope-error.ts';
import { guardOrigin } from '../door/origin-policy.ts';
import {
  BODIES_BUSY_RETRY_AFTER_SECONDS,
  parseJsonOr,
  readBoundedBody,
} from '../door/read-bounded-body.ts';
import { scopeRefusal } from '../door/scope-refusal.ts';
import { cutOffStalledReader, unreadBytesStrategy } from '../door/unread-cap.ts';
import type { FetchHandler } from '../openai/create-openai-handler.ts';
import { createRateLimiter } from '../openai/rate-limiter.ts';
import type { AgUiHandlerOptions } from './ag-ui-handler-options.ts';
import { AgUiRequestError } from './ag-ui-request-error.ts';
import {
  createStateTracker,
  MAX_STATE_DEPTH,
  type StateTracker,
  stateShapeProblem,
} from './ag-ui-state.ts';
import { checkAgUiOptions } from './check-ag-ui-options.ts';
import { createLiveRun, interruptedRun, type LiveRun } from './live-run.ts';
import { checkSeededMedia, readRunInput } from './read-run-input.ts';
import { createThreadIndex, type Thread } from './thread-index.ts';

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
  const budget = bodyBudget ?? createBodyBudget(settings.maxBodyBytesInFlight);
  const { agent, onError } = settings;
  const store = options.store ?? createDoorHistoryStore();
  const threads = createThreadIndex({ store, maxThreads: settings.maxThreads, onError });
  const limiter =
    settings.rateLimit === false ? undefined : createRateLimiter(settings.rateLimit, settings.now);
  const telemetry = createDoorTelemetry(options.tracerProvider);
  const agentName = agentTurnsOf(agent).name ?? 'agent';
  // The door's threads' texts found clean, so a thread's stored turns are not scanned for keys
  // again at each send (scrub47: a long thread's sends were quadratic in its length).
  const scanned = createScanMemo();

  const served: FetchHandler = async (request) => {
    try {
      if (request.method !== 'POST') {
        throw new AgUiRequestError({
          status: 405,
          errorCode: 'method_not_allowed',
          message: 'An AG-UI run is a POST of RunAgentInput.',
        });
      }
      const owner = await authorizeRequest(request);
      const wait = limiter?.take(owner) ?? 0;
      if (wait > 0) {
        const refused = new AgUiRequestError({
          status: 429,
          errorCode: 'rate_limit_exceeded',
          message: 'Too many runs; retry after the time in retry-after.',
        }).toResponse();
        refused.headers.set('retry-after', String(wait));
        return refused;
      }
      const { input, message, earlier, seededMedia, messageId, messageMedia, earlierUsers } =
        readRunInput(
          await readJsonBody(request, {
            maxBytes: settings.maxBodyBytes,
            budget,
            idleTimeoutMs: settings.bodyIdleTimeoutMs,
          }),
        );
      const thread = threads.open(input.threadId, owner);
      let live: LiveRun;
      try {
        if (message === undefined) {
          live = resume(thread, input.resume ?? [], owner);
        } else {
          // The client's earlier messages are read only to seed a thread the server does not
          // have: their media count then, and a page's long thread goes on otherwise.
          if (thread.fresh || wasEvicted(store, thread.key)) checkSeededMedia(seededMedia);
          // A new turn: interrupts of the thread's run left unanswered are abandoned with it.
          thread.live?.abort.abort();
          thread.live = undefined;
          if (!thread.fresh && wasEvicted(store, thread.key)) {
            // The store evicted the thread's history (the door store's maxTotalBytes): the run
            // input carries the whole conversation (below), so it is stored anew from it.
            await store.clear(thread.key, { logger: silentLogger });
            thread.fresh = true;
            thread.seeded = false;
          }
          if (thread.fresh) {
            // No run of the thread has finished: the conversation before it is the client's, as
            // one stored turn. What an attempt that failed stored goes first: AG-UI's client holds
            // the conversation ("Everything the producer knows about the conversation arrives
            // through" the run input: https://docs.ag-ui.com/spec/1.0/basic/run-input), so a
            // retry sends it again, and a client that moved on sends another.
            if (thread.seeded === true) await store.clear(thread.key, { logger: silentLogger });
            thread.seeded = earlier.length > 0;
            if (thread.seeded) {
              await store.append(thread.key, { contents: earlier }, { logger: silentLogger });
            }
          }
          // The user messages of runs that did not finish, which the client still holds: AG-UI's
          // client keeps an aborted run's message and sends it again ("Everything the producer
          // knows about the conversation arrives through" the run input), as a fresh thread's
          // seed above takes it. Stored only with this run's own turn (createSendStore).
          const carried = thread.fresh ? [] : carryUnanswered(thread.unanswered, earlierUsers);
          if (carried.length > 0) {
            checkSeededMedia(carried.reduce((sum, each) => sum + each.media, messageMedia));
          }
          thread.unanswered = [...carried.map((each) => each.id), messageId].slice(-MAX_UNANSWERED);
          const abort = new AbortController();
          const state = startState(thread, input.state);
          const session = createChatSession({
            agent,
            store:
              carried.length === 0
                ? store
                : createSendStore({
                    store,
                    key: thread.key,
                    earlier: { contents: carried.map((each) => each.content) },
                  }),
            id: thread.key,
          });
          // The door span lasts the run, across the requests that answer its interrupts.
          const stream = telemetry.run(
            {
              door: 'ag-ui',
              operation: 'run',
              agent: agentName,
              streaming: true,
              signal: abort.signal,
            },
            () =>
              keylessEventsShowing(
                session.sendStream(message, { signal: abort.signal }),
                // The state's `reduce` sees `run-end` (its result is the page's to copy from):
                // whole, then; else only the answer's text is sent, and scanned (scrub48).
                settings.state === undefined ? answerOf : wholeResult,
                scanned,
              ),
            (running) => running.result,
          );
          live = createLiveRun({
            stream,
            abort,
            approvals: settings.approvals,
            owner,
            runId: input.runId,
            maxToolResultChars: settings.maxToolResultChars,
            thoughts: settings.thoughts,
            state,
          });
          void live.result
            .catch(() => undefined)
            .finally(() => {
              live.dispose();
              void session.close().catch(onError);
            });
          thread.live = live;
        }
      } catch (error) {
        thread.busy = false;
        throw error;
      }
      return streamRun({
        request,
        thread,
        live,
        threadId: input.threadId,
        runId: input.runId,
        messages: input.messages,
      });
    } catch (error) {
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
  };
  // A page is this door's client (CopilotKit, AG-UI's own client): a page of the door's own host
  // by default, another origin when listed, each with CORS; and the DNS-rebinding refusal the
  // MCP spec asks of its door (2025-11-25, Transports, "Security Warning") for every other page.
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

  /** The run's state tracker, from the client's state (when accepted) or the thread's. */
  function startState(thread: Thread, clientState: unknown): StateTracker | undefined {
    const shared = settings.state;
    if (shared === undefined) return undefined;
    let state = thread.state ?? shared.initial;
    if (shared.acceptClientState && clientState !== undefined && clientState !== null) {
      // Shape first: a deep enough state overflows JSON.stringify's recursion.
      const problem = stateShapeProblem(clientState, MAX_STATE_DEPTH);
      if (problem !== undefined) throw invalidState(`state ${problem}.`);
      const text = JSON.stringify(clientState);
      if (text.length > shared.maxStateChars) {
        throw invalidState(
          `state is ${text.length} JSON characters, over the server's ${shared.maxStateChars}.`,
        );
      }
      state = clientState;
    }
    return createStateTracker({
      state,
      reduce: shared.reduce,
      maxStateChars: shared.maxStateChars,
      onError,
    });
  }

  /** Answers the interrupts of the thread's waiting run with the run's `resume` entries. */
  function resume(thread: Thread, entries: ResumeEntry[], owner: string): LiveRun {
    const live = thread.live;
    const late = entries.find((entry) => live?.expired.has(entry.interruptId) === true);
    if (live !== undefined && late !== undefined) {
      throw new AgUiRequestError({
        status: 409,
        errorCode: 'interrupt_expired',
        message: `Interrupt "${late.interruptId.slice(0, 100)}" expired unanswered: the run ended without the call. Send a new message to go on.`,
      });
    }
    if (live === undefined || live.pending.size === 0) {
      throw new AgUiRequestError({
        status: 409,
        errorCode: 'nothing_to_resume',
        message: 'Nothing in this thread waits for an answer: send the run without resume.',
      });
    }
    const open = [...live.pending.keys()].filter(
      (id) => !entries.some((entry) => entry.interruptId === id),
    );
    for (const entry of entries) {
      if (!live.pending.has(entry.interruptId)) {
        throw invalidResume(
          `resume answers interrupt "${entry.interruptId.slice(0, 100)}", which this thread does not wait for (answered, expired, or never asked).`,
        );
      }
    }
    if (open.length > 0) {
      throw invalidResume(
        `resume must answer every open interrupt of the thread; missing: ${open.join(', ')}.`,
      );
    }
    for (const entry of entries) {
      const answer = entry.payload as { approved?: unknown; message?: unknown } | undefined;
      const approved = entry.status === 'resolved' && answer?.approved === true;
      const reason = typeof answer?.message === 'string' ? answer.message : undefined;
      // Denied unless approved in so many words: a cancelled interrupt or an answer of another
      // shape never runs the call.
      settings.approvals?.answer(
        {
          approvalId: entry.interruptId,
          decision: approved ? 'approve' : 'deny',
          ...(approved || reason === undefined ? {} : { message: reason }),
        },
        { owner },
      );
    }
    return live;
  }

  /** The AG-UI run: the live run's events until it ends or waits again. */
  function streamRun(run: {
    request: Request;
    thread: Thread;
    live: LiveRun;
    threadId: string;
    runId: string;
    /** The client's messages, which a retraction's `MESSAGES_SNAPSHOT` keeps. */
    messages: readonly Message[];
  }): Response {
    const { request, thread, live, threadId, runId } = run;
    // Protobuf only for a client that names AG-UI's media type: the encoder also picks it for
    // `*/*` (what curl and a bare fetch send), which would hand them binary frames.
    const accept = request.headers.get('accept') ?? '';
    const protobuf = accept.includes(AGUI_MEDIA_TYPE);
    const encoder = new EventEncoder(protobuf ? { accept } : {});
    // While this request streams, the client going away stops the gemloop run.
    let detached = false;
    let heartbeat: Heartbeat | undefined;
    let released = false;
    /**
     * The thread free for its next run: at the stream's end, or as soon as its client is gone
     * (the run aborted, its model call cancelled; a tool that ignores the signal is left to run
     * unheard, its result dropped by the agent's `runToolCall`), not once the run has unwound:
     * a page that reloads gets its run, not 409 `thread_busy`. The next chat send of the thread
     * queues behind the aborted one's (which settles at once), so turns stay in order. Once: the
     * next run may have taken the thread since, and its state and `busy` are its own.
     */
    const releaseThread = () => {
      if (released) return;
      released = true;
      if (settings.state !== undefined) thread.state = live.state();
      if (thread.live === live && live.abort.signal.aborted) thread.live = undefined;
      thread.busy = false;
    };
    const leave = () => {
      detached = true;
      heartbeat?.stop();
      live.abort.abort();
      releaseThread();
    };
    const onClientGone = () => {
      heartbeat?.stop();
      live.abort.abort();
      releaseThread();
    };
    request.signal.addEventListener('abort', onClientGone, { once: true });
    const body = new ReadableStream<Uint8Array>(
      {
        async start(controller) {
          // Server-sent events only: `@ag-ui/client` reads a block without `data:` as nothing
          // (its `parseSSEStream`); protobuf's length-prefixed frames have no comment.
          heartbeat = startHeartbeat({
            everyMs: protobuf ? 0 : settings.heartbeatMs,
            ping: () => {
              if (detached) return;
              controller.enqueue(HEARTBEAT_FRAME);
              if (cutOffStalledReader(controller)) leave();
            },
          });
          const send = (event: BaseEvent, ended = false) => {
            if (detached) return;
            heartbeat?.wrote();
            controller.enqueue(encoder.encodeBinary(event));
            // A client that stopped reading: dropped, its run stopped, rather than held for it.
            // `RUN_FINISHED` (the answer whole, the run over) is not judged: an answer of
            // megabytes cut every client there, however fast it read (attack49b).
            if (!ended && cutOffStalledReader(controller)) leave();
          };
          send({ type: EventType.RUN_STARTED, threadId, runId } as BaseEvent);
          try {
            const ended = await live.pump(send, run.messages);
            for (const each of live.close()) send(each);
            if (ended === 'interrupted') {
              send(interruptedRun(threadId, runId, live));
            } else {
              const result = await live.result;
              if (thread.live === live) thread.live = undefined;
              // The server's turns are the thread's from now on (the client's earlier ones ignored).
              thread.fresh = false;
              // Its turn is stored, with the messages it carried: none is left unanswered.
              thread.unanswered = undefined;
              send(
                {
                  type: EventType.RUN_FINISHED,
                  threadId,
                  runId,
                  result: result.text,
                } as BaseEvent,
                true,
              );
            }
          } catch (error) {
            if (thread.live === live) thread.live = undefined;
            // A caller that went away stopped its own run: nothing for the server's log.
            if (!live.abort.signal.aborted) {
              onError(error);
              for (const each of live.close()) send(each);
              const shown = toBrowserError(error, undefined);
              send({
                type: EventType.RUN_ERROR,
                message: shown.message,
                code: shown.code ?? 'run_failed',
              } as BaseEvent);
            }
          } finally {
            heartbeat.stop();
            request.signal.removeEventListener('abort', onClientGone);
            releaseThread();
            if (!detached) {
              detached = true;
              controller.close();
            }
          }
        },
        cancel: leave,
      },
      unreadBytesStrategy,
    );
    return new Response(body, {
      headers: {
        'content-type': encoder.getContentType(),
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
      },
    });
  }

  async function authorizeRequest(request: Request): Promise<string> {
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
}

/** The most user messages of unfinished runs a thread keeps the ids of. */
const MAX_UNANSWERED = 32;

/**
 * The user messages of `unanswered` (ids of runs that did not finish) that the client's input
 * still holds before its last message, oldest first. One the client dropped (an edit, a page
 * that forgot it) stays out, as does the input's own last message, so a retry of a failed run
 * sends its message once.
 */
function carryUnanswered(
  unanswered: readonly string[] | undefined,
  earlierUsers: ReadonlyMap<string, { content: Content; media: number }>,
): { id: string; content: Content; media: number }[] {
  return (unanswered ?? []).flatMap((id) => {
    const found = earlierUsers.get(id);
    return found === undefined ? [] : [{ id, ...found }];
  });
}

function invalidState(message: string): AgUiRequestError {
  return new AgUiRequestError({ status: 400, errorCode: 'invalid_input', message });
}

function invalidResume(message: string): AgUiRequestError {
  return new AgUiRequestError({ status: 400, errorCode: 'invalid_resume', message });
}

/**
 * The body as JSON, read within `budget`: 413 past `maxBytes`, 503 `server_busy` with
 * `retry-after` when the door is reading as many bodies as it takes, 400 when it is not JSON.
 */
async function readJsonBody(
  request: Request,
  limits: { maxBytes: number; budget: BodyBudget; idleTimeoutMs: number },
): Promise<unknown> {
  return await readBoundedBody(request, {
    ...limits,
    parse: parseJsonOr(
      () =>
        new AgUiRequestError({
          status: 400,
          errorCode: 'invalid_json',
          message: 'The request body is not valid JSON: send RunAgentInput as JSON.',
        }),
    ),
    errors: {
      coded: () =>
        new AgUiRequestError({
          status: 415,
          errorCode: 'unsupported_content_encoding',
          message: CODED_BODY_MESSAGE,
        }),
      tooLarge: (message) =>
        new AgUiRequestError({ status: 413, errorCode: 'request_too_large', message }),
      notUtf8: () =>
        new AgUiRequestError({
          status: 400,
          errorCode: 'invalid_json',
          message: 'The request body is not UTF-8: send RunAgentInput as JSON in UTF-8.',
        }),
      busy: (message) =>
        new AgUiRequestError({
          status: 503,
          errorCode: 'server_busy',
          message,
          retryAfter: BODIES_BUSY_RETRY_AFTER_SECONDS,
        }),
      timedOut: (message) =>
        new AgUiRequestError({ status: 408, errorCode: 'request_timeout', message }),
    },
  });
}

/** What the door sends of a run's result without a state: its answer's text. */
function answerOf(result: ChatResult): { text: string } {
  return { text: result.text };
}

/** The whole result, for a door whose state's `reduce` reads the `run-end` event. */
function wholeResult(result: ChatResult): { text: string } {
  return result;
}
