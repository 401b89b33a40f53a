import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { discardRequestRest } from '@gemloop/core/internal';
import { fakeMisdirected, fakeRequestTooLarge } from '../script/fake-errors.ts';
import type { FakeHttpRequest, FakeReply } from '../state/fake-state.ts';
import { DEFAULT_FAKE_MAX_BODY_BYTES } from './fake-max-body-bytes.ts';

/** Where a fake server listens. */
export type FakeServerAddress = {
  /** The base URL to give the client, e.g. `http://127.0.0.1:53211` (no trailing slash). */
  url: string;
  host: string;
  port: number;
};

/** The options of the fake's `listen()` (documented on `FakeGemini.listen`). @internal */
export type ListenOptions = {
  port?: number | undefined;
  host?: string | undefined;
  cors?: boolean | undefined;
  maxBodyBytes?: number | undefined;
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
    maxBodyBytes = DEFAULT_FAKE_MAX_BODY_BYTES,
  }: ListenOptions,
): Promise<FakeHttpServer> {
  const { createServer } = await import('node:http');
  const loopbackOnly = isLoopbackName(host);
  const server: Server = createServer((request, response) => {
    // Bound to a loopback address, the fake answers loopback names only: a web page whose own
    // name was pointed at 127.0.0.1 (DNS rebinding) would otherwise read its answers as
    // same-origin, the prompts kept in caches and interactions among them.
    if (loopbackOnly && !isLoopbackName(hostnameOf(request.headers.host))) {
      refuseOtherHost(request, response);
      return;
    }
    if (cors && allowCrossOrigin(request, response)) return;
    // A declared length past the bound is refused before a byte of the body is read.
    if (Number(request.headers['content-length']) > maxBodyBytes) {
      refuseTooLarge(request, response, maxBodyBytes);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.byteLength;
      if (size > maxBodyBytes) {
        // A chunked body (no content-length) that grows past the bound.
        refused = true;
        chunks.length = 0;
        refuseTooLarge(request, response, maxBodyBytes);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (refused) return;
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
  // The fake never ends an idle keep-alive connection itself; its client does (undici after 4 s).
  // With Node's default (5 s, closed at 6 s, sent as `Keep-Alive: timeout=5`, which undici reads
  // as 3 s from its own read of the answer), a client whose read came over 3 s late on a loaded
  // loop sent its next request on the socket as the server's timer fired, and the server destroyed
  // the socket with the request unread: ECONNRESET (many-runs-abort-storm at load 60-88; made at
  // will in serve-fake-over-http.keep-alive.test.ts). Only one side closing leaves no such race.
  server.keepAliveTimeout = 0;
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

/** Whether `host` (an address or a name, IPv6 with or without brackets) is this machine only. */
function isLoopbackName(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    bare === '::ffff:127.0.0.1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)
  );
}

/** The name of a Host header without its port (`[::1]:80` is `[::1]`), lower-cased. */
function hostnameOf(header: string | undefined): string {
  const host = (header ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** Answers 421 (RFC 9110 15.5.20: not the server for this name) with a Google error body. */
function refuseOtherHost(request: IncomingMessage, response: ServerResponse): void {
  const { status, body } = fakeMisdirected();
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(JSON.stringify(body));
  request.resume();
}

/**
 * Answers 413 with a Google error body, then reads and drops the rest of the body (bounded)
 * before it ends the answer and the connection (its answer says so), as the doors do: closed
 * with the body unread, the kernel's reset could erase the 413 before a client that reads only
 * once its body is sent had it (the socket was destroyed 2 s after the answer: a real-time race).
 */
function refuseTooLarge(
  request: IncomingMessage,
  response: ServerResponse,
  maxBodyBytes: number,
): void {
  const { status, body } = fakeRequestTooLarge(maxBodyBytes);
  const text = JSON.stringify(body);
  // Whole, with its length: a client still sending (or one that never ends its body) reads the
  // complete answer at once, while the end waits for the rest to be dropped.
  response.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  response.write(text);
  void discardRequestRest(request).then(() => response.end());
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
