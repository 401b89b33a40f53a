import type { McpFetch } from './renew-forgotten-session.ts';

/** Options of {@link oneStreamPerSession}. @internal */
export type OneStreamPerSessionOptions = {
  /** The fetch that sends the requests. */
  readonly fetch: McpFetch;
  /** Told of each GET answered here, with its session's id (for a debug line). */
  readonly onRefused?: ((session: string) => void) | undefined;
};

/**
 * `fetch` that lets a session have one standalone GET stream (the server's own messages) open at
 * a time: a second GET for a session whose stream is still open is answered here with 405, which
 * the MCP SDK's client transport (1.32) reads as "no stream offered" and stops quietly.
 *
 * The second GET came from a session renewal soon after a server restart (leftovers67, attack54b):
 * the restart ended the old session's stream and the SDK scheduled its reconnection (1 s, then
 * 1.5 s); the connection's next call renewed the session (`renewForgottenSession`) and the
 * transport opened the new session's stream; then the reconnection fired, carrying the id the
 * transport now holds, the new session's. The SDK's server allows one standalone stream a session
 * and answered it 409 Conflict, twice, then the SDK gave up: a connection's debug log read "Failed
 * to open SSE stream: Conflict" and "Maximum reconnection attempts (2) exceeded" while its stream
 * was open and every notification arrived. A stream that ended (the server closed it, the
 * connection cut) frees its session: the SDK's reconnection of it goes out as before. @internal
 */
export function oneStreamPerSession({ fetch, onRefused }: OneStreamPerSessionOptions): McpFetch {
  /** Sessions with a standalone stream open, or being opened. */
  const open = new Set<string>();
  return async (input, init) => {
    const session = new Headers(init?.headers).get('mcp-session-id');
    if ((init?.method ?? 'GET') !== 'GET' || session === null) return fetch(input, init);
    if (open.has(session)) {
      onRefused?.(session);
      return new Response(null, { status: 405, statusText: 'Method Not Allowed' });
    }
    // Taken before the request goes out: two GETs sent at once would both find it free.
    open.add(session);
    const free = () => open.delete(session);
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (error) {
      free();
      throw error;
    }
    if (!response.ok || response.body === null) {
      free();
      return response;
    }
    return new Response(untilEnded(response.body, free), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** `body` as it is, calling `ended` once when it ends, fails or is cancelled. */
function untilEnded(
  body: ReadableStream<Uint8Array>,
  ended: () => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          ended();
          controller.close();
        } else controller.enqueue(chunk.value);
      } catch (error) {
        ended();
        controller.error(error);
      }
    },
    cancel(reason) {
      ended();
      return reader.cancel(reason);
    },
  });
}
