import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';

// attack-doors9: a server that answers 500 forever (a crash loop behind a proxy), with a body
// of 50 MB that never ends: does a page reconnect without bound, or read the whole body?

const encoder = new TextEncoder();

/** A body of `total` bytes of 'x' in 64 KB pieces, made as it is read; `pulled()` counts bytes. */
function hugeBody(total: number) {
  let sent = 0;
  const piece = encoder.encode('x'.repeat(65_536));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) controller.close();
      else {
        sent += piece.length;
        controller.enqueue(piece);
      }
    },
  });
  return { body, pulled: () => sent };
}

/** A run's start, then the body ends before finish: the connection dropped, a resume follows. */
const startThenDrop = (): Response =>
  new Response(
    `id: 0\ndata: ${JSON.stringify({ type: 'start', path: [], runId: 'run-a', protocol: 1 })}\n\n`,
    { headers: { 'content-type': 'text/event-stream' } },
  );

describe('agentEvents against a server that answers 500 forever', () => {
  it('the first request: one request, an http-status error, the 50 MB body read for its first 300 characters only', async () => {
    let requests = 0;
    let pulled = () => 0;
    const fetch = (async () => {
      requests += 1;
      const huge = hugeBody(50_000_000);
      pulled = huge.pulled;
      return new Response(huge.body, { status: 500, headers: { 'content-type': 'text/html' } });
    }) as typeof globalThis.fetch;
    const error = await rejection(
      (async () => {
        for await (const _ of agentEvents('http://127.0.0.1:9/chat', {
          fetch,
          reconnectDelayMs: 1,
        })) {
          // never reached
        }
      })(),
    );
    expect(ClientError.isInstance(error) && error.code).toBe('http-status');
    expect((error as ClientError).status).toBe(500);
    expect((error as Error).message.length).toBeLessThan(400);
    expect(requests).toBe(1);
    expect(pulled()).toBeLessThan(1_000_000);
  });

  it('a resume answered 500 forever: one resume, then http-status; never a reconnect loop', async () => {
    let requests = 0;
    const fetch = (async () => {
      requests += 1;
      if (requests === 1) return startThenDrop();
      return new Response('<html><script>alert(1)</script>Internal error</html>', { status: 500 });
    }) as typeof globalThis.fetch;
    const seen: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const event of agentEvents('http://127.0.0.1:9/chat', {
          fetch,
          reconnectDelayMs: 1,
          maxReconnects: 1_000,
        })) {
          seen.push(event);
        }
      })(),
    );
    expect(seen).toHaveLength(1);
    expect(ClientError.isInstance(error) && error.code).toBe('http-status');
    expect(requests).toBe(2);
  });

  it('a resume whose connection is refused forever stops after maxReconnects, and at once when the page aborts', async () => {
    let requests = 0;
    const abort = new AbortController();
    const fetch = (async () => {
      requests += 1;
      if (requests === 1) return startThenDrop();
      if (requests === 4) abort.abort(new Error('page closed'));
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    const error = await rejection(
      (async () => {
        for await (const _ of agentEvents('http://127.0.0.1:9/chat', {
          fetch,
          reconnectDelayMs: 1,
          maxReconnects: 1_000,
          signal: abort.signal,
        })) {
          // the start only
        }
      })(),
    );
    expect((error as Error).message).toBe('page closed');
    expect(requests).toBe(4);
  });
});
