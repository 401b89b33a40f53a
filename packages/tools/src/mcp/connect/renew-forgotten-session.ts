/** A fetch as the MCP SDK's streamable HTTP transport calls it. @internal */
export type McpFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * `fetch` that starts a new MCP session when the server has forgotten the connection's: the
 * Streamable HTTP transport says "When a client receives HTTP 404 in response to a request
 * containing an Mcp-Session-Id, it MUST start a new session by sending a new InitializeRequest
 * without a session ID attached"
 * (https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#session-management),
 * and the SDK's client transport (1.32) only throws, keeping the dead id, so every later call of
 * the connection failed (modelcontextprotocol/typescript-sdk#1708). A server restarted, or one
 * that ends idle sessions, answers so.
 *
 * On such a 404 to a POST it sends the handshake's own InitializeRequest again without the id,
 * then has the transport send `notifications/initialized` (`sendInitialized`), and sends the
 * request once more with the new id. Sent by the transport, the notification makes it open its
 * standalone GET stream for the new session, as it does after every handshake: the server's own
 * messages (`notifications/tools/list_changed`) reach the connection again (sent here, the new
 * session had no such stream, leftovers67). From the renewal on, a request still carrying the
 * forgotten id (the transport's, until an answer names the new one; its stream's reconnection)
 * carries the new one, and its answer names it, which the SDK keeps. Bounded: one renewal per
 * failed request, shared by the requests that failed with the same id at once; a retried request
 * answered 404 again, or a renewal the server refuses, fails as before (the first 404); the next
 * request the stale id fails renews again (a server still starting refused the first). @internal
 */
export function renewForgottenSession(
  fetch: McpFetch,
  sendInitialized: () => Promise<void>,
): McpFetch {
  /** The handshake's InitializeRequest, as sent. */
  let initialize: string | undefined;
  /** The renewal of the session `stale`, shared by the requests it failed at once. */
  let renewal: { stale: string; fresh: Promise<string | undefined> } | undefined;
  /** The session a renewal started in place of `stale`, as soon as the server named it. */
  let renamed: { stale: string; fresh: string } | undefined;
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    const post = init?.method === 'POST';
    if (post && !headers.has('mcp-session-id') && initialize === undefined) {
      if (isInitialize(init?.body)) initialize = init?.body as string;
    }
    // The session the request goes to: a forgotten one a renewal replaced goes to the new one.
    let session = headers.get('mcp-session-id');
    let response: Response;
    if (session !== null && renamed !== undefined && session === renamed.stale) {
      session = renamed.fresh;
      headers.set('mcp-session-id', session);
      response = named(await fetch(input, { ...init, headers }), session);
    } else {
      response = await fetch(input, init);
    }
    // The renewal's own notification is never renewed: a server that forgets the new session at
    // once fails the renewal, not starts another.
    if (
      response.status !== 404 ||
      !post ||
      session === null ||
      initialize === undefined ||
      isInitialized(init?.body)
    ) {
      return response;
    }
    if (renewal?.stale !== session) {
      const stale = session;
      const started = {
        stale,
        fresh: startSession(fetch, input, init, initialize).then(async (fresh) => {
          if (fresh === undefined) return undefined;
          const before = renamed;
          renamed = { stale, fresh };
          try {
            await sendInitialized();
            return fresh;
          } catch {
            renamed = before;
            return undefined;
          }
        }),
      };
      renewal = started;
      // A renewal that failed (the server still starting: its handshake refused or dropped) is
      // shared by the requests that failed with it, then forgotten: kept, it answered every later
      // request of the stale id with its failure and no new handshake, though the server was back
      // (attack54).
      const forget = () => {
        if (renewal === started) renewal = undefined;
      };
      started.fresh.then((fresh) => fresh === undefined && forget(), forget);
    }
    const fresh = await renewal.fresh;
    if (fresh === undefined) return response;
    await response.body?.cancel().catch(() => {});
    headers.set('mcp-session-id', fresh);
    return named(await fetch(input, { ...init, headers }), fresh);
  };
}

/**
 * `response`, naming the session `id` when the server names it only at the handshake: the SDK
 * keeps the id an answer names, so the calls after carry the new one.
 */
function named(response: Response, id: string): Response {
  if (response.headers.has('mcp-session-id')) return response;
  const headers = new Headers(response.headers);
  headers.set('mcp-session-id', id);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/** A new session's id, or `undefined` when the server answers the handshake with no session. */
async function startSession(
  fetch: McpFetch,
  input: string | URL,
  init: RequestInit | undefined,
  initialize: string,
): Promise<string | undefined> {
  const headers = new Headers(init?.headers);
  headers.delete('mcp-session-id');
  const answer = await fetch(input, { ...init, headers, body: initialize });
  const id = answer.headers.get('mcp-session-id');
  // The answer itself (the server's capabilities) was read at the first handshake.
  await answer.body?.cancel().catch(() => {});
  return answer.ok && id !== null ? id : undefined;
}

/** Whether a POST body is the handshake's InitializeRequest (a single JSON-RPC message). */
function isInitialize(body: unknown): boolean {
  return methodOf(body, 'initialize');
}

/** Whether a POST body is the handshake's `notifications/initialized`. */
function isInitialized(body: unknown): boolean {
  return methodOf(body, 'notifications/initialized');
}

/** Whether a POST body is a single JSON-RPC message of `method`. */
function methodOf(body: unknown, method: string): boolean {
  if (typeof body !== 'string' || !body.includes(`"${method}"`)) return false;
  try {
    return (JSON.parse(body) as { method?: unknown } | null)?.method === method;
  } catch {
    return false;
  }
}
