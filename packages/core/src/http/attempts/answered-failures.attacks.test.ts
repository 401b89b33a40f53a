import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { createGemini } from '../create-gemini.ts';

// leftovers77a (attack62b's leftover): a failure after the server answered (its headers too big,
// two content-lengths, a status line that is no HTTP, a content-coding the node transport does
// not decode, a body cut off) was worded "could not reach <host>: …", every transport throw being
// a network failure that got no response. The host was reached and answered; the error now says
// so, typed as before, retried (or not) as before, on both transports. The answers are raw bytes
// on a socket on 127.0.0.1, as a broken proxy or gateway would write them.

const KEY = 'AIzaTEST-answered-failures-0123456789';
const ANSWER = JSON.stringify({
  candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, index: 0 }],
});

/** What the server writes on each connection; `cut` leaves the body short and resets. */
let raw = { bytes: '', cut: false };
let requests = 0;
const sockets = new Set<Socket>();
const server = createServer((socket) => {
  sockets.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
  socket.once('data', () => {
    requests++;
    socket.write(raw.bytes);
    if (raw.cut) socket.destroy();
    else socket.end();
  });
});
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${address.port}/v1beta`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** Every request of the test is answered with these bytes; the count starts again. */
function serve(bytes: string, cut = false): void {
  raw = { bytes, cut };
  requests = 0;
}

const head = (...lines: string[]): string => `HTTP/1.1 200 OK\r\n${lines.join('\r\n')}\r\n\r\n`;
const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

for (const transport of ['node', 'fetch'] as const) {
  describe(`a failure after the server answered (${transport} transport)`, () => {
    const failure = async (): Promise<ApiCallError> => {
      const gemini = createGemini({
        apiKey: KEY,
        baseUrl,
        transport,
        retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 1 },
        // A hang guard only: each answer comes at once.
        timeoutMs: 30_000,
      });
      const error = await gemini.generateContent(request).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ApiCallError.isInstance(error), String(error)).toBe(true);
      const { message } = error as ApiCallError;
      expect(message).not.toContain('could not reach');
      expect(message).not.toContain(KEY);
      expect(message).toContain('127.0.0.1');
      return error as ApiCallError;
    };

    it('headers too big: says the answer could not be read, not retried', async () => {
      serve(head('content-type: application/json', `x-big: ${'a'.repeat(100_000)}`) + ANSWER);
      const error = await failure();
      expect(error.message).toMatch(/answer .*could not be read/);
      expect(error.message).toMatch(/Headers Overflow/i);
      expect(error.isRetryable).toBe(false);
      expect(requests).toBe(1);
    });

    it('two content-lengths: says the answer could not be read, not retried', async () => {
      serve(
        head(
          'content-type: application/json',
          `content-length: ${ANSWER.length}`,
          `content-length: ${ANSWER.length + 1}`,
        ) + ANSWER,
      );
      const error = await failure();
      expect(error.message).toMatch(/answer .*could not be read/);
      expect(error.isRetryable).toBe(false);
      expect(requests).toBe(1);
    });

    it('a status line that is no HTTP: says the answer could not be read, not retried', async () => {
      serve('HTTP/9.9 abc\r\n\r\n');
      const error = await failure();
      expect(error.message).toMatch(/answer .*could not be read/);
      expect(error.message).toMatch(/HTTP\/1\.1 protocol/);
      expect(error.isRetryable).toBe(false);
      expect(requests).toBe(1);
    });

    it('a body cut off after a 200: names the status, retried as before', async () => {
      serve(
        head('content-type: application/json', 'content-length: 5000') + ANSWER.slice(0, 20),
        true,
      );
      const error = await failure();
      expect(error.message).toMatch(
        /got a 200 response from 127\.0\.0\.1:\d+, but reading its body failed/,
      );
      // A reset mid-body is a transient failure, retried as before (3 attempts).
      expect(error.isRetryable).toBe(true);
      expect(requests).toBe(3);
      expect(error.message).toContain('Failed after 3 attempts');
    });
  });
}

describe('a content-coding the node transport does not decode', () => {
  it('names the 200 and the coding, not an unreachable host; not retried', async () => {
    serve(head('content-type: application/json', 'content-encoding: xyz') + ANSWER);
    const gemini = createGemini({
      apiKey: KEY,
      baseUrl,
      transport: 'node',
      retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 1 },
      timeoutMs: 30_000,
    });
    const error = await gemini.generateContent(request).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(ApiCallError.isInstance(error)).toBe(true);
    const { message, isRetryable, status } = error as ApiCallError;
    expect(message).toMatch(
      /^generateContent got a 200 response, but the response is encoded with xyz/,
    );
    expect(message).not.toContain('could not reach');
    expect(message).not.toContain('check the baseUrl.');
    expect(status).toBe(200);
    expect(isRetryable).toBe(false);
    expect(requests).toBe(1);
  });

  it('says the same of a header listing more codings than are decoded', async () => {
    serve(head('content-type: application/json', `content-encoding: ${'gzip,'.repeat(9)}gzip`));
    const gemini = createGemini({ apiKey: KEY, baseUrl, transport: 'node', retry: false });
    const error = await gemini.generateContent(request).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^generateContent got a 200 response, but the response lists 10 content-codings/,
    );
    expect((error as ApiCallError).isRetryable).toBe(false);
  });
});
