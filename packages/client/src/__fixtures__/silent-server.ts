import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * A loopback server that takes every request and never answers it (no headers, no body), for the
 * `idleTimeoutMs` tests: `closed` resolves when the client lets go of an unanswered request (or
 * of a connection it closed before sending one, or before this server read it). Its
 * first `answered` requests get a run's `start` event and then a cut connection (so a stream
 * resumes into the silence). Closed when the test finishes.
 */
export async function silentServer({
  answered = 0,
  path = '/',
}: { answered?: number; path?: string } = {}): Promise<{
  url: string;
  closed: Promise<void>;
  requests(): number;
}> {
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let requests = 0;
  // The connections that carried an answered request: theirs is not the unanswered one.
  const answeredOn = new WeakSet<Socket>();
  const server = createServer((request, response) => {
    request.resume();
    if (requests++ < answered) {
      answeredOn.add(request.socket);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(
        `id: 0\ndata: ${JSON.stringify({ type: 'start', runId: 'r1', protocol: 1, path: [] })}\n\n`,
      );
      return;
    }
    response.on('close', () => resolveClosed());
  });
  // A client that lets go before this server has read its request (the page's Stop or the bound
  // firing first on a loaded machine: the server shares the test's event loop) closes a
  // connection that never became a request, so no response's 'close' would ever say so.
  server.on('connection', (socket) => {
    socket.on('close', () => {
      if (!answeredOn.has(socket)) resolveClosed();
    });
  });
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${path}`, closed, requests: () => requests };
}

/** A hang guard only: `'closed'` when `closed` resolves, or `'held'` after 3 s. */
export const within3s = (closed: Promise<void>): Promise<'closed' | 'held'> =>
  Promise.race([
    closed.then(() => 'closed' as const),
    new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 3000)),
  ]);
