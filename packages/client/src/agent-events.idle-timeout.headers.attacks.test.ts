import { describe, expect, it, vi } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import {
  rejectionAtBound,
  silentServer,
  untilRequests,
  within3s,
} from './__fixtures__/silent-server.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';
import { streamAgent } from './stream-agent.ts';
import { toPageMessage } from './to-page-message.ts';

// `idleTimeoutMs` bounded each read of the body only: a server that accepts the request and never
// sends its response headers held the page until its Stop, `fetch`'s one signal being the page's
// (leftovers55). Real loopback server, Node's own fetch.

describe('idleTimeoutMs and a server that never answers', () => {
  it('ends the wait for the headers with idle-timeout, in page words, the connection closed', async () => {
    const { url, closed, requests } = await silentServer({ path: '/chat' });
    const error = await rejectionAtBound(
      () => streamAgent(url, { idleTimeoutMs: 200 }),
      requests,
      200,
    );
    expect(ClientError.isInstance(error) && error.code).toBe('idle-timeout');
    expect((error as Error).message).toContain('200 ms');
    expect(toPageMessage(error)).toBe('The server went quiet before the run finished; try again.');
    expect(await within3s(closed)).toBe('closed');
  });

  it('bounds a reconnect the same way: idle-timeout, not another try', async () => {
    const { url, closed, requests } = await silentServer({ answered: 1, path: '/chat' });
    // The 200 ms in fake time, moved once the reconnect has reached the server: in real time they
    // also bounded the first request, which must be answered, and at load 20 its headers came
    // later than that (`seen` stayed empty). Only setTimeout is fake: the sockets run as ever.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const seen: string[] = [];
      let settled = false;
      const outcome = rejection(
        (async () => {
          for await (const event of agentEvents(url, { idleTimeoutMs: 200, reconnectDelayMs: 0 })) {
            seen.push(event.type);
          }
        })(),
      ).finally(() => {
        settled = true;
      });
      await untilRequests(requests, 2);
      expect(seen).toEqual(['start']);
      await vi.advanceTimersByTimeAsync(199);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const error = await outcome;
      expect(seen).toEqual(['start']);
      expect(ClientError.isInstance(error) && error.code).toBe('idle-timeout');
      expect(requests()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
    expect(await within3s(closed)).toBe('closed');
  });

  it('leaves the Stop to the page: aborted before the bound, the reason is the page’s', async () => {
    const { url, closed, received } = await silentServer({ path: '/chat' });
    const controller = new AbortController();
    // The Stop once the server holds the request: 50 ms on the wall clock came before the request
    // reached the server at load 25 (15 of 41 runs), and `closed` never came (flake58).
    void received.then(() => controller.abort(new Error('user left')));
    const error = await rejection(
      streamAgent(url, { idleTimeoutMs: 30_000, signal: controller.signal }),
    );
    expect((error as Error).message).toBe('user left');
    expect(await within3s(closed)).toBe('closed');
  });

  it('is off by default: a wait longer than any bound here goes on until the Stop', async () => {
    const { url, closed, received } = await silentServer({ path: '/chat' });
    const controller = new AbortController();
    // 400 ms of silence from the request's arrival (not from the call: see the test above).
    void received.then(() => setTimeout(() => controller.abort(new Error('stopped')), 400));
    const error = await rejection(streamAgent(url, { signal: controller.signal }));
    expect((error as Error).message).toBe('stopped');
    expect(await within3s(closed)).toBe('closed');
  });
});
