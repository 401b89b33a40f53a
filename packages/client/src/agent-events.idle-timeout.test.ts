import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';
import { streamAgent } from './stream-agent.ts';
import { toPageMessage } from './to-page-message.ts';

// A server that sends `start` and then nothing (a dead peer behind a proxy that keeps the
// connection, a hung process) kept the page `streaming` until its Stop (attack45b). `idleTimeoutMs`
// (opt in: a server with `heartbeatMs: 0` and a slow silent tool is legitimate) ends the stream
// with ClientError `idle-timeout` once nothing, not even a `: ping`, came for that long.

const encoder = new TextEncoder();
const frame = (id: number, data: Record<string, unknown>) =>
  encoder.encode(`id: ${id}\ndata: ${JSON.stringify({ path: [], ...data })}\n\n`);
const START = { type: 'start', runId: 'r1', protocol: 1 };
const FINISH = { type: 'finish', outcome: 'completed', cost: null };

/** A route whose answer is written by `write` (each write after `ms`); records its cancel. */
function route(writes: { afterMs: number; bytes: Uint8Array }[]) {
  const seen = { cancelled: false };
  const fetch = async (): Promise<Response> => {
    const timers: ReturnType<typeof setTimeout>[] = [];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let at = 0;
        for (const { afterMs, bytes } of writes) {
          at += afterMs;
          timers.push(setTimeout(() => controller.enqueue(bytes), at));
        }
      },
      cancel() {
        seen.cancelled = true;
        for (const timer of timers) clearTimeout(timer);
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch, seen };
}

describe('idleTimeoutMs', () => {
  it('ends a stream that went quiet with idle-timeout, in page words, the body cancelled', async () => {
    const { fetch, seen } = route([{ afterMs: 0, bytes: frame(0, START) }]);
    const started = Date.now();
    const error = await rejection(streamAgent('http://x/chat', { fetch, idleTimeoutMs: 150 }));
    expect(ClientError.isInstance(error) && error.code).toBe('idle-timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((error as Error).message).toContain('150 ms');
    expect(toPageMessage(error)).toBe('The server went quiet before the run finished; try again.');
    expect(seen.cancelled).toBe(true);
  });

  it('counts a ping as a sign of life: pings every 50 ms keep a 150 ms bound', async () => {
    const ping = encoder.encode(': ping\n\n');
    const { fetch } = route([
      { afterMs: 0, bytes: frame(0, START) },
      ...Array.from({ length: 8 }, () => ({ afterMs: 50, bytes: ping })),
      { afterMs: 50, bytes: frame(1, { type: 'text-delta', stepNumber: 1, text: 'Done.' }) },
      { afterMs: 0, bytes: frame(2, FINISH) },
    ]);
    const result = await streamAgent('http://x/chat', { fetch, idleTimeoutMs: 150 });
    expect(result.text).toBe('Done.');
  });

  it('is off by default: a run silent for a while (a slow tool, no heartbeat) goes on', async () => {
    const { fetch } = route([
      { afterMs: 0, bytes: frame(0, START) },
      { afterMs: 400, bytes: frame(1, { type: 'text-delta', stepNumber: 1, text: 'Late.' }) },
      { afterMs: 0, bytes: frame(2, FINISH) },
    ]);
    expect((await streamAgent('http://x/chat', { fetch })).text).toBe('Late.');
  });

  it('counts only time waiting on the server, not a page slow to take the events', async () => {
    const { fetch } = route([
      { afterMs: 0, bytes: frame(0, START) },
      { afterMs: 0, bytes: frame(1, { type: 'text-delta', stepNumber: 1, text: 'a' }) },
      { afterMs: 0, bytes: frame(2, FINISH) },
    ]);
    const types: string[] = [];
    for await (const event of agentEvents('http://x/chat', { fetch, idleTimeoutMs: 100 })) {
      types.push(event.type);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(types).toEqual(['start', 'text-delta', 'finish']);
  });

  it('takes a bound past a timer`s 32 bits as none (setTimeout would fire at once)', async () => {
    const { fetch } = route([
      { afterMs: 0, bytes: frame(0, START) },
      { afterMs: 100, bytes: frame(1, { type: 'text-delta', stepNumber: 1, text: 'Late.' }) },
      { afterMs: 0, bytes: frame(2, FINISH) },
    ]);
    const result = await streamAgent('http://x/chat', { fetch, idleTimeoutMs: 3_000_000_000 });
    expect(result.text).toBe('Late.');
  });

  it('refuses a bound it cannot use, naming it', async () => {
    for (const idleTimeoutMs of [-1, Number.NaN, 0.5, '100']) {
      const error = await rejection(
        streamAgent('http://x/chat', {
          idleTimeoutMs: idleTimeoutMs as number,
          fetch: async () => new Response(),
        }),
      );
      expect(ClientError.isInstance(error) && [error.code, error.option]).toEqual([
        'invalid-option',
        'idleTimeoutMs',
      ]);
    }
  });
});
