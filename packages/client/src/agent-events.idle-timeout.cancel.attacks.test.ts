import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { agentEvents } from './agent-events.ts';

// A Stop said out loud (the cancel POST of a cancellable run) waited for its answer without any
// bound: a server that took the cancel and never answered held one of the browser's six
// connections to its host for as long as it liked. `idleTimeoutMs` bounds it as it bounds the
// run's own requests (viewer57 left it). Real loopback server, Node's own fetch.

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/**
 * Streams `start` (cancellable) and a text, then holds the stream; takes a cancel POST and never
 * answers it, resolving `cancelClosed` when the client lets go of that request.
 */
async function holdingServer(): Promise<{ url: string; cancelClosed: Promise<void> }> {
  let resolveClosed: () => void = () => {};
  const cancelClosed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  server = createServer((request, response) => {
    request.resume();
    if (request.headers['gemloop-cancel'] === '1') {
      response.on('close', () => resolveClosed());
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const event = (id: number, data: unknown) => `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
    response.write(
      event(0, { type: 'start', runId: 'r1', protocol: 1, path: [], cancellable: true }),
    );
    response.write(event(1, { type: 'text-delta', text: 'Hi', path: [] }));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`, cancelClosed };
}

/** Stops the page at the first text; returns how the unanswered cancel ended within `ms`. */
async function stopAtFirstText(idleTimeoutMs: number | undefined, ms: number) {
  const { url, cancelClosed } = await holdingServer();
  const page = new AbortController();
  try {
    for await (const event of agentEvents(url, {
      signal: page.signal,
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    })) {
      if (event.type === 'text-delta') page.abort();
    }
  } catch {
    // The page's own Stop.
  }
  return Promise.race([
    cancelClosed.then(() => 'closed' as const),
    new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), ms)),
  ]);
}

describe('idleTimeoutMs and a cancel the server never answers', () => {
  it('lets go of the cancel request once the bound passes', async () => {
    // Hang guard only: 3 s against a bound of 200 ms.
    expect(await stopAtFirstText(200, 3000)).toBe('closed');
  });

  it('without the option, the cancel waits as before (the bound is opt-in)', async () => {
    expect(await stopAtFirstText(undefined, 500)).toBe('held');
  });
});
