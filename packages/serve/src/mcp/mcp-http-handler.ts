import { InvalidArgumentError } from '@gemloop/core/errors';
import { CODED_BODY_MESSAGE, hasContentCoding, readBoundedText } from '@gemloop/core/internal';
import { isRunOwner, type RunOwner } from '@gemloop/core/web';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { type DoorConnection, guardHost, type HostPolicy } from '../door/host-policy.ts';
import { InsufficientScopeError } from '../door/insufficient-scope-error.ts';
import { guardOrigin, type OriginPolicy } from '../door/origin-policy.ts';
import { pickEvicted } from '../door/pick-evicted.ts';
import { insufficientScopeChallenge, type ProtectedResource } from '../door/protected-resource.ts';
import {
  malformedNotification,
  refuseMalformedRequests,
  requestFault,
} from './refuse-malformed-requests.ts';

/**
 * A Fetch-API handler: Node (through `@gemloop/serve/node`), Hono, Deno, Bun, Workers. The
 * second argument says which of the server's addresses the request arrived on, for the doors'
 * Host check (`allowedHosts`); `toNodeListener` passes it.
 */
export type FetchHandler = (request: Request, connection?: DoorConnection) => Promise<Response>;

/** The HTTP door and how to close its sessions. @internal */
export type McpHttpHandler = { handler: FetchHandler; close(): Promise<void> };

type Connection = {
  owner: RunOwner;
  transport: WebStandardStreamableHTTPServerTransport;
  /** The ids of the session's requests whose POST is still answering (`claimIds`). */
  inFlight: Set<string>;
  /** The session's requests (and GET streams) still open: it is idle only at 0. */
  open: number;
  /** Closes the session once idle `sessionIdleMs`: armed while `open` is 0. */
  idle: ReturnType<typeof setTimeout> | undefined;
};

/**
 * The Streamable HTTP door: the SDK's Web-standard transport, one per MCP session (stateful, so
 * a client's `notifications/cancelled` reaches the server instance running its call), each
 * session recorded with the owner `authorize` gave when it was initialized and reachable only by
 * that owner. The protocol (JSON-RPC parsing, batches, SSE, `Mcp-Session-Id`, body limit) is the
 * SDK's; this adds who may call, bounds, and fixed error words. @internal
 */
export function createMcpHttpHandler(options: {
  createServer: (owner: RunOwner) => Server;
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
  /**
   * The SSE streams' keep-alive: the SDK's own (`keepAliveMs`, a `: keepalive` comment at each
   * interval, 15 s by default), set from the door's `heartbeatMs` so that one option says it for
   * every door; 0 for none.
   */
  heartbeatMs: number;
  /** Counts a request of an owner: the seconds to wait when over the limit, else 0. */
  limiter: { take(owner: RunOwner): number } | undefined;
  onError: (error: unknown) => void;
}): McpHttpHandler | undefined {
  const { authorize, onError, protectedResource } = options;
  if (authorize === undefined) return undefined;
  const challenge = protectedResource?.challenge ?? 'Bearer';
  const connections = new Map<string, Connection>();

  /** Forgets session `id` (closed, evicted, idle), its idle timer with it. */
  const forget = (id: string) => {
    clearTimeout(connections.get(id)?.idle);
    connections.delete(id);
  };
  // An abandoned session (a client gone without DELETE) held ~37 KB until `maxConnections` newer
  // ones pushed it out (attack50a). The MCP spec (2025-11-25, Transports, Session Management)
  // lets a server end a session at any time, answering 404 after, and its client then
  // initializes again; a request or stream still open keeps the session.
  const armIdle = (id: string, connection: Connection) => {
    clearTimeout(connection.idle);
    connection.idle = undefined;
    if (options.sessionIdleMs === 0 || connection.open > 0) return;
    if (connections.get(id) !== connection) return;
    connection.idle = setTimeout(() => {
      connection.idle = undefined;
      if (connections.get(id) !== connection || connection.open > 0) return;
      connections.delete(id);
      void connection.transport.close().catch(onError);
    }, options.sessionIdleMs);
    // Never what keeps a process alive.
    connection.idle.unref?.();
  };

  const served: FetchHandler = async (request) => {
    try {
      // Public, before any credential: it is how a client learns where to get one.
      const metadata = protectedResource?.serveMetadata(request);
      if (metadata !== undefined) return metadata;
      // A method Streamable HTTP does not use (a preflight, PUT) is the SDK's 405 for anyone,
      // as on the other doors: asking a preflight for credentials told it to try again with some.
      if (!MCP_METHODS.has(request.method)) return methodNotAllowed();
      let owner: RunOwner | null | undefined;
      try {
        owner = await authorize(request);
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
          'www-authenticate': challenge,
        });
      }
      if (typeof owner !== 'string' || owner.length === 0 || owner.length > 1024) {
        onError(new TypeError('authorize returned something other than an owner id or null.'));
        return rpcError(500, -32603, 'The server could not check the credentials.');
      }
      const wait = options.limiter?.take(owner) ?? 0;
      if (wait > 0) return tooManyRequests(wait);
      const sessionId = request.headers.get('mcp-session-id');
      if (sessionId !== null) {
        const found = connections.get(sessionId);
        // Another owner's session answers exactly as an unknown one: a stranger learns nothing.
        if (found === undefined || !isRunOwner(found.owner, owner)) {
          return rpcError(404, -32001, 'Session not found');
        }
        found.open += 1;
        armIdle(sessionId, found);
        let done = false;
        const ended = () => {
          if (done) return;
          done = true;
          found.open -= 1;
          armIdle(sessionId, found);
        };
        let answer: Response;
        try {
          answer = await answerInSession(request, found, owner);
        } catch (error) {
          ended();
          throw error;
        }
        return releasedAtEnd(answer, ended);
      }
      return await openConnection(request, owner);
    } catch (error) {
      // A client that left mid-body (or was cut off stalling): its own doing, not the door's.
      if (!request.signal.aborted) onError(error);
      return rpcError(500, -32603, 'The server could not answer the request.');
    }
  };

  /** A request of an open session of `owner`'s: the SDK's answer, or the door's refusal. */
  async function answerInSession(
    request: Request,
    found: Connection,
    owner: RunOwner,
  ): Promise<Response> {
    if (request.method !== 'POST') return await found.transport.handleRequest(request);
    const read = await readMessages(request, options.maxBodyBytes);
    if (read instanceof Response) return read;
    const batchWait = takeBatch(options.limiter, owner, read);
    if (batchWait > 0) return tooManyRequests(batchWait);
    const release = claimIds(found.inFlight, read);
    if (release === undefined) return idInUse(read);
    cancelOnDisconnect(request.signal, found.transport, read);
    let answer: Response;
    try {
      answer = await found.transport.handleRequest(request, { parsedBody: read });
    } catch (error) {
      release();
      throw error;
    }
    return releasedAtEnd(answer, release);
  }

  async function openConnection(request: Request, owner: RunOwner): Promise<Response> {
    // Read here as for a session's POSTs: the SDK reads a body as `request.json()` does, with
    // U+FFFD for bytes that are not UTF-8 (attack40), and so `initialize` carried them.
    let parsedBody: unknown;
    if (request.method === 'POST') {
      parsedBody = await readMessages(request, options.maxBodyBytes);
      if (parsedBody instanceof Response) return parsedBody;
    }
    const server = options.createServer(owner);
    const transport: WebStandardStreamableHTTPServerTransport =
      new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        maxRequestBodySize: options.maxBodyBytes,
        keepAliveMs: options.heartbeatMs,
        onsessioninitialized: (id) => {
          const connection: Connection = {
            owner,
            transport,
            inFlight: new Set(),
            open: 0,
            idle: undefined,
          };
          connections.set(id, connection);
          armIdle(id, connection);
          while (connections.size > options.maxConnections) {
            // The caller holding the most sessions loses its oldest, not another caller.
            const evicted = pickEvicted(connections, (connection) => connection.owner);
            const connection = evicted === undefined ? undefined : connections.get(evicted);
            if (evicted === undefined || connection === undefined) break;
            forget(evicted);
            void connection.transport.close().catch(onError);
          }
        },
        onsessionclosed: (id) => {
          forget(id);
        },
      });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) forget(transport.sessionId);
    };
    await server.connect(transport);
    refuseMalformedRequests(transport);
    const response = await transport.handleRequest(
      request,
      request.method === 'POST' ? { parsedBody } : undefined,
    );
    // Anything but an `initialize` without a session is refused by the SDK: nothing to keep.
    if (transport.sessionId === undefined) await server.close();
    return response;
  }

  // DNS rebinding and cross-site pages: the MCP spec (2025-11-25, Transports, "Security
  // Warning") says an Origin present and invalid MUST be answered 403, here before `authorize`
  // reads a credential the browser attached. Not the SDK's own check (`allowedOrigins` with
  // `enableDnsRebindingProtection`): it checks nothing when the list is empty, runs after
  // `authorize` and the body, and echoes the header. Resource metadata stays public.
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
  // The SDK's own Host check (`allowedHosts` with `enableDnsRebindingProtection`) runs inside
  // the transport, after `authorize`; this one runs first, as the Origin check does.
  const handler = guardHost(
    options.allowedHosts,
    checked,
    (message) => rpcError(403, -32000, message),
    'the MCP door',
  );

  return {
    handler,
    async close() {
      const open = [...connections.values()];
      for (const connection of open) clearTimeout(connection.idle);
      connections.clear();
      await Promise.allSettled(open.map((connection) => connection.transport.close()));
    },
  };
}

/**
 * A POST's body, read within `maxBytes` and parsed, for the SDK (`parsedBody`): read here so the
 * door knows which requests the connection carries. A refusal is the SDK's own answer for it.
 */
async function readMessages(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length'));
  const tooLarge = () =>
    rpcError(413, -32000, `Payload too large: the body is over ${maxBytes} bytes.`);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  // -32000 as the SDK's own 415 for another Content-Type.
  if (hasContentCoding(request)) return rpcError(415, -32000, CODED_BODY_MESSAGE);
  let text: string;
  try {
    text = await readBoundedText(request, maxBytes);
  } catch (error) {
    if (!InvalidArgumentError.isInstance(error)) throw error;
    // Bytes that are not UTF-8 are no JSON text (RFC 8259 section 8.1), not text with U+FFFD.
    return error.argument === 'encoding'
      ? rpcError(400, -32700, 'Parse error: the body is not UTF-8')
      : tooLarge();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return rpcError(400, -32700, 'Parse error: Invalid JSON');
  }
  // The SDK answered these -32700, as if the JSON were broken: it is JSON, but no valid Request
  // (JSON-RPC 2.0 section 5.1: -32600), and the id, undetectable, is answered null (section 5).
  if (hasInvalidRequestId(parsed)) {
    return rpcError(
      400,
      -32600,
      'Invalid Request: a request id must be a string or an integer (MCP: not null).',
    );
  }
  return refuseMalformed(parsed);
}

/**
 * The body without its notifications the SDK cannot read, or the answer to a request of it the
 * SDK cannot read. The SDK's transport refused the whole body as -32700 "Invalid JSON-RPC
 * message" for either (it is JSON, and a request): a notification gets no answer (JSON-RPC 2.0
 * section 4.1), so it is left out, and a body of nothing else is accepted as MCP accepts
 * notifications (202, no body); a request is answered with its id and `requestFault`'s code when
 * it is the body's one message, else with id null, nothing of the body run (as a batch with a
 * bad id is refused whole). A `tools/call`'s `name` and `arguments` reach the server's transport,
 * which answers them one by one (`refuseMalformedRequests`).
 */
function refuseMalformed(body: unknown): unknown {
  const messages = Array.isArray(body) ? body : [body];
  for (const message of messages) {
    const fault = requestFault(message);
    if (fault === undefined) continue;
    const id = Array.isArray(body) ? null : (message as { id: string | number }).id;
    return new Response(JSON.stringify({ jsonrpc: '2.0', error: fault, id }), {
      status: 400,
      headers: { 'content-type': 'application/json' },
    });
  }
  const kept = messages.filter((message) => !malformedNotification(message));
  if (kept.length === messages.length) return body;
  if (kept.length === 0) return new Response(null, { status: 202 });
  return Array.isArray(body) ? kept : kept[0];
}

/**
 * Whether a request of the body (one, or any of a batch) has an id MCP cannot answer: JSON-RPC
 * 2.0 (section 4) allows a string, a number ("SHOULD NOT contain fractional parts") or null, and
 * MCP (2025-06-18, Basic, Requests) "a string or integer ID ... MUST NOT be null". A message
 * with no `method` is a response to the server, the SDK's to judge.
 */
function hasInvalidRequestId(body: unknown): boolean {
  return (Array.isArray(body) ? body : [body]).some((message) => {
    if (typeof message !== 'object' || message === null || !Object.hasOwn(message, 'id')) {
      return false;
    }
    const { id, method } = message as { id?: unknown; method?: unknown };
    return method !== undefined && typeof id !== 'string' && !Number.isInteger(id);
  });
}

/**
 * The SDK keeps a POST's stream resumable, so a connection that closes does not end the calls it
 * carried: their runs would go on for no one. When the request's signal aborts (`toNodeListener`
 * aborts it when the client goes away before the answer is over), each JSON-RPC request of the
 * body is cancelled as the client's own `notifications/cancelled` would, through the transport's
 * `onmessage`: the SDK then aborts the handler's signal, and so the run. A request already
 * answered is unknown to the SDK by then, and the notice does nothing.
 */
function cancelOnDisconnect(
  signal: AbortSignal,
  transport: WebStandardStreamableHTTPServerTransport,
  body: unknown,
): void {
  const ids = requestIds(body);
  if (ids.length === 0) return;
  signal.addEventListener(
    'abort',
    () => {
      for (const requestId of ids) {
        transport.onmessage?.({
          jsonrpc: '2.0',
          method: 'notifications/cancelled',
          params: { requestId, reason: 'The client closed the connection.' },
        });
      }
    },
    { once: true },
  );
}

/**
 * Claims the ids of the body's requests for the session while their POST answers: `undefined`
 * when one is in use (by a request still answering, or twice in the body), else what gives them
 * back. MCP forbids reusing a request id in a session (2025-06-18, Basic, Requests: "MUST NOT
 * have been previously used by the requestor within the same session"), and the SDK's transport
 * routes an answer by its id alone: a second POST with an id in flight took the first call's
 * answer, its own was dropped and the first POST waited for ever (attack18).
 */
function claimIds(inFlight: Set<string>, body: unknown): (() => void) | undefined {
  const keys = requestIds(body).map((id) => `${typeof id}:${id}`);
  const claimed = new Set<string>();
  for (const key of keys) {
    if (inFlight.has(key) || claimed.has(key)) return undefined;
    claimed.add(key);
  }
  for (const key of claimed) inFlight.add(key);
  return () => {
    for (const key of claimed) inFlight.delete(key);
  };
}

/**
 * The answer with its body passed through, `release` called once when the body ends, fails or is
 * cancelled (the client gone): the POST's stream closes when every request it carried has been
 * answered, so its ids are free again then, not before.
 */
function releasedAtEnd(answer: Response, release: () => void): Response {
  if (answer.body === null) {
    release();
    return answer;
  }
  const reader = answer.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
  });
}

/** A POST reusing an id in flight: -32600 for the request (its id when it is one), nothing run. */
function idInUse(body: unknown): Response {
  const id = Array.isArray(body) ? null : (requestIds(body)[0] ?? null);
  return new Response(
    JSON.stringify({
      jsonrpc: '2.0',
      error: {
        code: -32600,
        message:
          'Invalid Request: a request with this id is still being answered in this session (MCP ids are not reused within a session).',
      },
      id,
    }),
    { status: 400, headers: { 'content-type': 'application/json' } },
  );
}

function requestIds(body: unknown): (string | number)[] {
  return (Array.isArray(body) ? body : [body]).flatMap((message) =>
    isRequest(message) ? [(message as { id: string | number }).id] : [],
  );
}

/**
 * Counts the requests of a batch past its first (the POST counted one) against the owner's
 * limit: the seconds to wait when the batch goes over it, else 0. A batch (up to the SDK's 100
 * messages) was one request to the limit, so one POST could start 100 runs under a limit of
 * 10. What the batch took stays taken when it is refused, as a refused POST's does.
 */
function takeBatch(
  limiter: { take(owner: RunOwner): number } | undefined,
  owner: RunOwner,
  body: unknown,
): number {
  if (limiter === undefined || !Array.isArray(body)) return 0;
  let wait = 0;
  for (const message of body.slice(1)) {
    if (!isRequest(message)) continue;
    wait = Math.max(wait, limiter.take(owner));
  }
  return wait;
}

function isRequest(message: unknown): boolean {
  const { id, method } = (message ?? {}) as { id?: unknown; method?: unknown };
  return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number');
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

/** A JSON-RPC error response with no id (the request was refused before it was read). */
function rpcError(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
