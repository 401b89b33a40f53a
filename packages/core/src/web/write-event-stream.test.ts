import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { createReplayBuffer } from './replay-buffer.ts';
import { writeEventStream } from './write-event-stream.ts';

const servers: Server[] = [];
afterEach(async () => {
  // closeAllConnections: the client's pool keeps an idle socket to the server open until its own
  // keep-alive timer ends (about 3 s with the global fetch), and `close()` waited for it.
  await Promise.all(
    servers.splice(0).map((server) => {
      const closed = new Promise((r) => server.close(r));
      server.closeAllConnections();
      return closed;
    }),
  );
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('writeEventStream (node:http)', () => {
  it('streams a run and resumes it from Last-Event-ID through the replay buffer', async () => {
    const fake = createFakeGemini({ script: [turn.text('Hello from the fake model.')] });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const replay = createReplayBuffer();
    const url = await listen(
      createServer((request, response) => {
        const resumed = replay.resume(request);
        void writeEventStream(response, resumed ?? agent.stream('Hi'), {
          replay,
          runId: 'node-1',
        });
      }),
    );
    const response = await fetch(url, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(await readBody(response.body as ReadableStream<Uint8Array>)).events;
    expect(events.map((event) => event.data.type).join('')).toContain('text-delta');
    expect(events.at(-1)?.data.outcome).toBe('completed');

    const again = await fetch(url, {
      method: 'POST',
      headers: { 'gemloop-run-id': 'node-1', 'last-event-id': '1' },
    });
    const rest = parseSse(await readBody(again.body as ReadableStream<Uint8Array>)).events;
    expect(rest.map((event) => event.id)).toEqual(events.slice(2).map((event) => event.id));
  });

  it('waits out backpressure with one drain and one close listener for the whole stream', async () => {
    // A response whose every write is refused until it drains, drained a tick later: a slow
    // client on a long stream. Each wait used to add a listener pair that stayed until the end.
    const emitter = new EventEmitter();
    const written: Uint8Array[] = [];
    let ended = false;
    let mostListeners = 0;
    const response = {
      writeHead: () => undefined,
      write(chunk: Uint8Array) {
        written.push(chunk);
        setImmediate(() => emitter.emit('drain'));
        mostListeners = Math.max(
          mostListeners,
          emitter.listenerCount('drain') + emitter.listenerCount('close'),
        );
        return false;
      },
      end() {
        ended = true;
      },
      on(event: 'close' | 'drain', listener: () => void) {
        emitter.on(event, listener);
      },
    };
    const pieces = Array.from({ length: 40 }, (_, index) => `data: ${index}\n\n`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(new TextEncoder().encode(piece));
        controller.close();
      },
    });
    await writeEventStream(response, new Response(body));
    expect(written.map((chunk) => new TextDecoder().decode(chunk))).toEqual(pieces);
    expect(ended).toBe(true);
    expect(mostListeners).toBe(2);
  });

  it('aborts the run quietly when the client disconnects', async () => {
    let markAborted: () => void = () => {};
    const aborted = new Promise<void>((resolve) => (markAborted = resolve));
    const slow = defineTool({
      name: 'slow',
      description: 'Waits.',
      parameters: z.object({}),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener(
            'abort',
            () => {
              markAborted();
              reject(signal.reason);
            },
            { once: true },
          );
        }),
    });
    const fake = createFakeGemini({ script: [turn.call('slow'), turn.text('Never.')] });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [slow] });
    const onError = vi.fn();
    let result: Promise<unknown> | undefined;
    let written: Promise<void> | undefined;
    const url = await listen(
      createServer((_request, response) => {
        const stream = agent.stream('Go');
        result = stream.result.catch((error: unknown) => error);
        written = writeEventStream(response, stream, { onError });
      }),
    );
    const controller = new AbortController();
    const response = await fetch(url, { method: 'POST', signal: controller.signal });
    await readBody(response.body as ReadableStream<Uint8Array>, (text) =>
      text.includes('event: tool-call'),
    ).catch(() => '');
    controller.abort();
    await aborted;
    expect(((await result) as Error).name).toBe('AgentAbortedError');
    await written; // resolves, never rejects
    expect(onError).not.toHaveBeenCalled();
  });
});
