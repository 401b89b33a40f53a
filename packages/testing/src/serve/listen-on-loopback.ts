import type { RequestListener, Server } from 'node:http';
import type { AsyncDispose } from '@gemloop/core/internal';

/** A `node:http` server {@link listenOnLoopback} started on 127.0.0.1. */
export type LoopbackServer = {
  /** `http://127.0.0.1:<port>`, no trailing slash: a `baseUrl` for a client, or a redirect's target. */
  url: string;
  port: number;
  /** The `node:http` server itself, for what a test watches beyond its answers (its `connection` events, say). */
  server: Server;
  /**
   * Closes the server and every connection it still holds, an endless answer's socket included
   * (`closeAllConnections()`), and resolves once it is closed. Calling it again returns the same promise.
   */
  close(): Promise<void>;
  /** `close()`: `await using gateway = await listenOnLoopback(...)` closes it when the scope ends. */
  [Symbol.asyncDispose]: AsyncDispose;
};

/**
 * Serves `handler` with `node:http` on 127.0.0.1, on a free port, for tests of a client against a
 * server of your own making: a gateway that redirects, a proxy that answers without end
 * ({@link dripResponse}), an endpoint that lies. Close it with `await using` (the scope's end
 * closes it, a failed assertion too) or with `close()` in an `afterEach`/`afterAll`; a server left
 * open keeps the test process alive. The server never closes an idle keep-alive connection itself
 * (`keepAliveTimeout` 0): its client does, so a client on the same loop that was blocked for a
 * while never writes a request onto a socket the server is destroying. Set
 * `server.keepAliveTimeout` for a test of a server that does. Node only (`node:http`, loaded on
 * the first call): in a browser or a worker it rejects.
 *
 * @example
 * await using gateway = await listenOnLoopback((request, response) => {
 *   request.resume();
 *   response.writeHead(307, { location: 'http://127.0.0.1:9/elsewhere' }).end();
 * });
 * const gemini = createGemini({ apiKey: 'test-key', baseUrl: gateway.url });
 */
export async function listenOnLoopback(handler: RequestListener): Promise<LoopbackServer> {
  const { createServer } = await import('node:http');
  const server = createServer(handler);
  // The server never ends an idle keep-alive connection itself; its client does (undici after 4 s),
  // and `close()` ends them all. A test's client usually runs on the server's own event loop: one
  // blocked past Node's idle limit (5 s, closed at 6 s) has both sides' idle timers overdue when it
  // wakes, undici writes the next request on the kept-alive socket first, then the server's timer
  // destroys it with the request unread, and the client reads a reset (ECONNRESET) for its answer.
  // The A2A door's 413 test built its 33 MiB body for that long at load 24 (flake58), as the fake
  // over HTTP and the msw bridge did before (flake52, load-flakes). Only one side closing leaves no
  // such race; a test of a server that closes idle connections sets `server.keepAliveTimeout`.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    return closing;
  };
  return { url: `http://127.0.0.1:${port}`, port, server, close, [Symbol.asyncDispose]: close };
}
