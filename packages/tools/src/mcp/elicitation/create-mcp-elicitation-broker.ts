import { InvalidArgumentError } from '@gemloop/core';
import {
  checkedWhereUsed,
  checkOwnerOption,
  type DeclaredOptions,
  defineOptions,
  isRunOwner,
  MAX_TIMER_MS,
  readBoundedText,
} from '@gemloop/core/internal';
import type { AgentPlugin } from '@gemloop/core/plugins';
import type { RunOwner } from '@gemloop/core/web';
import { createMcpRunLink, type McpRunLink } from '../server-requests/create-mcp-run-link.ts';
import {
  type McpCallInFlight,
  nextStableRequestId,
  runIdOfCall,
  whenCallsEnd,
} from '../server-requests/mcp-calls-in-flight.ts';
import { checkElicitationContent } from './check-elicitation-content.ts';
import type {
  McpElicitationAnswer,
  McpElicitationHandler,
  McpElicitationRequest,
} from './mcp-elicitation.ts';
import { toElicitationReport } from './mcp-elicitation-report.ts';

/** Options of {@link createMcpElicitationBroker}. */
export type McpElicitationBrokerOptions = {
  /** How long a request waits for the user before it is answered `cancel`. @defaultValue 10 minutes */
  timeoutMs?: number | undefined;
  /** Requests waiting at once; past it the next is answered `decline` at once. @defaultValue 20 */
  maxPending?: number | undefined;
  /**
   * Shows each request in the run whose tool call asks (`elicitation-pending` and
   * `elicitation-resolved` events of the `mcp-requests` plugin): the link shared with the
   * connections' sampling policy. Default: a link of the broker's own (its `plugin`).
   */
  link?: McpRunLink | undefined;
  /**
   * Whose run a request belongs to, for a broker that serves several users (a durable worker's,
   * whose connections run every user's calls): given the run's id (`runId` of the request), the
   * owner the run was started with, e.g. `(runId) => runs.ownerOf(runId)` of `@gemloop/dbos`
   * (which answers a subagent's run with its top run's owner). The broker then shows and answers
   * a request only to that owner (`owner` of `answer`, `handleAnswer`, `handleEvents`), as if no
   * other request waited. A request whose run the broker cannot tell (a plain run's: only a
   * durable run's calls carry their run's id) has no owner; one whose owner cannot be read (the
   * function throws) is declined at once (`elicitation-refused`), never shown. MCP does not say
   * which call a request serves: while the connection runs calls of several runs, the request is
   * their owner's when they have one owner, and declined at once when they have several.
   * Default: none — every request has no owner, and a caller that gives one is refused.
   */
  ownerOfRun?:
    | ((runId: string) => RunOwner | undefined | Promise<RunOwner | undefined>)
    | undefined;
};

/** Who asks the broker: the caller's owner, as the runs were started with. */
export type McpElicitationCaller = {
  /**
   * The caller's owner (a signed-in user's or tenant's id, never a credential). Only requests of
   * that owner's runs are shown and answered (see `ownerOfRun`); without it, only requests with
   * no owner.
   */
  owner?: RunOwner | undefined;
};

/** A request waiting for the user, as a page or terminal shows it. */
export type PendingMcpElicitation = {
  /**
   * The broker's id of this request: an answer names it. Random, or in a durable run
   * `<idempotencyKey>#<n>` (the n-th request of the call), the same when the call runs again on
   * the worker that takes the run over.
   */
  id: string;
  request: McpElicitationRequest;
  /** The tool calls running when the server asked (usually the one that asks). */
  toolCalls: readonly McpCallInFlight[];
  /** The durable run whose call asks (absent in a plain run, or when several calls run). */
  runId?: string | undefined;
};

/** What a broker tells its subscribers. */
export type McpElicitationEvent =
  | { type: 'elicitation-pending'; elicitation: PendingMcpElicitation }
  | { type: 'elicitation-resolved'; id: string; action: McpElicitationAnswer['action'] };

/** An answer as a page posts it: the pending request's `id` and the user's answer. */
export type McpElicitationPost = McpElicitationAnswer & { id: string };

/**
 * MCP elicitation answered by a person, the way approvals are: the broker's `handler` goes in
 * `connectMcpStdio` / `connectMcpHttp`'s `elicitation`; each request waits as a
 * {@link PendingMcpElicitation} that a page (`handleEvents`, `handleAnswer`), a terminal
 * (`subscribe`, `answer`) or code answers. A request no one answers in time is cancelled, one
 * over `maxPending` declined, and one whose tool call or run is aborted cancelled: the server
 * always gets an answer. A URL request whose page is not an `https:`/`http:` address, or carries
 * a user name or password, is declined at once and never shown (`elicitation-refused`).
 *
 * A broker without `ownerOfRun` serves one user: mount its handlers behind your own session
 * check. With it, each request belongs to its run's owner, and the handlers take the caller's
 * `owner` (a request of another owner is refused as an unknown id: `404`, `false`, not shown).
 */
export type McpElicitationBroker = {
  /** The connection's `elicitation` handler (both modes). */
  readonly handler: McpElicitationHandler;
  /**
   * The plugin of the broker's run link (`link.plugin`): in the agent's `plugins`, each request
   * shows in the run whose tool call asks, as an `elicitation-pending` event (then
   * `elicitation-resolved`), on its stream, spans, recording and in `gemloop view`.
   */
  readonly plugin: AgentPlugin;
  /** The requests waiting now, oldest first: every owner's (for server code, not a page). */
  readonly pending: readonly PendingMcpElicitation[];
  /**
   * Calls `listener` for each request that starts or stops waiting, every owner's (for server
   * code, such as a terminal); returns the unsubscribe.
   */
  subscribe(listener: (event: McpElicitationEvent) => void): () => void;
  /**
   * Answers a waiting request. Returns `false` when none waits under `id` for `caller`'s owner
   * (answered, timed out, cancelled, or another owner's). An accepted form's `content` is checked
   * against the server's schema first.
   * @throws {@link InvalidArgumentError} for an answer that is malformed or does not fit the form,
   *   or a `caller.owner` that is not a non-empty string.
   */
  answer(id: string, answer: McpElicitationAnswer, caller?: McpElicitationCaller): boolean;
  /**
   * A `POST` handler for a page's answers (JSON {@link McpElicitationPost}, at most 64 KB): `204`
   * when answered, `404` when nothing waits under that id for `caller`'s owner, `400` with
   * `{ error }` naming the problem (a field that does not fit the form).
   * @throws {@link InvalidArgumentError} for a `caller.owner` that is not a non-empty string (the
   *   route's mistake, not the page's).
   */
  handleAnswer(request: Request, caller?: McpElicitationCaller): Promise<Response>;
  /**
   * A `GET` handler streaming {@link McpElicitationEvent}s of `caller`'s owner's requests as
   * server-sent events (`event:` is the type, `data:` the JSON), the requests already waiting
   * first; it ends when the page goes.
   * @throws {@link InvalidArgumentError} for a `caller.owner` that is not a non-empty string.
   */
  handleEvents(request: Request, caller?: McpElicitationCaller): Response;
};

const MAX_BODY_BYTES = 64 * 1024;

// Unknown keys refused (a misspelt `maxPendings` kept the default without a word, attack13); each
// option is checked where it is read.
const brokerOptions: DeclaredOptions<McpElicitationBrokerOptions> =
  defineOptions<McpElicitationBrokerOptions>({
    name: 'createMcpElicitationBroker',
    example: '{ timeoutMs: 60_000 }',
    checks: {
      timeoutMs: checkedWhereUsed,
      maxPending: checkedWhereUsed,
      link: checkedWhereUsed,
      ownerOfRun: checkedWhereUsed,
    },
  });

/**
 * Creates an {@link McpElicitationBroker}.
 *
 * @example
 * ```ts
 * const elicitations = createMcpElicitationBroker();
 * const calendar = await connectMcpHttp({ url, elicitation: elicitations.handler });
 * // GET /elicitations -> elicitations.handleEvents(request); POST -> elicitations.handleAnswer(request)
 * ```
 * @throws {@link InvalidArgumentError} for a `timeoutMs` or `maxPending` that is not a positive
 *   number, or an `ownerOfRun` that is not a function.
 */
export function createMcpElicitationBroker(
  given: McpElicitationBrokerOptions = {},
): McpElicitationBroker {
  const options = brokerOptions.check(given);
  const timeoutMs = positive(options.timeoutMs, 10 * 60_000, 'timeoutMs');
  // Past setTimeout's limit Node fires the timer at once: every question cancelled as it came.
  if (timeoutMs > MAX_TIMER_MS) {
    throw new InvalidArgumentError({
      argument: 'timeoutMs',
      message: `createMcpElicitationBroker: timeoutMs must be at most ${MAX_TIMER_MS} ms (setTimeout's limit, about 24.8 days), not ${String(timeoutMs)}.`,
    });
  }
  const maxPending = positive(options.maxPending, 20, 'maxPending');
  const link = options.link ?? createMcpRunLink();
  const ownerOfRun = options.ownerOfRun;
  if (ownerOfRun !== undefined && typeof ownerOfRun !== 'function') {
    throw new InvalidArgumentError({
      argument: 'ownerOfRun',
      message:
        'createMcpElicitationBroker: ownerOfRun must be a function from a run id to its owner, e.g. (runId) => runs.ownerOf(runId).',
    });
  }
  const waiting = new Map<
    string,
    PendingMcpElicitation & {
      owner: RunOwner | undefined;
      settle(answer: McpElicitationAnswer): void;
    }
  >();
  // Each listener is told the owner of the request an event is about: a page's sees its own.
  const listeners = new Set<(event: McpElicitationEvent, owner: RunOwner | undefined) => void>();
  const tell = (event: McpElicitationEvent, owner: RunOwner | undefined) => {
    for (const listener of listeners) {
      try {
        listener(event, owner);
      } catch {
        // One page's failing listener must not keep the others (or the server) from an answer.
      }
    }
  };
  const refuse = (
    request: McpElicitationRequest,
    toolCalls: readonly McpCallInFlight[],
    action: 'decline' | 'cancel',
    reason: string,
  ): McpElicitationAnswer => {
    link.report(toolCalls, 'elicitation-refused', {
      server: request.server,
      mode: request.mode,
      action,
      reason,
    });
    return { action };
  };

  const handler: McpElicitationHandler = (request, context) => {
    const runIds = new Set(context.toolCalls.map(runIdOfCall));
    const runId = runIds.size === 1 ? [...runIds][0] : undefined;
    if (ownerOfRun === undefined || (runIds.size <= 1 && runId === undefined)) {
      return wait(request, context, runId, undefined);
    }
    // The owner is read before the request shows anywhere: a page must never see a request
    // whose owner is not known yet.
    return (async () => {
      const owners = new Set<RunOwner | undefined>();
      try {
        for (const id of runIds) {
          owners.add(
            id === undefined ? undefined : checkOwnerOption(await ownerOfRun(id), 'ownerOfRun'),
          );
        }
      } catch {
        return refuse(request, context.toolCalls, 'decline', "the run's owner could not be read");
      }
      // MCP does not say which of the connection's calls asks: with calls of several owners
      // running, it is nobody's to answer.
      if (owners.size > 1) {
        const reason = 'the calls running belong to runs of several owners';
        return refuse(request, context.toolCalls, 'decline', reason);
      }
      return wait(request, context, runId, [...owners][0]);
    })();
  };

  const wait = (
    request: McpElicitationRequest,
    context: Parameters<McpElicitationHandler>[1],
    runId: string | undefined,
    owner: RunOwner | undefined,
  ): McpElicitationAnswer | Promise<McpElicitationAnswer> => {
    const unsafe = request.mode === 'url' ? unsafeUrl(request.url) : undefined;
    const callsEnded = whenCallsEnd(context.toolCalls);
    if (context.signal.aborted || callsEnded?.aborted === true) {
      return refuse(request, context.toolCalls, 'cancel', 'aborted');
    }
    if (waiting.size >= maxPending || unsafe !== undefined) {
      const reason = unsafe ?? `${maxPending} requests already wait`;
      return refuse(request, context.toolCalls, 'decline', reason);
    }
    return new Promise<McpElicitationAnswer>((resolve) => {
      const id = requestId(context.toolCalls, waiting);
      const onAbort = () => entry.settle({ action: 'cancel' });
      const timer = setTimeout(() => entry.settle({ action: 'cancel' }), timeoutMs);
      // Node: a waiting request alone does not keep the process alive.
      (timer as { unref?: () => void }).unref?.();
      const entry = {
        id,
        request,
        toolCalls: context.toolCalls,
        ...(runId !== undefined && { runId }),
        owner,
        settle(answer: McpElicitationAnswer) {
          if (!waiting.delete(id)) return;
          clearTimeout(timer);
          context.signal.removeEventListener('abort', onAbort);
          callsEnded?.removeEventListener('abort', onAbort);
          tell({ type: 'elicitation-resolved', id, action: answer.action }, owner);
          // The call may have ended first (aborted): then no run is told, as none waits.
          link.report(context.toolCalls, 'elicitation-resolved', { id, action: answer.action });
          resolve(answer);
        },
      };
      context.signal.addEventListener('abort', onAbort, { once: true });
      // The call that asks ended (aborted, or its connection gone): nobody needs the answer.
      callsEnded?.addEventListener('abort', onAbort, { once: true });
      waiting.set(id, entry);
      // The run first: a subscriber may answer at once, and its `resolved` must follow.
      link.report(
        context.toolCalls,
        'elicitation-pending',
        toElicitationReport(id, request, context.toolCalls),
      );
      tell({ type: 'elicitation-pending', elicitation: shown(entry) }, owner);
    });
  };

  const answer = (
    id: string,
    value: McpElicitationAnswer,
    caller?: McpElicitationCaller,
  ): boolean => {
    const callerOwner = checkOwnerOption(caller?.owner, 'owner');
    if (typeof id !== 'string') {
      throw new InvalidArgumentError({
        argument: 'id',
        message: 'id must be the string id of a pending elicitation.',
      });
    }
    const checked = checkAnswer(value);
    const entry = waiting.get(id);
    // Another owner's request is refused as an unknown id, before its form is read: a stranger
    // learns neither that it waits nor what it asks.
    if (entry === undefined || !isRunOwner(entry.owner, callerOwner)) return false;
    if (checked.action === 'accept' && entry.request.mode === 'form') {
      entry.settle({
        action: 'accept',
        content: checkElicitationContent(entry.request.requestedSchema, checked.content ?? {}),
      });
    } else {
      // A URL answer carries no content: what the user entered there never passes the client.
      entry.settle(checked.action === 'accept' ? { action: 'accept' } : checked);
    }
    return true;
  };

  return {
    handler,
    plugin: link.plugin,
    get pending() {
      return [...waiting.values()].map(shown);
    },
    subscribe(listener) {
      const each = (event: McpElicitationEvent) => listener(event);
      listeners.add(each);
      return () => {
        listeners.delete(each);
      };
    },
    answer,
    async handleAnswer(request, caller) {
      // The route's own mistake (a bad owner) throws; it is no 400 for the page to read.
      checkOwnerOption(caller?.owner, 'owner');
      try {
        const posted = JSON.parse(await readBoundedText(request, MAX_BODY_BYTES)) as unknown;
        const { id, ...rest } = (posted ?? {}) as Partial<McpElicitationPost>;
        return answer(id as string, rest as McpElicitationAnswer, caller)
          ? new Response(null, { status: 204 })
          : Response.json({ error: 'No elicitation waits under this id.' }, { status: 404 });
      } catch (error) {
        // A body with a content coding, which nothing here decodes: RFC 9110's 415, not a 400.
        if (InvalidArgumentError.isInstance(error) && error.argument === 'content-encoding')
          return Response.json({ error: error.message }, { status: 415 });
        const message = InvalidArgumentError.isInstance(error)
          ? error.message
          : 'The body must be JSON: { "id": string, "action": "accept" | "decline" | "cancel", "content"?: object }, at most 64 KB.';
        return Response.json({ error: message }, { status: 400 });
      }
    },
    handleEvents(request, caller) {
      const callerOwner = checkOwnerOption(caller?.owner, 'owner');
      const encoder = new TextEncoder();
      let stop = () => {};
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const send = (event: McpElicitationEvent, owner: RunOwner | undefined) => {
            if (!isRunOwner(owner, callerOwner)) return;
            controller.enqueue(
              encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
            );
          };
          for (const entry of waiting.values()) {
            send({ type: 'elicitation-pending', elicitation: shown(entry) }, entry.owner);
          }
          listeners.add(send);
          stop = () => {
            listeners.delete(send);
            request.signal.removeEventListener('abort', stop);
            try {
              controller.close();
            } catch {
              // Closed already (the reader cancelled).
            }
          };
          request.signal.addEventListener('abort', stop, { once: true });
        },
        cancel() {
          stop();
        },
      });
      return new Response(body, {
        headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
      });
    },
  };
}

/**
 * A request's id: random, or, while one call of a durable run asks (its tool context has an
 * `idempotencyKey`), `<key>#<n>`, the same when the call runs again after its worker died. The
 * run's stored events keep the first execution's `elicitation-pending` (a re-run step's events
 * land at the indices the store has, which readers skip), so the request asked again must have
 * the id the page was shown: the page's answer then reaches it. A key already waiting here (the
 * same call running twice in one process) gets a random id.
 */
function requestId(toolCalls: readonly McpCallInFlight[], waiting: Map<string, unknown>): string {
  const stable = toolCalls.length === 1 ? nextStableRequestId(toolCalls[0]!) : undefined;
  return stable !== undefined && !waiting.has(stable) ? stable : crypto.randomUUID();
}

/**
 * Why a URL request's page is not one to show a user, or `undefined` when it is one. The MCP spec
 * (2025-11-25, "Safe URL Handling") has clients handle URLs so that users do not click malicious
 * links unknowingly, and servers send https pages without credentials in them: a page opens
 * an `https:` or `http:` address, never `javascript:`, `data:` or `file:` (which run or read
 * something on the user's side), and never one with a login part (`https://bank.example@evil.example`
 * shows one host and opens another; `user:password@` puts a secret on the screen).
 */
function unsafeUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the url is not a valid address';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return 'the url is not an https or http address';
  if (parsed.username !== '' || parsed.password !== '')
    return 'the url carries a user name or password';
  return undefined;
}

function shown(entry: PendingMcpElicitation): PendingMcpElicitation {
  return {
    id: entry.id,
    request: entry.request,
    toolCalls: entry.toolCalls,
    ...(entry.runId !== undefined && { runId: entry.runId }),
  };
}

function checkAnswer(value: unknown): McpElicitationAnswer & { content?: unknown } {
  const action = (value as { action?: unknown } | null)?.action;
  if (action !== 'accept' && action !== 'decline' && action !== 'cancel') {
    throw new InvalidArgumentError({
      argument: 'answer.action',
      message: `answer.action must be "accept", "decline" or "cancel", not ${JSON.stringify(action) ?? 'undefined'}.`,
    });
  }
  return action === 'accept'
    ? { action, content: (value as { content?: unknown }).content as never }
    : { action };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError({
      argument: name,
      message: `createMcpElicitationBroker: ${name} must be a positive number, not ${String(value)}.`,
    });
  }
  return value;
}
