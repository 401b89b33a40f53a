import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect, onTestFinished, vi } from 'vitest';
import { rejection } from './rejection.ts';

/**
 * A loopback server that takes every request and never answers it (no headers, no body), for the
 * `idleTimeoutMs` tests: `received` resolves when an unanswered request arrives, `closed` when the
 * client lets go of one (or of a connection it closed before sending one, or before this server
 * read it: a page's Stop sent before the request arrived). Its
 * first `answered` requests get a run's `start` event and then a cut connection (so a stream
 * resumes into the silence). Closed when the test finishes.
 */
export async function silentServer({
  answered = 0,
  path = '/',
}: { answered?: number; path?: string } = {}): Promise<{
  url: string;
  received: Promise<void>;
  closed: Promise<void>;
  requests(): number;
}> {
  let resolveReceived: () => void = () => {};
  const received = new Promise<void>((resolve) => {
    resolveReceived = resolve;
  });
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
    resolveReceived();
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
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    closed,
    requests: () => requests,
  };
}

/** A hang guard only: `'closed'` when `closed` resolves, or `'held'` after 3 s. */
export const within3s = (closed: Promise<void>): Promise<'closed' | 'held'> =>
  Promise.race([
    closed.then(() => 'closed' as const),
    new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 3000)),
  ]);

/**
 * Waits, under `vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })`, until the server has
 * had `count` requests: turn by turn (setImmediate is real), firing only the timers due now (a
 * reconnect's zero delay), since `vi.waitFor` would move the fake clock as it polls. The sockets
 * run as ever, so a bound in fake time starts counting once the request is there, whatever the load.
 */
export async function untilRequests(requests: () => number, count: number): Promise<void> {
  while (requests() < count) {
    await vi.advanceTimersByTimeAsync(0);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * What `start()` rejects with, its idle bound (`boundMs`) counted in fake time from the moment the
 * server has the request: in real time the bound began at the call, and at load 24 it fired before
 * the request reached the server (1 of 41 runs), which then never saw a connection to close. Only
 * `setTimeout`/`clearTimeout` are fake (the sockets run as ever); checks that `boundMs - 1` leaves
 * the wait unsettled.
 */
export async function rejectionAtBound(
  start: () => Promise<unknown>,
  requests: () => number,
  boundMs: number,
): Promise<unknown> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    let settled = false;
    const outcome = rejection(start()).finally(() => {
      settled = true;
    });
    await untilRequests(requests, 1);
    await vi.advanceTimersByTimeAsync(boundMs - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    return await outcome;
  } finally {
    vi.useRealTimers();
  }
}
