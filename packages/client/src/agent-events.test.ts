import { readdirSync, readFileSync } from 'node:fs';
import { createReplayBuffer, toEventStreamResponse } from '@gemloop/core/web';
import { describe, expect, it, vi } from 'vitest';
import { cutAfter } from './__fixtures__/cut-after.ts';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { answerApproval } from './answer-approval.ts';
import { ClientError } from './client-error.ts';
import { streamAgent } from './stream-agent.ts';

const encoder = new TextEncoder();

/** A response whose body is `chunks`, as an event stream. */
function sse(chunks: string[], init: ResponseInit = {}): Response {
  return new Response(
    new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    }),
    { headers: { 'content-type': 'text/event-stream; charset=utf-8' }, ...init },
  );
}

const frame = (id: number, data: object) =>
  `id: ${id}\nevent: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`;
const start = (runId = 'r') => ({ type: 'start', path: [], runId, protocol: 1 });
const text = (t: string) => ({ type: 'text-delta', path: [], stepNumber: 1, text: t });
const finish = {
  type: 'finish',
  path: [],
  outcome: 'completed',
  finishReason: 'stop',
  usage: undefined,
  cost: null,
};

async function collect(iterable: AsyncIterable<{ type: string }>) {
  const out: { type: string }[] = [];
  for await (const event of iterable) out.push(event);
  return out;
}

describe('agentEvents', () => {
  it('reads typed events however the bytes are split; skips comments and unknown types', async () => {
    const body = [
      frame(0, start()),
      ': ping\n\n',
      frame(1, { type: 'from-the-future', path: [], x: 1 }),
      frame(2, text('Hé llo')),
      frame(3, finish),
    ].join('');
    // One byte at a time: events (and a UTF-8 character) cut anywhere.
    const bytes = encoder.encode(body);
    const fetch = async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
            controller.close();
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      );
    const events = await collect(agentEvents('http://x/chat', { fetch }));
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'finish']);
    expect(events[1]).toMatchObject({ text: 'Hé llo' });
  });

  it('streamAgent: a text-retraction replaces its step’s text in result.text, not the others', async () => {
    const delta = (stepNumber: number, t: string) => ({
      type: 'text-delta',
      path: [],
      stepNumber,
      text: t,
    });
    const fetch = async () =>
      sse([
        frame(0, start()),
        frame(1, delta(1, 'Looking it up. ')),
        frame(2, delta(2, 'Call ')),
        frame(3, delta(2, '555-1234')),
        frame(4, { type: 'text-retraction', path: [], stepNumber: 2, text: 'Call [phone]' }),
        frame(5, finish),
      ]);
    const seen: string[] = [];
    const result = await streamAgent('http://x/chat', {
      fetch,
      onEvent: (event) => seen.push(event.type),
    });
    expect(result.text).toBe('Looking it up. Call [phone]');
    expect(seen).toContain('text-retraction');
  });

  it('streamAgent: a retraction of a step that sent no text keeps the steps in order', async () => {
    const delta = (stepNumber: number, t: string) => ({
      type: 'text-delta',
      path: [],
      stepNumber,
      text: t,
    });
    const fetch = async () =>
      sse([
        frame(0, start()),
        frame(1, delta(1, 'One. ')),
        frame(2, delta(3, 'Three.')),
        frame(3, { type: 'text-retraction', path: [], stepNumber: 2, text: 'Two. ' }),
        frame(4, finish),
      ]);
    expect((await streamAgent('http://x/chat', { fetch })).text).toBe('One. Two. Three.');
  });

  it('streamAgent: text events with fields of the wrong type are passed on, not joined', async () => {
    const fetch = async () =>
      sse([
        frame(0, start()),
        frame(1, { type: 'text-delta', stepNumber: 1, text: 'no path ' }),
        frame(2, { type: 'text-delta', path: 'abc', stepNumber: 1, text: 'path a string ' }),
        frame(3, { type: 'text-delta', path: [], stepNumber: 1, text: 5 }),
        frame(4, { type: 'text-retraction', path: [], stepNumber: 1 }),
        frame(5, { type: 'text-delta', path: [], stepNumber: 1, text: 'ok' }),
        frame(6, finish),
      ]);
    const seen: string[] = [];
    const result = await streamAgent('http://x/chat', {
      fetch,
      onEvent: (event) => seen.push(event.type),
    });
    expect(result.text).toBe('ok');
    expect(seen).toHaveLength(7);
  });

  it('sends the body as JSON with POST', async () => {
    const seen: RequestInit[] = [];
    const fetch = async (_url: unknown, init?: RequestInit) => {
      seen.push(init as RequestInit);
      return sse([frame(0, start()), frame(1, finish)]);
    };
    const result = await streamAgent('http://x/chat', { fetch, body: { message: 'Hi' } });
    expect(result).toMatchObject({ runId: 'r', finish: { outcome: 'completed' } });
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"message":"Hi"}' });
    expect(seen[0]?.headers).toMatchObject({ 'content-type': 'application/json' });
  });

  it('resumes a broken connection from core`s replay buffer: every event once, in order', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    async function* run() {
      for (let index = 0; index < 5; index++) {
        yield { type: 'text-delta' as const, path: [], stepNumber: 1, text: `${index},` };
      }
      await held;
      for (let index = 5; index < 10; index++) {
        yield { type: 'text-delta' as const, path: [], stepNumber: 1, text: `${index},` };
      }
    }
    const replay = createReplayBuffer();
    const requests: Headers[] = [];
    const fetch = async (_url: unknown, init?: RequestInit): Promise<Response> => {
      const request = new Request('http://x/chat', init);
      requests.push(request.headers);
      const resumed = replay.resume(request);
      if (resumed !== undefined) {
        release();
        return resumed;
      }
      const response = toEventStreamResponse(Object.assign(run(), { abort() {} }), {
        replay,
        heartbeatMs: 0,
      });
      // The connection breaks after the fourth event.
      return cutAfter(response, 4);
    };
    const result = await streamAgent('http://x/chat', { fetch, reconnectDelayMs: 1 });
    expect(result.text).toBe('0,1,2,3,4,5,6,7,8,9,');
    expect(requests).toHaveLength(2);
    expect(requests[1]?.get('last-event-id')).toBe('3');
    expect(requests[1]?.get('gemloop-run-id')).toBe(result.runId);
  });

  it('gives up with a typed error when the run cannot be resumed (410) or never started', async () => {
    let calls = 0;
    const fetch = async () =>
      ++calls === 1
        ? sse([frame(0, start()), frame(1, text('a'))])
        : new Response('{"error":"gone"}', { status: 410 });
    const error = await rejection(collect(agentEvents('http://x', { fetch, reconnectDelayMs: 1 })));
    expect(ClientError.isInstance(error) && error.code).toBe('resume-unavailable');

    const never = await rejection(
      collect(
        agentEvents('http://x', {
          fetch: async () => sse([]),
          reconnectDelayMs: 1,
        }),
      ),
    );
    expect(ClientError.isInstance(never) && never.code).toBe('connection-lost');
  });

  it('reads handoff and steer events, which protocol version 1 has', async () => {
    const fetch = async () =>
      sse([
        frame(0, start()),
        frame(1, { type: 'handoff', path: [], stepNumber: 1, from: 'triage', to: 'billing' }),
        frame(2, { type: 'steer', path: [], status: 'applied', mode: 'steer', stepNumber: 2 }),
        frame(3, finish),
      ]);
    const events = await collect(agentEvents('http://x', { fetch }));
    expect(events.map((event) => event.type)).toEqual(['start', 'handoff', 'steer', 'finish']);
  });

  it('does not send the request again when the events carry no id (it would start a new run)', async () => {
    let calls = 0;
    const noId = (data: object) => `data: ${JSON.stringify(data)}\n\n`;
    const fetch = async () => {
      calls++;
      return sse([noId(start(`r${calls}`)), noId(text('a'))]);
    };
    const error = await rejection(collect(agentEvents('http://x', { fetch, reconnectDelayMs: 1 })));
    expect(ClientError.isInstance(error) && error.code).toBe('connection-lost');
    expect(calls).toBe(1);
  });

  it('refuses a resumed stream that starts a new run (a server without a replay buffer)', async () => {
    const requests: Headers[] = [];
    const fetch = async (_url: unknown, init?: RequestInit) => {
      requests.push(new Headers(init?.headers));
      const run = `r${requests.length}`;
      // Each request runs anew: ids from 0 again, other text.
      return sse([0, 1, 2].map((id) => frame(id, id === 0 ? start(run) : text(`${run}.${id} `))));
    };
    const seen: string[] = [];
    const error = await rejection(
      streamAgent('http://x', {
        fetch,
        reconnectDelayMs: 1,
        onEvent: (event) => {
          if (event.type === 'text-delta') seen.push(event.text);
        },
      }),
    );
    expect(ClientError.isInstance(error) && error.code).toBe('resume-unavailable');
    expect((error as Error).message).toMatch(/new run \(r2\) instead of resuming run r1/);
    expect(requests[1]?.get('gemloop-run-id')).toBe('r1');
    expect(seen).toEqual(['r1.1 ', 'r1.2 ']);
  });

  it('ends at finish: a server that keeps the connection open or sends more is not read', async () => {
    let cancelled = 0;
    // finish, then an event past it, then nothing (the body never closes).
    const fetch = async () =>
      new Response(
        new ReadableStream({
          start(stream) {
            stream.enqueue(encoder.encode(frame(0, start()) + frame(1, finish)));
            stream.enqueue(encoder.encode(frame(2, text('late'))));
          },
          cancel() {
            cancelled++;
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      );
    const result = await streamAgent('http://x', { fetch });
    expect(result).toMatchObject({ runId: 'r', text: '', finish: { outcome: 'completed' } });
    expect(cancelled).toBe(1);
  });

  it('stops reconnecting after maxReconnects', async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      return sse([frame(0, start())]);
    };
    const error = await rejection(
      collect(agentEvents('http://x', { fetch, maxReconnects: 2, reconnectDelayMs: 1 })),
    );
    expect(ClientError.isInstance(error) && error.code).toBe('connection-lost');
    // A reconnect that brings no new event counts as a failure: 1 + 2 requests.
    expect(calls).toBe(3);
  });

  it('refuses an HTTP error, a body that is not an event stream, and another protocol version', async () => {
    const status = await rejection(
      collect(agentEvents('http://x', { fetch: async () => new Response('no', { status: 500 }) })),
    );
    expect(status).toMatchObject({ code: 'http-status', status: 500 });
    const html = await rejection(
      collect(
        agentEvents('http://x', {
          fetch: async () => new Response('<html>', { headers: { 'content-type': 'text/html' } }),
        }),
      ),
    );
    expect(html).toMatchObject({ code: 'not-an-event-stream' });
    const version = await rejection(
      collect(
        agentEvents('http://x', {
          fetch: async () => sse([frame(0, { ...start(), protocol: 2 })]),
        }),
      ),
    );
    expect(version).toMatchObject({ code: 'protocol' });
    expect((version as Error).message).toMatch(/version 2.*version 1/);
  });

  it('quotes an error body without reading it all (a huge page, or one that never ends)', async () => {
    let pulls = 0;
    // A proxy's 502 whose HTML goes on and on: the first bytes are quoted, the rest not read.
    const endless = () =>
      new Response(
        new ReadableStream({
          pull(controller) {
            // Ends after 1000 chunks only so that a client that reads it all fails, not hangs.
            if (++pulls > 1000) controller.close();
            else controller.enqueue(encoder.encode('<p>bad gateway</p>'.repeat(10)));
          },
        }),
        { status: 502, headers: { 'content-type': 'text/html' } },
      );
    const error = await rejection(
      collect(agentEvents('http://x', { fetch: async () => endless() })),
    );
    expect(error).toMatchObject({ code: 'http-status', status: 502 });
    expect((error as Error).message).toMatch(/^The server answered 502: (<p>bad gateway<\/p>)+/);
    expect((error as Error).message.length).toBeLessThan(400);
    expect(pulls).toBeLessThan(10);
    const approval = await rejection(
      answerApproval(
        'http://x/approvals',
        { approvalId: 'a', decision: 'approve' },
        {
          fetch: async () => endless(),
        },
      ),
    );
    expect(approval).toMatchObject({ code: 'http-status', status: 502 });
  });

  it('throws an HTTP error without its body when the body sends nothing within 1 s', async () => {
    vi.useFakeTimers();
    try {
      let cancelled = 0;
      // A proxy's 503: headers, then not a byte, and the connection kept open.
      const silent = () =>
        new Response(
          new ReadableStream({
            cancel() {
              cancelled++;
            },
          }),
          { status: 503 },
        );
      const settled: unknown[] = [];
      void rejection(collect(agentEvents('http://x', { fetch: async () => silent() }))).then(
        (error) => settled.push(error),
      );
      void rejection(
        answerApproval(
          'http://x/approvals',
          { approvalId: 'a', decision: 'approve' },
          { fetch: async () => silent() },
        ),
      ).then((error) => settled.push(error));
      await vi.advanceTimersByTimeAsync(999);
      expect(settled).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toHaveLength(2);
      expect(settled[0]).toMatchObject({ code: 'http-status', status: 503 });
      expect((settled[0] as Error).message).toBe(
        'The server answered 503: (no body within 1000 ms)',
      );
      expect(settled[1]).toMatchObject({ code: 'http-status', status: 503 });
      expect(cancelled).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('throws the signal`s reason when aborted while an error body is read', async () => {
    const controller = new AbortController();
    const fetch = async (_url: unknown, init?: RequestInit) => {
      const signal = init?.signal as AbortSignal;
      return new Response(
        new ReadableStream({
          start(stream) {
            // Headers, then nothing: the page gives up.
            signal.addEventListener('abort', () => stream.error(signal.reason));
            queueMicrotask(() => controller.abort(new Error('The page left.')));
          },
        }),
        { status: 500 },
      );
    };
    const error = await rejection(
      collect(agentEvents('http://x', { fetch, signal: controller.signal })),
    );
    expect((error as Error).message).toBe('The page left.');
  });

  it('is bounded: an event past maxEventChars, more than maxEvents', async () => {
    const long = await rejection(
      collect(
        agentEvents('http://x', {
          fetch: async () => sse([frame(0, start()), `data: ${'x'.repeat(5000)}`]),
          maxEventChars: 1000,
        }),
      ),
    );
    expect(long).toMatchObject({ code: 'limit' });
    expect((long as Error).message).toMatch(/maxEventChars/);
    const many = await rejection(
      collect(
        agentEvents('http://x', {
          fetch: async () =>
            sse([frame(0, start()), ...[1, 2, 3, 4].map((id) => frame(id, text('a')))]),
          maxEvents: 3,
        }),
      ),
    );
    expect(many).toMatchObject({ code: 'limit' });
  });

  it('refuses a limit or a reconnect option that is not a number it can use, naming it', async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      return sse([frame(0, start()), frame(1, finish)]);
    };
    const cases: [Record<string, number>, string][] = [
      [{ maxEvents: Number.NaN }, 'maxEvents'],
      [{ maxEventChars: Number.NaN }, 'maxEventChars'],
      [{ maxChars: -1 }, 'maxChars'],
      [{ maxEvents: 0 }, 'maxEvents'],
      [{ maxEventChars: 2.5 }, 'maxEventChars'],
      [{ maxReconnects: -1 }, 'maxReconnects'],
      [{ maxReconnects: 1.5 }, 'maxReconnects'],
      [{ reconnectDelayMs: Number.NaN }, 'reconnectDelayMs'],
      [{ reconnectDelayMs: -5 }, 'reconnectDelayMs'],
    ];
    for (const [options, name] of cases) {
      const error = await rejection(collect(agentEvents('http://x', { fetch, ...options })));
      expect(error, name).toMatchObject({ code: 'invalid-option', option: name });
      expect(ClientError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(new RegExp(`^${name} must be `));
    }
    expect(calls).toBe(0);
    // The limits a page can mean: the smallest ones, no reconnects, and Infinity for no limit.
    const events = await collect(
      agentEvents('http://x', {
        fetch,
        maxEvents: Number.POSITIVE_INFINITY,
        maxEventChars: 1000,
        maxChars: Number.POSITIVE_INFINITY,
        maxReconnects: 0,
        reconnectDelayMs: 0,
      }),
    );
    expect(events.map((event) => event.type)).toEqual(['start', 'finish']);
  });

  it('throws the signal`s reason when aborted, and reads no further', async () => {
    const controller = new AbortController();
    const fetch = async (_url: unknown, init?: RequestInit) => {
      const signal = init?.signal as AbortSignal;
      return new Response(
        new ReadableStream({
          start(stream) {
            stream.enqueue(encoder.encode(frame(0, start())));
            signal.addEventListener('abort', () => stream.error(signal.reason));
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      );
    };
    const seen: string[] = [];
    const error = await rejection(
      streamAgent('http://x', {
        fetch,
        signal: controller.signal,
        onEvent: (event) => {
          seen.push(event.type);
          controller.abort(new DOMException('Stopped by the user.', 'AbortError'));
        },
      }),
    );
    expect((error as Error).message).toBe('Stopped by the user.');
    expect(seen).toEqual(['start']);
  });

  it('stops at an abort even when a custom fetch ignores the signal, and cancels the body', async () => {
    // A fetch that drops the signal: its body goes on whatever the page does.
    let cancelled = 0;
    const ignoring = (chunks: string[], close: boolean) => async () =>
      new Response(
        new ReadableStream({
          start(stream) {
            for (const chunk of chunks) stream.enqueue(encoder.encode(chunk));
            if (close) stream.close();
          },
          cancel() {
            cancelled++;
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      );
    // Events already read when the page aborts are not shown.
    const controller = new AbortController();
    const reason = new Error('Stopped by the user.');
    const seen: string[] = [];
    const error = await rejection(
      streamAgent('http://x', {
        fetch: ignoring(
          [[frame(0, start()), frame(1, text('a')), frame(2, text('b'))].join('')],
          true,
        ),
        signal: controller.signal,
        onEvent: (event) => {
          seen.push(event.type);
          controller.abort(reason);
        },
      }),
    );
    expect(error).toBe(reason);
    expect(seen).toEqual(['start']);

    // A body that sends nothing more: the iteration ends at the abort, not never.
    const second = new AbortController();
    const events = agentEvents('http://x', {
      fetch: ignoring([frame(0, start())], false),
      signal: second.signal,
    })[Symbol.asyncIterator]();
    expect((await events.next()).value).toMatchObject({ type: 'start' });
    // Aborted while the iteration waits on the body.
    const next = events.next().then(
      () => 'resolved',
      (thrown: unknown) => thrown,
    );
    await Promise.resolve();
    second.abort(reason);
    // The abort settles it in microtasks: before any timer, however loaded the machine.
    const settled = await Promise.race([
      next,
      new Promise((resolve) => setTimeout(resolve, 0, 'still waiting')),
    ]);
    expect(settled).toBe(reason);
    // The open body (the first one had ended: nothing to cancel).
    expect(cancelled).toBe(1);
  });

  it('imports nothing of @gemloop/core at run time (types only)', () => {
    const dir = new URL('./', import.meta.url);
    for (const file of readdirSync(dir).filter(
      (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'),
    )) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      for (const match of source.matchAll(
        /^(import|export)\s+(type\s+)?[^;]*?from '(@gemloop\/[^']+)'/gms,
      )) {
        expect(match[2], `${file}: ${match[0]}`).toBe('type ');
      }
    }
  });
});
