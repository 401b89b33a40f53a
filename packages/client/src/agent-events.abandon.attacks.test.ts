import { describe, expect, it } from 'vitest';
import { agentEvents } from './agent-events.ts';

// A page that walks away from streams, a thousand times (attack-doors7): what `useAgentChat` does
// on each unmount, stop and send-over-a-running-send. Each stream left behind must leave nothing
// behind: no listener on the page's long-lived signal, no body still open, one cancel request for
// a run the server keeps (`cancellable`), none for one it does not.

const encoder = new TextEncoder();
const frame = (id: number, data: object) => `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
const text = (t: string) => ({ type: 'text-delta', path: [], stepNumber: 1, text: t });

/** A signal that counts the abort listeners left on it. */
function countedSignal(signal: AbortSignal) {
  let live = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  const listeners = new Set<unknown>();
  signal.addEventListener = ((type: string, listener: unknown, options?: unknown) => {
    if (type === 'abort' && !listeners.has(listener)) {
      listeners.add(listener);
      live += 1;
    }
    add(type, listener as EventListener, options as AddEventListenerOptions);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: unknown, options?: unknown) => {
    if (type === 'abort' && listeners.delete(listener)) live -= 1;
    remove(type, listener as EventListener, options as EventListenerOptions);
  }) as typeof signal.removeEventListener;
  return { signal, live: () => live };
}

/**
 * A server whose every run streams `start` and one delta, then stays open; counts the bodies
 * still open and the cancel requests. Runs are `cancellable` when `replay` is on.
 */
function openServer(replay: boolean) {
  let open = 0;
  let runs = 0;
  const cancels: string[] = [];
  const fetch = async (_url: unknown, init?: RequestInit) => {
    const headers = init?.headers as Record<string, string>;
    if (headers['gemloop-cancel'] === '1') {
      cancels.push(headers['gemloop-run-id'] as string);
      return new Response(null, { status: 204 });
    }
    runs += 1;
    const runId = `run-${runs}`;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        open += 1;
        controller.enqueue(
          encoder.encode(
            frame(0, {
              type: 'start',
              path: [],
              runId,
              protocol: 1,
              ...(replay ? { cancellable: true } : {}),
            }) + frame(1, text('Hel')),
          ),
        );
      },
      cancel() {
        open -= 1;
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, open: () => open, cancels, runs: () => runs };
}

const turns = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('agentEvents left mid-stream 1,000 times (attack-doors7)', () => {
  it('broken out of on one long-lived signal: no listener, no open body left', async () => {
    const server = openServer(false);
    const page = countedSignal(new AbortController().signal);
    for (let index = 0; index < 1000; index += 1) {
      for await (const event of agentEvents('http://x/chat', {
        fetch: server.fetch,
        signal: page.signal,
      })) {
        if (event.type === 'text-delta') break;
      }
    }
    await turns();
    expect(page.live()).toBe(0);
    expect(server.open()).toBe(0);
    expect(server.runs()).toBe(1000);
    expect(server.cancels).toEqual([]);
  });

  it.each([
    [true, 'cancellable: one cancel request per run'],
    [false, 'not cancellable: no cancel request'],
  ])('aborted by its own signal (a hook unmounted), %s: %s', async (replay) => {
    const server = openServer(replay);
    const stops: Promise<unknown>[] = [];
    for (let index = 0; index < 1000; index += 1) {
      const controller = new AbortController();
      const page = countedSignal(controller.signal);
      const reading = (async () => {
        for await (const event of agentEvents('http://x/chat', {
          fetch: server.fetch,
          signal: page.signal,
        })) {
          if (event.type === 'text-delta') controller.abort();
        }
      })().then(
        () => 'ended',
        (error: unknown) => (error as Error).name,
      );
      stops.push(reading.then((how) => [how, page.live()]));
    }
    const outcomes = await Promise.all(stops);
    await turns();
    expect(new Set(outcomes.map((outcome) => JSON.stringify(outcome)))).toEqual(
      new Set([JSON.stringify(['AbortError', 0])]),
    );
    expect(server.open()).toBe(0);
    expect(server.cancels).toHaveLength(replay ? 1000 : 0);
    expect(new Set(server.cancels).size).toBe(server.cancels.length);
  });
});
