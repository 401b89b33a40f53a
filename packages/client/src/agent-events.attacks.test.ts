import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';

// What a hostile or broken server (or whatever answers at the URL: a proxy, a captive portal)
// can send a page. Every attack goes through the public `agentEvents`.

const encoder = new TextEncoder();
const frame = (id: number, data: object) => `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
const start = (runId: unknown = 'run-a') => ({ type: 'start', path: [], runId, protocol: 1 });
const text = (t: string) => ({ type: 'text-delta', path: [], stepNumber: 1, text: t });

type Sent = { headers: Record<string, string> };

/** A fetch that answers each request with the next body of `bodies`, recording the requests. */
function server(bodies: string[]): { fetch: typeof globalThis.fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch = async (_url: unknown, init?: RequestInit) => {
    sent.push({ headers: { ...(init?.headers as Record<string, string>) } });
    const body = bodies.shift() ?? '';
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

/** What `run` throws or rejects with; fails the test when it finishes instead. */
function failure(run: () => Promise<unknown>): Promise<unknown> {
  return rejection(run());
}

async function drain(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

describe('agentEvents attacked by a hostile server', () => {
  it('a second start claiming another run id is a protocol error: never shown, never resumed or cancelled by that id', async () => {
    const { fetch, sent } = server([
      // The connection then drops: a client that took run-b as its run would resume it.
      frame(0, start('run-a')) + frame(1, text('mine')) + frame(2, start('run-b')),
      frame(3, text('theirs')),
    ]);
    const seen: unknown[] = [];
    const error = await failure(async () => {
      for await (const event of agentEvents('http://x/chat', { fetch, reconnectDelayMs: 0 })) {
        seen.push(event);
      }
    });
    expect(ClientError.isInstance(error) && error.code).toBe('protocol');
    expect((error as Error).message).toMatch(/second `start`/);
    expect(seen.map((event) => (event as { type: string }).type)).toEqual(['start', 'text-delta']);
    expect(sent.map((request) => request.headers['gemloop-run-id'])).toEqual([undefined]);
  });

  it.each([
    ['a number', 42],
    ['an object', { toString: 'x' }],
    ['an empty string', ''],
    ['a 10,000-character string', 'r'.repeat(10_000)],
  ])(
    'a start whose run id is %s is a protocol error, not a header of "[object Object]"',
    async (_, runId) => {
      const { fetch, sent } = server([frame(0, start(runId)) + frame(1, text('x'))]);
      const error = await failure(() =>
        drain(agentEvents('http://x/chat', { fetch, reconnectDelayMs: 0 })),
      );
      expect(ClientError.isInstance(error) && error.code).toBe('protocol');
      expect((error as Error).message).toMatch(/run id/);
      expect(sent).toHaveLength(1);
    },
  );

  it('one 100 MB event (no line end ever) fails with limit after about maxEventChars, the body cancelled', async () => {
    let pulled = 0;
    let cancelled = false;
    const chunk = encoder.encode('a'.repeat(64 * 1024));
    const fetch = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('data: '));
          },
          pull(controller) {
            if (pulled >= 100 * 1024 * 1024) return controller.close();
            pulled += chunk.length;
            controller.enqueue(chunk);
          },
          cancel() {
            cancelled = true;
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      )) as typeof globalThis.fetch;
    const error = await failure(() => drain(agentEvents('http://x/chat', { fetch })));
    expect(ClientError.isInstance(error) && error.code).toBe('limit');
    expect(pulled).toBeLessThan(4 * 1024 * 1024);
    expect(cancelled).toBe(true);
  });

  it('a stream of keep-alive comments that never ends is stopped by the signal at once, the body cancelled', async () => {
    let cancelled = false;
    const fetch = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode(frame(0, start())));
          },
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 1));
            controller.enqueue(encoder.encode(': ping\n\n'));
          },
          cancel() {
            cancelled = true;
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      )) as typeof globalThis.fetch;
    const controller = new AbortController();
    const events: unknown[] = [];
    const error = await failure(async () => {
      for await (const event of agentEvents('http://x/chat', {
        fetch,
        signal: controller.signal,
      })) {
        events.push(event);
        setTimeout(() => controller.abort(new Error('stopped by the page')), 20);
      }
    });
    expect((error as Error).message).toBe('stopped by the page');
    expect(events).toHaveLength(1);
    expect(cancelled).toBe(true);
  });

  it('malformed SSE (data that is not JSON, a field without a colon, a bare CR) is a protocol error or skipped, never a crash', async () => {
    const { fetch } = server([
      `${frame(0, start())}garbage-line-without-colon\n\r\r${frame(1, text('ok'))}data: {not json\n\n`,
    ]);
    const seen: unknown[] = [];
    const error = await failure(async () => {
      for await (const event of agentEvents('http://x/chat', { fetch, maxReconnects: 0 })) {
        seen.push(event);
      }
    });
    expect(ClientError.isInstance(error) && error.code).toBe('protocol');
    expect((error as Error).message).toMatch(/not JSON/);
    expect(seen.map((event) => (event as { type: string }).type)).toEqual(['start', 'text-delta']);
  });

  it.each([
    ['100,000 characters', 'x'.repeat(100_000)],
    ['not a number', 'abc'],
    ['past 2^53 (every later id would read as already seen)', '99999999999999999999'],
    ['negative', '-5'],
  ])(
    'an event id of %s is a protocol error: never sent back as Last-Event-ID, no resume point',
    async (_, id) => {
      // Outside attack (attack-doors5): ids were taken as they came, so a stream cut after such
      // an id was resumed with it as a header (100 KB), and a huge number hid every later event.
      const { fetch, sent } = server([
        `${frame(0, start())}id: ${id}\ndata: ${JSON.stringify(text('x'))}\n\n`,
        frame(2, text('rest')),
      ]);
      const points: unknown[] = [];
      const seen: unknown[] = [];
      const error = await failure(async () => {
        for await (const event of agentEvents('http://x/chat', {
          fetch,
          reconnectDelayMs: 0,
          onResumePoint: (point) => points.push(point),
        })) {
          seen.push(event);
        }
      });
      expect(ClientError.isInstance(error) && error.code).toBe('protocol');
      expect((error as Error).message).toMatch(/event id/);
      expect((error as Error).message.length).toBeLessThan(400);
      expect(seen.map((event) => (event as { type: string }).type)).toEqual(['start']);
      expect(sent).toHaveLength(1);
      expect(points).toEqual([{ runId: 'run-a', lastEventId: '0' }]);
    },
  );
});

// attack-doors6: what the SSE format itself lets a server say.
describe('agentEvents against a hostile server, sixth pass', () => {
  const finish = { type: 'finish', path: [], outcome: 'completed', finishReason: 'stop' };

  it.each([
    ['-1', '-1'],
    ['1e12 ms', '1000000000000'],
    ['text', 'soon'],
  ])(
    'a retry: of %s is ignored: the client reconnects after its own delay and finishes',
    async (_, retry) => {
      const { fetch, sent } = server([
        `retry: ${retry}\n\n${frame(0, start())}${frame(1, text('a'))}`,
        `retry: ${retry}\n\n${frame(2, text('b'))}${frame(3, finish)}`,
      ]);
      const events = await drain(agentEvents('http://x/chat', { fetch, reconnectDelayMs: 0 }));
      expect(events.map((event) => (event as { type: string }).type)).toEqual([
        'start',
        'text-delta',
        'text-delta',
        'finish',
      ]);
      expect(sent.map((request) => request.headers['last-event-id'])).toEqual([undefined, '1']);
    },
  );

  it('ids that go backwards are not shown again and do not move the resume point back', async () => {
    const { fetch, sent } = server([
      frame(0, start()) + frame(5, text('a')) + frame(3, text('replayed')) + frame(4, text('x')),
      frame(2, text('old')) + frame(6, text('b')) + frame(7, finish),
    ]);
    const events = await drain(agentEvents('http://x/chat', { fetch, reconnectDelayMs: 0 }));
    expect(
      events.flatMap((event) =>
        (event as { text?: string }).text === undefined ? [] : [(event as { text: string }).text],
      ),
    ).toEqual(['a', 'b']);
    expect(sent.map((request) => request.headers['last-event-id'])).toEqual([undefined, '5']);
  });

  it('200,000 events in one chunk end in a limit error past maxEvents, not a frozen page', async () => {
    const flood = frame(0, start()) + 'data: {"type":"nope"}\n\n'.repeat(200_000);
    const { fetch } = server([flood]);
    let seen = 0;
    const error = await failure(async () => {
      for await (const _ of agentEvents('http://x/chat', { fetch, reconnectDelayMs: 0 })) seen++;
    });
    expect(ClientError.isInstance(error) && error.code).toBe('limit');
    // Unknown types are skipped but counted: only the start was shown.
    expect(seen).toBe(1);
  });

  it('a resumed stream whose first event is a finish (no start, no id) ends the run; a finish before any start is shown once', async () => {
    const { fetch, sent } = server([
      `data: ${JSON.stringify(finish)}\n\n${frame(9, text('late'))}`,
    ]);
    const events = await drain(
      agentEvents('http://x/chat', {
        fetch,
        reconnectDelayMs: 0,
        resume: { runId: 'run-a', lastEventId: '3' },
      }),
    );
    expect(events).toEqual([finish]);
    expect(sent).toHaveLength(1);
  });
});

describe('agentEvents and a server that drops every connection after one event', () => {
  // A real server on 127.0.0.1 (doors-policy): each connection sends one new event, then the
  // socket is destroyed, for as long as the client comes back (a `finish` only at the 50th). The
  // reconnect count used to reset at every new event, so the client reconnected without bound.
  it('gives up after maxReconnects with connection-lost, instead of reconnecting forever', async () => {
    const { createServer } = await import('node:http');
    let connections = 0;
    const lastIds: (string | undefined)[] = [];
    const hostile = createServer((request, response) => {
      connections += 1;
      lastIds.push(request.headers['last-event-id'] as string | undefined);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const id = connections - 1;
      const data =
        id === 0
          ? start()
          : id >= 50
            ? { type: 'finish', path: [], outcome: 'completed', finishReason: 'stop', cost: null }
            : text(`t${id}`);
      response.write(frame(id, data), () => response.destroy());
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = hostile.address() as { port: number };
      const seen: unknown[] = [];
      const error = await failure(async () => {
        for await (const event of agentEvents(`http://127.0.0.1:${port}/chat`, {
          maxReconnects: 3,
          reconnectDelayMs: 1,
        })) {
          seen.push(event);
        }
      });
      expect(ClientError.isInstance(error) && error.code).toBe('connection-lost');
      expect((error as Error).message).toMatch(/3 reconnects in a row.*maxReconnects/);
      // The first request and three reconnects, each resuming after the last event it got.
      expect(connections).toBe(4);
      expect(lastIds).toEqual([undefined, '0', '1', '2']);
      expect(seen).toHaveLength(4);
    } finally {
      hostile.closeAllConnections();
      await new Promise<void>((resolve) => hostile.close(() => resolve()));
    }
  });
});
