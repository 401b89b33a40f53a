import { isRunOwner, type RunOwner } from '@gemloop/core/web';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { BodyBudget } from '../door/body-budget.ts';
import { type DoorConnection, guardHost, type HostPolicy } from '../door/host-policy.ts';
import { InsufficientScopeError } from '../door/insufficient-scope-error.ts';
import { guardOrigin, type OriginPolicy } from '../door/origin-policy.ts';
import { insufficientScopeChallenge, type ProtectedResource } from '../door/protected-resource.ts';
import type { BodyLimits } from '../door/read-bounded-body.ts';
import type { RateLimiter, RateTake } from '../openai/rate-limiter.ts';
import { cancelOnDisconnect } from './cancel-on-disconnect.ts';
import { type CancelledCalls, createCancelledCalls } from './cancelled-calls.ts';
import { claimRequestIds, idInUse } from './claim-request-ids.ts';
import { createMcpSessions, type McpSession, type McpSessions } from './mcp-sessions.ts';
import { readMcpMessages } from './read-mcp-messages.ts';
import { refuseMalformedRequests } from './refuse-malformed-requests.ts';
import { releasedAtEnd } from './released-at-end.ts';
import { requestIds } from './request-ids.ts';
import { rpcError } from './rpc-error.ts';
import { takeBatch } from './take-batch.ts';

/**
 * A Fetch-API handler: Node (through `@gemloop/serve/node`), Hono, Deno, Bun, Workers. The
 * second argument says which of the server's addresses the request arrived on, for the doors'
 * Host check (`allowedHosts`); `toNodeListener` passes it.
 */
export type FetchHandler = (request: Request, connection?: DoorConnection) => Promise<Response>;

/** The HTTP door and how to close its sessions. @internal */
export type McpHttpHandler = { handler: FetchHandler; close(): Promise<void> };

/** What {@link createMcpHttpHandler} is given. @internal */
export type McpHttpHandlerOptions = {
  createServer: (owner: RunOwner, calls: CancelledCalls) => Server;
  authorize:
    | ((request: Request) => RunOwner | null | undefined | Promise<RunOwner | null | undefined>)
    | undefined;
  /** Publishes the resource metadata and names it in the 401's challenge. */
  protectedResource: ProtectedResource | undefined;
  /** The browser pages that may call the door (a request without `Origin` may too). */
  allowedOrigins: OriginPolicy;
  /** The host names the door answers to (DNS rebinding). */
  allowedHosts: HostPolicy;
  maxConnections: number;
  /** A session with no request or stream open for this long is closed (0: never). */
  sessionIdleMs: number;
  maxBodyBytes: number;
  /** The bytes of bodies read at once, the door's own or the one `mountDoors` shares. */
  budget: BodyBudget;
  /** The ms a body may go without a byte before it is cut off with 408 (`bodyIdleTimeoutMs`). */
  bodyIdleTimeoutMs: number;
  /**
   * The SSE streams' keep-alive: the SDK's own (`keepAliveMs`, a `: keepalive` comment at each
   * interval, 15 s by default), set from the door's `heartbeatMs` so that one option says it for
   * every door; 0 for none.
   */
  heartbeatMs: number;
  /** Counts a request of an owner: the seconds to wait when over the limit, and its window. */
  limiter: Pick<RateLimiter, 'take' | 'giveBack'> | undefined;
  onError: (error: unknown) => void;
};

/**
 * The Streamable HTTP door: the SDK's Web-standard transport, one per MCP session (stateful, so
 * a client's `notifications/cancelled` reaches the server instance running its call), each
 * session recorded with the owner `authorize` gave when it was initialized and reachable only by
 * that owner. The protocol (JSON-RPC parsing, batches, SSE, `Mcp-Session-Id`, body limit) is the
 * SDK's; this adds who may call, bounds, and fixed error words. @internal
 */
export function createMcpHttpHandler(options: McpHttpHandlerOptions): McpHttpHandler | undefined {
  const { onError, protectedResource } = options;
  if (options.authorize === undefined) return undefined;
  const sessions = createMcpSessions(options);

  const served: FetchHandler = async (request) => {
    try {
      // Public, before any credential: it is how a client learns where to get one.
      const metadata = protectedResource?.serveMetadata(request);
      if (metadata !== undefined) return metadata;
      // A method Streamable HTTP does not use (a preflight, PUT) is the SDK's 405 for anyone,
      // as on the other doors: asking a preflight for credentials told it to try again with some.
      if (!MCP_METHODS.has(request.method)) return methodNotAllowed();
      // Closed (a server shutting down): no new session, and the old ones are gone.
      if (sessions.closed()) {
        return rpcError(503, -32000, 'The MCP server is closed: it serves no session.');
      }
      const owner = await authorizeRequest(options, request);
      if (owner instanceof Response) return owner;
      const taken = options.limiter?.take(owner);
      if (taken !== undefined && taken.wait > 0) return tooManyRequests(taken.wait);
      const sessionId = request.headers.get('mcp-session-id');
      if (sessionId === null) {
        return await openSession(options, sessions, request, { owner, taken });
      }
      const found = sessions.get(sessionId);
      // Another owner's session answers exactly as an unknown one: a stranger learns nothing.
      if (found === undefined || !isRunOwner(found.owner, owner)) {
        return rpcError(404, -32001, 'Session not found');
      }
      const ended = sessions.hold(sessionId, found);
      let answer: Response;
      try {
        answer = await answerInSession(options, request, found, { owner, taken });
      } catch (error) {
        ended();
        throw error;
      }
      return releasedAtEnd(answer, ended);
    } catch (error) {
      // A client that left mid-body (or was cut off stalling): its own doing, not the door's.
      if (!request.signal.aborted) onError(error);
      return rpcError(500, -32603, 'The server could not answer the request.');
    }
  };

  return { handler: guardPages(options, served), close: () => sessions.close() };
}

/**
 * The caller's owner, or the answer refusing it: 403 with the scope challenge, 401 with the
 * resource's challenge, 500 for an `authorize` that threw or gave something else.
 */
async function authorizeRequest(
  options: McpHttpHandlerOptions,
  request: Request,
): Promise<RunOwner | Response> {
  const { protectedResource, onError } = options;
  let owner: RunOwner | null | undefined;
  try {
    owner = await options.authorize?.(request);
  } catch (error) {
    if (InsufficientScopeError.isInstance(error)) {
      return rpcError(403, -32001, 'The token lacks a scope this request needs.', {
        'www-authenticate':
          protectedResource?.insufficientScope(error.scopes) ??
          insufficientScopeChallenge(error.scopes),
      });
    }
    onError(error);
    return rpcError(500, -32603, 'The server could not check the credentials.');
  }
  if (owner === null || owner === undefined) {
    return rpcError(401, -32001, 'No valid credentials: send Authorization: Bearer <token>.', {
      'www-authenticate': protectedResource?.challenge ?? 'Bearer',
    });
  }
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 1024) {
    onError(new TypeError('authorize returned something other than an owner id or null.'));
    return rpcError(500, -32603, 'The server could not check the credentials.');
  }
  return owner;
}

/**
 * Who sent a request: its owner, and what the rate limit answered when it counted the request
 * (`undefined` without a limit), for giving that count back.
 */
type Caller = { owner: RunOwner; taken: RateTake | undefined };

/** A request of an open session of `owner`'s: the SDK's answer, or the door's refusal. */
async function answerInSession(
  options: McpHttpHandlerOptions,
  request: Request,
  found: McpSession,
  caller: Caller,
): Promise<Response> {
  const { owner } = caller;
  if (request.method !== 'POST') return await found.transport.handleRequest(request);
  const read = await readMcpMessages(request, bodyLimits(options, caller));
  if (read instanceof Response) return read;
  const batchWait = takeBatch(options.limiter, owner, read);
  if (batchWait > 0) return tooManyRequests(batchWait);
  const release = claimRequestIds(found.inFlight, read);
  if (release === undefined) return idInUse(read);
  cancelOnDisconnect(request.signal, found.transport, read);
  const untrack = found.calls.track(requestIds(read));
  let answer: Response;
  try {
    answer = await found.transport.handleRequest(request, { parsedBody: read });
  } catch (error) {
    untrack();
    release();
    throw error;
  }
  return releasedAtEnd(answer, release);
}

/** A request without a session: an `initialize` opens one (the SDK refuses anything else). */
async function openSession(
  options: McpHttpHandlerOptions,
  sessions: McpSessions,
  request: Request,
  caller: Caller,
): Promise<Response> {
  const { owner } = caller;
  // Read here as for a session's POSTs: the SDK reads a body as `request.json()` does, with
  // U+FFFD for bytes that are not UTF-8 (attack40), and so `initialize` carried them.
  let parsedBody: unknown;
  if (request.method === 'POST') {
    parsedBody = await readMcpMessages(request, bodyLimits(options, caller));
    if (parsedBody instanceof Response) return parsedBody;
  }
  const calls = createCancelledCalls();
  const server = options.createServer(owner, calls);
  const transport: WebStandardStreamableHTTPServerTransport =
    new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      maxRequestBodySize: options.maxBodyBytes,
      keepAliveMs: options.heartbeatMs,
      onsessioninitialized: (id) => sessions.add(id, owner, transport, calls),
      onsessionclosed: (id) => sessions.forget(id),
    });
  transport.onclose = () => {
    if (transport.sessionId !== undefined) sessions.forget(transport.sessionId);
  };
  await server.connect(transport);
  refuseMalformedRequests(transport);
  // A POST whose calls are all answered or cancelled ends: the SDK waits for a cancelled one's
  // answer, which it never sends.
  calls.watch(transport, (requestId) => transport.closeSSEStream(requestId));
  const response = await transport.handleRequest(
    request,
    request.method === 'POST' ? { parsedBody } : undefined,
  );
  // Anything but an `initialize` without a session is refused by the SDK: nothing to keep.
  if (transport.sessionId === undefined) await server.close();
  return response;
}

/**
 * The limits a POST's body is read within, for `owner`: a body refused for the budget gives the
 * request's count of the rate limit back (a batch's further requests are counted after the read).
 */
function bodyLimits(options: McpHttpHandlerOptions, { owner, taken }: Caller): BodyLimits {
  return {
    maxBytes: options.maxBodyBytes,
    budget: options.budget,
    idleTimeoutMs: options.bodyIdleTimeoutMs,
    owner,
    // To the window that counted it (`taken`), never the owner's next one.
    onBusy: () => {
      if (taken !== undefined) options.limiter?.giveBack(owner, taken.window);
    },
  };
}

/**
 * The door behind its page checks. DNS rebinding and cross-site pages: the MCP spec (2025-11-25,
 * Transports, "Security Warning") says an Origin present and invalid MUST be answered 403, here
 * before `authorize` reads a credential the browser attached. Not the SDK's own check
 * (`allowedOrigins` with `enableDnsRebindingProtection`): it checks nothing when the list is
 * empty, runs after `authorize` and the body, and echoes the header. Resource metadata stays
 * public. The SDK's own Host check runs inside the transport, after `authorize`; this one runs
 * first, as the Origin check does.
 */
function guardPages(options: McpHttpHandlerOptions, served: FetchHandler): FetchHandler {
  const { protectedResource } = options;
  const checked = guardOrigin(
    options.allowedOrigins,
    served,
    () =>
      rpcError(
        403,
        -32000,
        'Forbidden: a page of this origin may not call the MCP door; its server lists the origins it allows (allowedOrigins).',
      ),
    (request) => protectedResource?.serveMetadata(request) !== undefined,
  );
  return guardHost(
    options.allowedHosts,
    checked,
    (message) => rpcError(403, -32000, message),
    'the MCP door',
  );
}

function tooManyRequests(wait: number): Response {
  return rpcError(429, -32000, 'Too many requests; retry after the time in retry-after.', {
    'retry-after': String(wait),
  });
}

// Streamable HTTP's methods: POST carries messages, GET opens the server's stream, DELETE ends
// a session (MCP 2025-11-25, Transports).
const MCP_METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'DELETE']);

/** 405 in the SDK's own words, `Allow` naming the methods (RFC 9110 section 15.5.6). */
function methodNotAllowed(): Response {
  return rpcError(405, -32000, 'Method not allowed.', { allow: 'GET, POST, DELETE' });
}
