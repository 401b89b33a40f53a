import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createGemini } from '../create-gemini.ts';

// misc64 (attack68a's note: "an aborted 'fetch'-transport request leaves its socket to a later
// loop turn"): a request aborted at any point (before the answer's headers, with its body not
// begun or half sent, a stream after its first chunk, a stream left by `break`) lets its
// connection go: the server sees that socket close although it never ends the answer itself. A
// body nobody cancelled would keep it open for as long as the server holds it (here: for ever),
// so each wait below ends only by the close; its timer is a hang guard, not a measure.

// A full GC between the answer's headers and the abort: Node's fetch follows the signal it was
// given through a WeakRef to its Request (nodejs/node#55428), so once that is collected only the
// transport's own cancel of the body lets the socket go (create-fetch-transport.ts).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

type Hold = 'no-headers' | 'headers-only' | 'half-body' | 'stream-chunk';

/** A server that answers as `hold` says and never ends an answer: each request's socket kept. */
async function holdingServer(hold: Hold) {
  const sockets: Socket[] = [];
  const answers: ServerResponse[] = [];
  let onRequest: (socket: Socket) => void = () => {};
  const server = createServer((request, response) => {
    request.on('error', () => {});
    response.on('error', () => {});
    request.resume();
    request.on('end', () => {
      answers.push(response);
      if (hold === 'headers-only') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        response.flushHeaders();
      } else if (hold === 'half-body') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        response.write('{"candidates":[');
      } else if (hold === 'stream-chunk') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = { candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] } }] };
        response.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
      }
      onRequest(request.socket);
    });
  });
  server.on('connection', (socket) => {
    sockets.push(socket);
    // A client that lets a connection go mid-answer may reset it: that is the close awaited.
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    /** The socket of the next request, once its body was read and the answer began. */
    nextRequest: () =>
      new Promise<Socket>((resolve) => {
        onRequest = resolve;
      }),
  };
}

/** Resolves when `socket` closes; fails after `guardMs` (a hang guard: it never should). */
async function closed(socket: Socket, guardMs = 20_000): Promise<void> {
  if (socket.destroyed) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the aborted request's socket was still open after ${guardMs} ms`)),
      guardMs,
    );
  });
  try {
    // Not `events.once`: it rejects on the 'error' a reset socket emits before it closes.
    const close = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await Promise.race([close, guard]);
  } finally {
    clearTimeout(timer);
  }
}

const REQUEST = { model: 'gemini-2.5-flash', contents: 'Hi' };

describe.each(['fetch', 'node'] as const)(
  'a request aborted mid-way lets its socket go (transport %s)',
  (transport) => {
    it.each(['no-headers', 'headers-only', 'half-body'] as const)(
      'generateContent, the server holding the answer (%s)',
      async (hold) => {
        const server = await holdingServer(hold);
        const gemini = createGemini({ apiKey: 'k', baseUrl: server.url, retry: false, transport });
        for (let round = 0; round < 3; round++) {
          const controller = new AbortController();
          const reason = new Error(`gave up ${round}`);
          const arrived = server.nextRequest();
          let onResponse!: () => void;
          const headersRead = new Promise<void>((resolve) => {
            onResponse = resolve;
          });
          const pending = gemini
            .generateContent(REQUEST, { signal: controller.signal, onResponse })
            .catch((error: unknown) => error);
          const socket = await arrived;
          if (hold !== 'no-headers') await headersRead;
          collectGarbage();
          controller.abort(reason);
          expect(await pending).toBe(reason);
          await closed(socket);
        }
      },
    );

    it('streamGenerateContent aborted after its first chunk', async () => {
      const server = await holdingServer('stream-chunk');
      const gemini = createGemini({ apiKey: 'k', baseUrl: server.url, retry: false, transport });
      for (let round = 0; round < 3; round++) {
        const controller = new AbortController();
        const arrived = server.nextRequest();
        const chunks: unknown[] = [];
        const reading = (async () => {
          for await (const chunk of gemini.streamGenerateContent(REQUEST, {
            signal: controller.signal,
          })) {
            chunks.push(chunk);
            collectGarbage();
            controller.abort(new Error('gave up'));
          }
        })().catch((error: unknown) => error);
        const socket = await arrived;
        expect(await reading).toMatchObject({ message: 'gave up' });
        expect(chunks).toHaveLength(1);
        await closed(socket);
      }
    });

    it('streamGenerateContent left by break after its first chunk', async () => {
      const server = await holdingServer('stream-chunk');
      const gemini = createGemini({ apiKey: 'k', baseUrl: server.url, retry: false, transport });
      for (let round = 0; round < 3; round++) {
        const arrived = server.nextRequest();
        let chunks = 0;
        for await (const _chunk of gemini.streamGenerateContent(REQUEST)) {
          chunks += 1;
          break;
        }
        expect(chunks).toBe(1);
        await closed(await arrived);
      }
    });
  },
);
