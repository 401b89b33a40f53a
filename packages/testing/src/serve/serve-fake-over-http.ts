import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FakeHttpRequest, FakeReply } from '../state/fake-state.ts';

/** Where a fake server listens. */
export type FakeServerAddress = {
  /** The base URL to give the client, e.g. `http://127.0.0.1:53211` (no trailing slash). */
  url: string;
  host: string;
  port: number;
};

/** A running node HTTP server of the fake. @internal */
export type FakeHttpServer = FakeServerAddress & { close(): Promise<void> };

/**
 * Serves the fake on a real port with `node:http` (loaded when first listening, so importing the
 * testing module stays cheap and free of node-only imports). Stream faults act on the socket: a
 * `connection-reset` destroys it after the delivered events.
 * @internal
 */
export async function serveFakeOverHttp(
  handle: (request: FakeHttpRequest) => Promise<FakeReply>,
  {
    port = 0,
    host = '127.0.0.1',
    cors = false,
  }: { port?: number | undefined; host?: string | undefined; cors?: boolean | undefined },
): Promise<FakeHttpServer> {
  const { createServer } = await import('node:http');
  const server: Server = createServer((request, response) => {
    if (cors && allowCrossOrigin(request, response)) return;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw =
        chunks.length === 0
          ? undefined
          : chunks.length === 1
            ? (chunks[0] as Buffer)
            : Buffer.concat(chunks);
      handle({
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        headers: flattenHeaders(request),
        body: raw === undefined ? '' : raw.toString('utf8'),
        bytes: raw,
      }).then(
        (reply) => writeReply(request, response, reply),
        (error: unknown) => {
          // A bug of the fake itself: say so plainly rather than hang the client.
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(`gemloop fake server error: ${String(error)}`);
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}`,
    host,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive and half-written streams would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/**
 * CORS for a page on another origin (a browser test): every answer may be read, and a preflight
 * (OPTIONS) is answered here, allowing whatever method and headers it asks for. Returns whether
 * the request was a preflight, answered.
 */
function allowCrossOrigin(request: IncomingMessage, response: ServerResponse): boolean {
  response.setHeader('access-control-allow-origin', '*');
  response.setHeader('access-control-expose-headers', '*');
  if (request.method !== 'OPTIONS') return false;
  response.writeHead(204, {
    'access-control-allow-methods': request.headers['access-control-request-method'] ?? 'POST',
    'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
    'access-control-max-age': '600',
  });
  response.end();
  request.resume();
  return true;
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in request.headers) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function writeReply(
  request: IncomingMessage,
  response: ServerResponse,
  reply: FakeReply,
): Promise<void> {
  if (reply.delayMs > 0) await sleep(reply.delayMs);
  if (reply.end === 'reset' && reply.pieces.length === 0) {
    request.socket.destroy();
    return;
  }
  response.writeHead(reply.status, reply.headers);
  const paced = reply.chunkDelayMs > 0 || reply.end === 'reset';
  if (!paced && reply.pieces.length === 1) {
    response.end(reply.pieces[0]);
    return;
  }
  for (let index = 0; index < reply.pieces.length; index++) {
    if (index > 0 && reply.chunkDelayMs > 0) await sleep(reply.chunkDelayMs);
    if (response.destroyed) return;
    const piece = reply.pieces[index] as string;
    // Wait for the bytes to leave before a reset, so the client sees exactly these events.
    if (paced) await new Promise<void>((resolve) => response.write(piece, () => resolve()));
    else response.write(piece);
  }
  if (reply.end === 'reset') request.socket.destroy();
  else response.end();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
