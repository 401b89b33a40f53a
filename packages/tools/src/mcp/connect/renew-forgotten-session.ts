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
 * then `notifications/initialized` with the new one, and sends the request once more with it;
 * the answer names the new id (`Mcp-Session-Id`), which the SDK keeps for the calls after. Bounded:
 * one renewal per failed request, shared by the requests that failed with the same id at once;
 * a retried request answered 404 again, or a renewal the server refuses, fails as before (the
 * first 404). A GET (the server's own stream) or DELETE is left as it was. @internal
 */
export function renewForgottenSession(fetch: McpFetch): McpFetch {
  /** The handshake's InitializeRequest, as sent. */
  let initialize: string | undefined;
  /** The renewal of the session `stale`, shared by the requests it failed at once. */
  let renewal: { stale: string; fresh: Promise<string | undefined> } | undefined;
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    const session = headers.get('mcp-session-id');
    const post = init?.method === 'POST';
    if (post && session === null && initialize === undefined && isInitialize(init?.body)) {
      initialize = init?.body as string;
    }
    const response = await fetch(input, init);
    if (response.status !== 404 || !post || session === null || initialize === undefined) {
      return response;
    }
    if (renewal?.stale !== session) {
      renewal = { stale: session, fresh: startSession(fetch, input, init, initialize) };
    }
    const fresh = await renewal.fresh;
    if (fresh === undefined) return response;
    await response.body?.cancel().catch(() => {});
    headers.set('mcp-session-id', fresh);
    const retried = await fetch(input, { ...init, headers });
    if (retried.headers.has('mcp-session-id')) return retried;
    // The SDK keeps the id an answer names: named here when the server names it only at the
    // handshake, so the calls after carry the new one.
    const named = new Headers(retried.headers);
    named.set('mcp-session-id', fresh);
    return new Response(retried.body, {
      status: retried.status,
      statusText: retried.statusText,
      headers: named,
    });
  };
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
  if (!answer.ok || id === null) return undefined;
  headers.set('mcp-session-id', id);
  const initialized = await fetch(input, {
    ...init,
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  await initialized.body?.cancel().catch(() => {});
  return initialized.ok ? id : undefined;
}

/** Whether a POST body is the handshake's InitializeRequest (a single JSON-RPC message). */
function isInitialize(body: unknown): boolean {
  if (typeof body !== 'string' || !body.includes('"initialize"')) return false;
  try {
    return (JSON.parse(body) as { method?: unknown } | null)?.method === 'initialize';
  } catch {
    return false;
  }
}
