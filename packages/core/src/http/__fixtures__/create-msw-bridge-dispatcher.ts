import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';
import { Agent } from 'undici';

/**
 * Serves a test file's msw handlers over real HTTP, so the node transport (which msw cannot
 * intercept) meets the same handlers as fetch: an undici `Agent` whose sockets go to a local
 * server (except to a real local server: a 127.0.0.1/localhost origin that no handler is
 * registered for, or that a handler names, as the passthrough handlers of the tests do), which turns each request into a fetch `Request` (the
 * URL the client asked for), runs the handlers with msw's `getResponse`, and writes the answer
 * back as it streams. `HttpResponse.error()`, an unhandled request and a body stream that errors
 * reset the connection, as a network failure would.
 */
export function createMswBridgeDispatcher(handlers: () => readonly RequestHandler[]): Agent {
  const ports: Partial<Record<'http:' | 'https:', Promise<number>>> = {};
  const portFor = (protocol: 'http:' | 'https:'): Promise<number> => {
    ports[protocol] ??= listen(protocol, handlers);
    return ports[protocol];
  };
  return new Agent({
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: (options, callback) => {
      const isLocal = options.hostname === '127.0.0.1' || options.hostname === 'localhost';
      const origin = `${options.protocol}//${options.hostname}:${options.port}`;
      const current = handlers();
      const local =
        isLocal &&
        (current.length === 0 ||
          current.some((handler) => String(handler.info.header).includes(origin)));
      const protocol = options.protocol === 'https:' ? 'https:' : 'http:';
      const target: Promise<number> = local
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
}

async function listen(
  protocol: 'http:' | 'https:',
  handlers: () => readonly RequestHandler[],
): Promise<number> {
  const server: Server = createServer((request, response) => {
    answer(protocol, request, response, handlers).catch(() => response.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // Never keeps a test worker alive.
  server.unref();
  return (server.address() as { port: number }).port;
}

async function answer(
  protocol: string,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  handlers: () => readonly RequestHandler[],
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined || name === 'host' || name === 'connection') continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
  const request = new Request(`${protocol}//${incoming.headers.host}${incoming.url}`, {
    method: incoming.method ?? 'GET',
    headers,
    body: hasBody ? Buffer.concat(chunks) : null,
  });
  const response = await getResponse([...handlers()], request);
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
