import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';
import { Agent, type Dispatcher } from 'undici';

/**
 * The header that carries a request's snapshot of the handlers to the bridge server; never shown
 * to a handler.
 */
const SNAPSHOT_HEADER = 'x-gemloop-msw-bridge';

/**
 * Serves a test file's msw handlers over real HTTP, so the node transport (which msw cannot
 * intercept) meets the same handlers as fetch: an undici `Agent` whose sockets go to a local
 * server (except to a real local server: a 127.0.0.1/localhost origin that no handler is
 * registered for, or that a handler names, as the passthrough handlers of the tests do), which turns each request into a fetch `Request` (the
 * URL the client asked for), runs the handlers with msw's `getResponse`, and writes the answer
 * back as it streams. `HttpResponse.error()`, an unhandled request and a body stream that errors
 * reset the connection, as a network failure would.
 *
 * Each request meets the handlers that were current when the client sent it, as msw's own
 * interception does, not those current when the bridge reads it: on a loaded machine (load 20) a
 * request that a test aborted reached the bridge only after the next test had put its handlers in
 * place, and used up that test's first answer (its `sequence(overloaded, ok)` then answered the
 * test's own request with `ok`, and the test waited for a retry that never came). The handlers
 * are looked up as the request is dispatched and named to the server by a header.
 */
export function createMswBridgeDispatcher(handlers: () => readonly RequestHandler[]): Dispatcher {
  const snapshots = new Map<string, readonly RequestHandler[]>();
  let nextSnapshot = 0;
  const ports: Partial<Record<'http:' | 'https:', Promise<number>>> = {};
  const portFor = (protocol: 'http:' | 'https:'): Promise<number> => {
    ports[protocol] ??= listen(protocol, (id) => {
      const snapshot = id === undefined ? undefined : snapshots.get(id);
      if (id !== undefined) snapshots.delete(id);
      return snapshot ?? handlers();
    });
    return ports[protocol];
  };
  const agent = new Agent({
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: (options, callback) => {
      const origin = `${options.protocol}//${options.hostname}:${options.port}`;
      const protocol = options.protocol === 'https:' ? 'https:' : 'http:';
      const target: Promise<number> = isRealLocal(origin, handlers())
        ? Promise.resolve(Number(options.port))
        : portFor(protocol);
      target.then(
        (port) => {
          const socket: Socket = connect(port, '127.0.0.1');
          socket.once('connect', () => callback(null, socket));
          socket.once('error', (error) => callback(error, null));
        },
        (error: Error) => callback(error, null),
      );
    },
  });
  return agent.compose((dispatch) => (options, handler) => {
    const origin = new URL(String(options.origin)).origin;
    const current = handlers();
    // A real local server gets the request as sent: no header of the bridge's.
    if (isRealLocal(origin, current)) return dispatch(options, handler);
    const id = String(++nextSnapshot);
    snapshots.set(id, [...current]);
    return dispatch({ ...options, headers: withHeader(options.headers, id) }, handler);
  });
}

/** Whether requests to `origin` go to a real server of the test rather than to the handlers. */
function isRealLocal(origin: string, current: readonly RequestHandler[]): boolean {
  const { hostname } = new URL(origin);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') return false;
  return (
    current.length === 0 ||
    current.some((handler) => String(handler.info.header).includes(origin))
  );
}

/** The request's headers (any form undici takes) plus the snapshot header. */
function withHeader(
  headers: Dispatcher.DispatchOptions['headers'],
  id: string,
): NonNullable<Dispatcher.DispatchOptions['headers']> {
  if (headers === undefined || headers === null) return { [SNAPSHOT_HEADER]: id };
  if (Array.isArray(headers)) return [...headers, SNAPSHOT_HEADER, id];
  if (Symbol.iterator in headers) {
    return [...(headers as Iterable<[string, string | string[] | undefined]>), [SNAPSHOT_HEADER, id]];
  }
  return { ...headers, [SNAPSHOT_HEADER]: id };
}

async function listen(
  protocol: 'http:' | 'https:',
  handlers: (snapshot: string | undefined) => readonly RequestHandler[],
): Promise<number> {
  const server: Server = createServer((request, response) => {
    answer(protocol, request, response, handlers).catch(() => response.destroy());
  });
  // The bridge never closes an idle connection itself (Node's default closes it after 5 s): a
  // request undici writes on a kept-alive socket just as the server's idle timer ends it fails as
  // a reset, and undici's own idle limit (a fast timer, which a fake clock of an earlier test in
  // the worker may have stopped) is not there to retire the socket first. At load 33-42 a test
  // with retries off read such a reset as the API's answer (2 of 14 runs, helper load-flakes).
  server.keepAliveTimeout = 0;
  // Never keeps a test worker alive, nor do the connections it holds open.
  server.on('connection', (socket) => socket.unref());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  server.unref();
  return (server.address() as { port: number }).port;
}

async function answer(
  protocol: string,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  handlers: (snapshot: string | undefined) => readonly RequestHandler[],
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const snapshot = incoming.headers[SNAPSHOT_HEADER];
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined || name === 'host' || name === 'connection') continue;
    if (name === SNAPSHOT_HEADER) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
  const request = new Request(`${protocol}//${incoming.headers.host}${incoming.url}`, {
    method: incoming.method ?? 'GET',
    headers,
    body: hasBody ? Buffer.concat(chunks) : null,
  });
  const response = await getResponse(
    [...handlers(typeof snapshot === 'string' ? snapshot : undefined)],
    request,
  );
  if (response === undefined || response.type === 'error') {
    outgoing.destroy();
    return;
  }
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  outgoing.writeHead(response.status, responseHeaders);
  outgoing.flushHeaders();
  if (response.body === null) {
    outgoing.end();
    return;
  }
  const reader = response.body.getReader();
  outgoing.once('close', () => {
    reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      outgoing.write(value);
    }
    outgoing.end();
  } catch {
    // A body that errors mid-stream: the connection is cut, as a reset would cut it.
    outgoing.destroy();
  }
}
