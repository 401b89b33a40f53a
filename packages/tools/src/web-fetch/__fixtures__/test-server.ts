import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A route of the test server. */
export type Route = (request: IncomingMessage, response: ServerResponse, server: TestServer) => void;

/** One request the server saw. */
export type SeenRequest = { path: string; headers: IncomingHttpHeaders };

/** A real HTTP server on 127.0.0.1 for web fetch tests. */
export type TestServer = {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  requests: SeenRequest[];
  /** Bytes each path's responses wrote before the client went away or the response ended. */
  bytesWritten: Map<string, number>;
  /** Resolves when the response for `path` closes (ended or cut by the client). */
  closed: (path: string) => Promise<{ finished: boolean }>;
  close: () => Promise<void>;
};

/** Starts a server with the given routes (by pathname); unknown paths answer 404. */
export async function startTestServer(routes: Record<string, Route>): Promise<TestServer> {
  const waiters = new Map<string, Array<(value: { finished: boolean }) => void>>();
  const outcomes = new Map<string, { finished: boolean }>();
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    state.requests.push({ path, headers: request.headers });
    const write = response.write.bind(response);
    response.write = ((chunk: Buffer | string, ...rest: never[]) => {
      state.bytesWritten.set(path, (state.bytesWritten.get(path) ?? 0) + Buffer.byteLength(chunk));
      return write(chunk, ...rest);
    }) as typeof response.write;
    response.once('close', () => {
      const outcome = { finished: response.writableFinished };
      outcomes.set(path, outcome);
      for (const resolve of waiters.get(path) ?? []) resolve(outcome);
      waiters.delete(path);
    });
    const route = routes[path];
    if (route === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    route(request, response, state);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests: [],
    bytesWritten: new Map(),
    closed: (path) => {
      const known = outcomes.get(path);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        waiters.set(path, [...(waiters.get(path) ?? []), resolve]);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return state;
}
