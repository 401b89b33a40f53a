import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';
import { streamAgent } from './stream-agent.ts';
import { toPageMessage } from './to-page-message.ts';

// `idleTimeoutMs` bounded each read of the body only: a server that accepts the request and never
// sends its response headers held the page until its Stop, `fetch`'s one signal being the page's
// (leftovers55). Real loopback server, Node's own fetch.

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/**
 * A server that answers its first `answered` requests with `start` and then a cut connection
 * (so the client resumes), and never answers the rest; resolves `closed` when the client lets go
 * of an unanswered one.
 */
async function silentServer(answered = 0): Promise<{ url: string; closed: Promise<void> }> {
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let requests = 0;
  server = createServer((request, response) => {
    request.resume();
    if (requests++ < answered) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(
        `id: 0\ndata: ${JSON.stringify({ type: 'start', runId: 'r1', protocol: 1, path: [] })}\n\n`,
      );
      return;
    }
    response.on('close', () => resolveClosed());
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`, closed };
}

/** Hang guard only: `closed`, or `'held'` after 3 s. */
const within3s = (closed: Promise<void>) =>
  Promise.race([
    closed.then(() => 'closed' as const),
    new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 3000)),
  ]);

describe('idleTimeoutMs and a server that never answers', () => {
  it('ends the wait for the headers with idle-timeout, in page words, the connection closed', async () => {
    const { url, closed } = await silentServer();
    const started = Date.now();
    const error = await rejection(streamAgent(url, { idleTimeoutMs: 200 }));
    expect(ClientError.isInstance(error) && error.code).toBe('idle-timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((error as Error).message).toContain('200 ms');
    expect(toPageMessage(error)).toBe('The server went quiet before the run finished; try again.');
    expect(await within3s(closed)).toBe('closed');
  });

  it('bounds a reconnect the same way: idle-timeout, not another try', async () => {
    const { url, closed } = await silentServer(1);
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const event of agentEvents(url, { idleTimeoutMs: 200, reconnectDelayMs: 0 })) {
          seen.push(event.type);
        }
      })(),
    );
    expect(seen).toEqual(['start']);
    expect(ClientError.isInstance(error) && error.code).toBe('idle-timeout');
    expect(await within3s(closed)).toBe('closed');
  });

  it('leaves the Stop to the page: aborted before the bound, the reason is the page’s', async () => {
    const { url, closed } = await silentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user left')), 50);
    const error = await rejection(
      streamAgent(url, { idleTimeoutMs: 2000, signal: controller.signal }),
    );
    expect((error as Error).message).toBe('user left');
    expect(await within3s(closed)).toBe('closed');
  });

  it('is off by default: a wait longer than any bound here goes on until the Stop', async () => {
    const { url, closed } = await silentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stopped')), 400);
    const error = await rejection(streamAgent(url, { signal: controller.signal }));
    expect((error as Error).message).toBe('stopped');
    expect(await within3s(closed)).toBe('closed');
  });
});
