import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createBrotliCompress, createDeflate, createGzip, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { transientNetworkErrors } from '../../errors/get-network-error-code.ts';
import { ResponseTooLargeError } from '../../errors/response-too-large-error.ts';
import { StreamError } from '../../errors/stream-error.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import { sseEvent, TEST_KEY, textResponse } from '../__fixtures__/test-server.ts';
import { createAttemptSignal } from '../attempts/create-attempt-signal.ts';
import { createGemini } from '../create-gemini.ts';
import { createNodeTransport, loadUndici, loadUndiciRoot } from './create-node-transport.ts';
import type { TransportOption } from './transport.ts';

// The node transport's own promises over real sockets (the shared suites prove the rest on both
// transports; see the core-node-transport test project). Each case runs on both transports.
const TRANSPORTS: readonly TransportOption[] = ['node', 'fetch'];
const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

// A full GC on demand, without --expose-gc on the worker: a limit must not depend on what a GC
// collects (Node's fetch follows a Request's signal through a WeakRef, nodejs/node#55428).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Each way of sending: the two transports, and an injected fetch that makes its own Request. */
const SENDERS = {
  node: { transport: 'node' },
  fetch: { transport: 'fetch' },
  'an injected fetch': {
    fetch: (input: string | URL | Request, init?: RequestInit) =>
      globalThis.fetch(new Request(input, init)),
  },
} as const;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/**
 * A local server; `sockets` counts the connections it accepted, `closed` the responses whose
 * connection closed before they ended (the client let go of them).
 */
async function serve(handler: Handler) {
  const state = { sockets: 0, closed: 0, requests: 0, headers: [] as IncomingMessage['headers'][] };
  const server = createServer((incoming, outgoing) => {
    state.requests++;
    state.headers.push(incoming.headers);
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) state.closed++;
    });
    incoming.resume();
    incoming.on('end', () => handler(incoming, outgoing));
  });
  server.on('connection', () => {
    state.sockets++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { state, baseUrl };
}

async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition() && turn < 2_000; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  expect(condition()).toBe(true);
}

/** The node transport's reader of `body`, handed back by a `request` that answers 200 with it. */
async function readerOf(body: Readable) {
  const transport = createNodeTransport(
    {
      ...(await loadUndici()),
      request: (async () => ({ statusCode: 200, headers: {}, body })) as never,
    },
    { dispatcher: {} as never },
  );
  const response = await transport.send({
    url: 'http://127.0.0.1:9/v1beta/models/m:streamGenerateContent?alt=sse',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: createAttemptSignal({ timeoutMs: 5_000 }),
  });
  return response.reader() as NonNullable<ReturnType<typeof response.reader>>;
}

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const json = (outgoing: ServerResponse, body: unknown): void => {
  outgoing.writeHead(200, { 'content-type': 'application/json' });
  outgoing.end(JSON.stringify(body));
};

describe('node transport', () => {
  it('refuses a content coding it cannot decode, naming it and the header to remove', async () => {
    const { baseUrl } = await serve((_in, out) => {
      out.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'compress' });
      out.end('not really compressed');
    });
    const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport: 'node', retry: false });
    const error = await caught(() =>
      gemini.generateContent(request, { headers: { 'accept-encoding': 'compress' } }),
    );
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('content-encoding: compress');
    expect((error as Error).message).toContain('gzip, deflate and br');
    expect((error as Error).message).toContain('accept-encoding');
  });

  it("loads undici's agent and request files, not its package root", async () => {
    const parts = await loadUndici();
    expect(parts.from).toBe('files');
    // The CommonJS cache is shared with import(): the same objects prove the same files.
    const require = createRequire(import.meta.url);
    expect(parts.Agent).toBe(require('undici/lib/dispatcher/agent.js'));
    expect(parts.request).toBe(require('undici/lib/api/api-request.js'));
    // In a fresh process: those files load far fewer of undici's modules than its root does. One
    // process counts both: the root requires those two files itself, so what is cached after it
    // is what the root alone loads (110 either way with undici 7.30; one node start fewer).
    const count = "Object.keys(require.cache).filter((k)=>k.includes('undici')).length";
    const [files, root] = execFileSync(
      process.execPath,
      [
        '-e',
        "require('undici/lib/dispatcher/agent.js');require('undici/lib/api/api-request.js');" +
          `const files=${count};require('undici');console.log(files, ${count})`,
      ],
      { cwd: fileURLToPath(new URL('.', import.meta.url)) },
    )
      .toString()
      .trim()
      .split(' ')
      .map(Number);
    expect(files).toBeGreaterThan(5);
    expect(files! * 3).toBeLessThan(root!);
  });

  it('rejects the reads of a body that failed before its reader was made, not hanging', async () => {
    const { baseUrl } = await serve((_in, out) => {
      out.writeHead(200, { 'content-type': 'text/event-stream' });
      out.write(sseEvent(textResponse('lost')));
      setTimeout(() => out.socket?.resetAndDestroy(), 5);
    });
    // undici's body, kept to wait for its own failure: a real 100 ms wait for the reset was too
    // short at load ~30 (the read got the chunk, not the error).
    const parts = await loadUndici();
    let body: Readable | undefined;
    const transport = createNodeTransport({
      ...parts,
      request: async function (this: unknown, options: unknown) {
        const answer = await (
          parts.request as (options: unknown) => Promise<{ body: Readable }>
        ).call(this, options);
        body = answer.body;
        return answer;
      } as typeof parts.request,
    });
    const response = await transport.send({
      url: `${baseUrl}/v1beta/models/m:streamGenerateContent?alt=sse`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: createAttemptSignal({ timeoutMs: 5_000 }),
    });
    // The reset lands while nobody reads the body.
    await finished(body as Readable).catch(() => {});
    expect(body?.errored).toBeTruthy();
    const reader = response.reader() as NonNullable<ReturnType<typeof response.reader>>;
    const error = await caught(() => reader.read());
    // The reset reaches the reader as the socket's ECONNRESET or, by timing, as undici's
    // UND_ERR_SOCKET ("other side closed": undici saw the socket close before its error; once in
    // a fresh clone's CI run). Both are the connection's own error; the client retries both.
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain((error as { code?: unknown }).code);
    expect(transientNetworkErrors[(error as { code: string }).code]).toBeDefined();
    await expect(reader.read()).rejects.toBe(error);
  });

  it('holds no more of an endless body than its high-water mark while its reader falls behind', async () => {
    // A streamed answer's consumer may be slower than the connection (a long answer over
    // loopback): what waits for it is bounded by the body's own mark (64 KB for undici's), the
    // socket paused behind it. A reader in flowing mode without that pause would take the whole
    // answer into memory (bench/RESULTS.md, "Peak RSS of the long stream, third pass").
    const highWaterMark = 64 * 1024;
    const chunk = 16 * 1024;
    let produced = 0;
    const body = new Readable({
      highWaterMark,
      // A chunk a turn of the event loop, as a socket delivers them (a synchronous push in
      // flowing mode would never give the test a turn back).
      read() {
        setImmediate(() => {
          produced += chunk;
          this.push(Buffer.alloc(chunk));
        });
      },
    });
    const reader = await readerOf(body);
    expect((await reader.read()).done).toBe(false);
    await until(() => body.readableLength >= highWaterMark);
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(produced).toBeLessThanOrEqual(highWaterMark + 2 * chunk);
    // Reading on takes the rest as it is made.
    for (let read = 0; read < 40; read++) expect((await reader.read()).done).toBe(false);
    expect(produced).toBeGreaterThan(40 * chunk);
    await reader.cancel();
    expect(body.destroyed).toBe(true);
  });

  it('works with the parts of either way of loading undici', async () => {
    const { baseUrl } = await serve((_in, out) => json(out, textResponse('ok')));
    for (const parts of [await loadUndici(), await loadUndiciRoot()]) {
      const transport = createNodeTransport(parts);
      const response = await transport.send({
        url: `${baseUrl}/v1beta/models/m:generateContent`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        signal: createAttemptSignal({ timeoutMs: 5_000 }),
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(await response.text())).toEqual(textResponse('ok'));
    }
  });
});

for (const transport of TRANSPORTS) {
  describe(`${transport} transport over a real socket`, () => {
    it('stops at a Content-Length past maxResponseBytes without reading the body', async () => {
      const { state, baseUrl } = await serve((_in, out) => {
        out.writeHead(200, { 'content-type': 'application/json', 'content-length': 50_000_000 });
        out.write('{"candidates":[');
      });
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport, maxResponseBytes: 1000 });
      const error = await caught(() => gemini.generateContent(request));
      expect(ResponseTooLargeError.isInstance(error)).toBe(true);
      expect((error as ResponseTooLargeError).receivedBytes).toBe(50_000_000);
      await until(() => state.closed === 1);
    });

    it('keeps connections alive across calls, and sends the key only in its header', async () => {
      const { state, baseUrl } = await serve((_in, out) => json(out, textResponse('ok')));
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport });
      for (let call = 0; call < 10; call++) await gemini.generateContent(request);
      expect(state.requests).toBe(10);
      // A call that follows at once may find its socket not yet back in the pool.
      expect(state.sockets).toBeLessThanOrEqual(2);
      expect(state.headers[0]?.['x-goog-api-key']).toBe(TEST_KEY);
      expect(state.headers[0]?.['content-type']).toBe('application/json');
    });

    it('types a connection reset mid-stream as a StreamError of reason connection, not retried', async () => {
      const { state, baseUrl } = await serve((_in, out) => {
        out.writeHead(200, { 'content-type': 'text/event-stream' });
        out.write(sseEvent(textResponse('first')));
        setTimeout(() => out.socket?.resetAndDestroy(), 20);
      });
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport });
      const texts: unknown[] = [];
      const error = await caught(async () => {
        for await (const chunk of gemini.streamGenerateContent(request)) {
          texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text);
        }
      });
      expect(texts).toEqual(['first']);
      expect(StreamError.isInstance(error)).toBe(true);
      expect((error as StreamError).reason).toBe('connection');
      expect((error as StreamError).chunksDelivered).toBe(1);
      expect(state.requests).toBe(1);
      expect(JSON.stringify(error)).not.toContain(TEST_KEY);
    });

    it('closes the connection when the consumer breaks out of an endless stream', async () => {
      const { state, baseUrl } = await serve((_in, out) => {
        out.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => out.write(sseEvent(textResponse('more'))), 5);
        out.on('close', () => clearInterval(timer));
      });
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport });
      let seen = 0;
      for await (const _ of gemini.streamGenerateContent(request)) {
        if (++seen === 2) break;
      }
      await until(() => state.closed === 1);
    });

    it('rejects with the abort reason mid-stream and closes the connection', async () => {
      const { state, baseUrl } = await serve((_in, out) => {
        out.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => out.write(sseEvent(textResponse('more'))), 5);
        out.on('close', () => clearInterval(timer));
      });
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport });
      const controller = new AbortController();
      const reason = new Error('stop streaming');
      let seen = 0;
      const error = await caught(async () => {
        for await (const _ of gemini.streamGenerateContent(request, {
          signal: controller.signal,
        })) {
          if (++seen === 2) setTimeout(() => controller.abort(reason), 0);
        }
      });
      expect(error).toBe(reason);
      await until(() => state.closed === 1);
    });

    it('rejects with the abort reason while waiting for the headers', async () => {
      const { baseUrl } = await serve(() => {});
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport });
      const controller = new AbortController();
      const reason = new Error('never mind');
      setTimeout(() => controller.abort(reason), 20);
      const error = await caught(() =>
        gemini.generateContent(request, { signal: controller.signal }),
      );
      expect(error).toBe(reason);
    });

    it('times out a stream that goes idle between chunks, and closes the connection', async () => {
      const { state, baseUrl } = await serve((_in, out) => {
        out.writeHead(200, { 'content-type': 'text/event-stream' });
        out.write(sseEvent(textResponse('first')));
      });
      // The limit is fake time, moved once the first chunk is in: a real one had to be long enough
      // that the headers and the first chunk came first on a loaded machine (100 ms timed out
      // before the headers at load 30; 1 s was this test's whole wall). The idle wait after the
      // first chunk is what fails; the server and the connection run for real.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      let error: unknown;
      try {
        const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport, timeoutMs: 1_000 });
        const chunks = gemini.streamGenerateContent(request)[Symbol.asyncIterator]();
        expect((await chunks.next()).done).toBe(false);
        const next = caught(() => chunks.next());
        await vi.advanceTimersByTimeAsync(999);
        expect(await Promise.race([next, 'pending'])).toBe('pending');
        await vi.advanceTimersByTimeAsync(1);
        error = await next;
      } finally {
        vi.useRealTimers();
      }
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('the next chunk after 1');
      await until(() => state.closed === 1);
    });

    it('decodes a gzip, deflate or br body it did not ask for, unary and streamed', async () => {
      // Some gateways and proxies compress whatever the request asked.
      const encoders = {
        gzip: () => createGzip(),
        deflate: () => createDeflate(),
        br: () => createBrotliCompress(),
      };
      for (const [encoding, encoder] of Object.entries(encoders)) {
        const { state, baseUrl } = await serve((incoming, out) => {
          const stream = incoming.url?.includes('alt=sse') === true;
          out.writeHead(200, {
            'content-type': stream ? 'text/event-stream' : 'application/json',
            'content-encoding': encoding,
          });
          const compress = encoder();
          compress.pipe(out);
          if (!stream) return void compress.end(JSON.stringify(textResponse(`unary ${encoding}`)));
          // Each event flushed on its own: the client decodes it as it arrives.
          compress.write(sseEvent(textResponse('one')));
          compress.flush(() => setTimeout(() => compress.end(sseEvent(textResponse('two'))), 5));
        });
        const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport, retry: false });
        const response = await gemini.generateContent(request);
        expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe(`unary ${encoding}`);
        const texts: unknown[] = [];
        for await (const chunk of gemini.streamGenerateContent(request)) {
          texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text);
        }
        expect(texts, encoding).toEqual(['one', 'two']);
        // The node transport asks for no compression at all; the server compressed anyway.
        if (transport === 'node') expect(state.headers[0]?.['accept-encoding']).toBeUndefined();
      }
    });

    it('says a body that does not decode as its content-encoding is that, not an unreachable host', async () => {
      const { baseUrl } = await serve((incoming, out) => {
        const stream = incoming.url?.includes('alt=sse') === true;
        out.writeHead(200, {
          'content-type': stream ? 'text/event-stream' : 'application/json',
          'content-encoding': 'gzip',
        });
        out.end('this is not gzip at all');
      });
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport, retry: false });
      const unary = await caught(() => gemini.generateContent(request));
      expect(ApiCallError.isInstance(unary)).toBe(true);
      expect((unary as ApiCallError).status).toBe(200);
      expect((unary as ApiCallError).isRetryable).toBe(false);
      const streamed = await caught(async () => {
        for await (const _ of gemini.streamGenerateContent(request)) {
          // Never reached.
        }
      });
      expect(StreamError.isInstance(streamed)).toBe(true);
      for (const error of [unary, streamed]) {
        const { message } = error as Error;
        expect(message).toContain('could not be decoded');
        expect(message).toContain('content-encoding: gzip');
        expect(message).toContain('incorrect header check (Z_DATA_ERROR)');
        expect(message).not.toContain('could not reach');
        // No fetch option was given: none to check.
        expect(message).not.toContain('fetch');
      }
    });

    it('stops a gzip bomb at the byte caps, which count the decoded bytes', async () => {
      // 64 gzip members of 1 MiB of spaces each: 64 MiB decoded from about 64 KiB sent.
      const member = gzipSync(Buffer.alloc(1024 * 1024, ' '), { level: 9 });
      const bomb = (prefix: string) => Buffer.concat([gzipSync(prefix), ...Array(64).fill(member)]);
      const { baseUrl } = await serve((incoming, out) => {
        const stream = incoming.url?.includes('alt=sse') === true;
        out.writeHead(200, {
          'content-type': stream ? 'text/event-stream' : 'application/json',
          'content-encoding': 'gzip',
        });
        out.end(bomb(stream ? 'data: {"candidates":' : '{"candidates":'));
      });
      const cap = 1024 * 1024;
      const gemini = createGemini({
        apiKey: TEST_KEY,
        baseUrl,
        transport,
        retry: false,
        maxResponseBytes: cap,
        maxStreamBytes: cap,
      });
      const unary = await caught(() => gemini.generateContent(request));
      const streamed = await caught(async () => {
        for await (const _ of gemini.streamGenerateContent(request)) {
          // Never reached.
        }
      });
      for (const error of [unary, streamed]) {
        expect(ResponseTooLargeError.isInstance(error)).toBe(true);
        expect((error as ResponseTooLargeError).maxBytes).toBe(cap);
        // Read as far as the cap (and one decoded read past it), not all 64 MiB.
        expect((error as ResponseTooLargeError).receivedBytes).toBeGreaterThan(cap);
        expect((error as ResponseTooLargeError).receivedBytes).toBeLessThan(4 * cap);
      }
    });

    it('keeps the last usage of a stream cut or stalled after five chunks, marked partial', async () => {
      const usage = (chunk: number) => ({
        promptTokenCount: 12,
        candidatesTokenCount: chunk * 4,
        totalTokenCount: 12 + chunk * 4,
      });
      for (const ending of ['reset', 'stall'] as const) {
        const { baseUrl } = await serve((_in, out) => {
          out.writeHead(200, { 'content-type': 'text/event-stream' });
          for (let chunk = 1; chunk <= 5; chunk++) {
            out.write(sseEvent(textResponse(`part ${chunk}`, { usageMetadata: usage(chunk) })));
          }
          if (ending === 'reset') setTimeout(() => out.socket?.resetAndDestroy(), 20);
        });
        // The stall's limit is fake time, moved once the five chunks are in: a real 200 ms also
        // covered the wait for the headers, and at load ~30 it ended the call before them (0
        // chunks seen). The reset needs no limit of its own.
        if (ending === 'stall') vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
        let seen = 0;
        let error: unknown;
        try {
          const limit = ending === 'stall' ? { timeoutMs: 200 } : {};
          const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport, ...limit });
          const chunks = gemini.streamGenerateContent(request)[Symbol.asyncIterator]();
          while (seen < 5 && !(await chunks.next()).done) seen++;
          const next = caught(() => chunks.next());
          if (ending === 'stall') await vi.advanceTimersByTimeAsync(200);
          error = await next;
        } finally {
          vi.useRealTimers();
        }
        expect(seen).toBe(5);
        expect(
          ending === 'reset' ? StreamError.isInstance(error) : TimeoutError.isInstance(error),
        ).toBe(true);
        expect((error as StreamError).partialUsage, ending).toEqual({ ...usage(5), partial: true });
      }
    });

    it('decodes a multi-byte character split across two network reads', async () => {
      const text = 'Grüße, 世界 🌍';
      const event = Buffer.from(sseEvent(textResponse(text)));
      const cut = event.indexOf(Buffer.from('🌍')) + 2;
      const { baseUrl } = await serve((_in, out) => {
        out.writeHead(200, { 'content-type': 'text/event-stream' });
        out.write(event.subarray(0, cut));
        setTimeout(() => out.end(event.subarray(cut)), 10);
      });
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, transport });
      const texts: unknown[] = [];
      for await (const chunk of gemini.streamGenerateContent(request)) {
        texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text);
      }
      expect(texts).toEqual([text]);
    });
  });
}

for (const [sender, options] of Object.entries(SENDERS)) {
  describe(`${sender}: a slow-drip body after a full GC`, () => {
    // One byte at a time, forever: without a limit that holds, the call never ends.
    const drip =
      (first: string): Handler =>
      (_in, out) => {
        out.writeHead(200, {
          'content-type': first.startsWith('data:') ? 'text/event-stream' : 'application/json',
        });
        out.write(first);
        const timer = setInterval(() => out.write(' '), 10);
        out.on('close', () => clearInterval(timer));
      };
    // The attempt's time limit is what these tests are about, and it must fire while the body is
    // read, after the headers: the first request of a sender loads its request path, which took
    // longer than the limit at load 25 (the headers' phase timed out instead). So one answered
    // request warms the sender first, on a client without the short limit, and the limit is a
    // second: the drip never ends, so only the phase the limit fires in is tested.
    const LIMIT_MS = 1_000;
    const warmedDrip = async (first: string) => {
      let answered = false;
      const served = await serve((incoming, out) => {
        if (answered) return drip(first)(incoming, out);
        answered = true;
        json(out, textResponse('warm'));
      });
      const warm = createGemini({ apiKey: TEST_KEY, baseUrl: served.baseUrl, ...options });
      await warm.generateContent(request);
      return served;
    };

    it('ends a unary call with TimeoutError and closes the connection', async () => {
      const { state, baseUrl } = await warmedDrip('{"candidates":');
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, ...options, timeoutMs: LIMIT_MS });
      let collected = false;
      const error = await caught(() =>
        gemini.generateContent(request, {
          // Once the headers are in, the body is being read: the GC lands there.
          onResponse: () => {
            collectGarbage();
            collected = true;
          },
        }),
      );
      expect(collected).toBe(true);
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('the response body');
      await until(() => state.closed === 1);
    });

    it('ends a call whose headers never come with TimeoutError', async () => {
      let collected = false;
      let answered = false;
      const { baseUrl } = await serve((_in, out) => {
        // Warm first, as warmedDrip does: a cold sender's first request loads its request path,
        // and at load ~30 the 300 ms ran out before the request reached this server.
        if (!answered) {
          answered = true;
          return json(out, textResponse('warm'));
        }
        // The request is out and its headers awaited: the GC lands there. No answer, ever.
        collectGarbage();
        collected = true;
      });
      await createGemini({ apiKey: TEST_KEY, baseUrl, ...options }).generateContent(request);
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, ...options, timeoutMs: 300 });
      const error = await caught(() => gemini.generateContent(request));
      expect(collected).toBe(true);
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('the response headers');
    });

    it('ends a stream whose first event never completes with TimeoutError', async () => {
      const { state, baseUrl } = await warmedDrip('data: {"candidates":');
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, ...options, timeoutMs: LIMIT_MS });
      let collected = false;
      const error = await caught(async () => {
        const stream = gemini.streamGenerateContent(request, {
          onResponse: () => {
            collectGarbage();
            collected = true;
          },
        });
        for await (const _ of stream) {
          // Never reached.
        }
      });
      expect(collected).toBe(true);
      expect(TimeoutError.isInstance(error)).toBe(true);
      await until(() => state.closed === 1);
    });
  });
}
