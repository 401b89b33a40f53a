import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { FileSearchOperationError } from '../../errors/files-and-batches/file-search-operation-error.ts';
import { StreamError } from '../../errors/stream-error.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { createGemini } from '../create-gemini.ts';
import { createFileSearchStores } from '../file-search-stores/create-file-search-stores.ts';

// attack60b: a gateway between the client and Gemini (CometAPI-like, a proxy) answering in its
// own dialect, over a real socket on 127.0.0.1, on both transports (undici's request API and
// fetch). Each answer below was taken wrongly before: an error the stream delivered as a chunk, a
// transient error not retried, a message that named the wrong body.

const KEY = 'AIzaTEST-hostile-gateway-0123456789';

type Answer = (request: IncomingMessage, response: ServerResponse, count: number) => void;
let answer: Answer = (_request, response) => response.end();
let requests = 0;
const server = createServer((request, response) => {
  requests++;
  answer(request, response, requests);
});
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1beta`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Every later request of the test is answered by `next`; the request count starts again. */
function serve(next: Answer): void {
  answer = next;
  requests = 0;
}

const chunk = (text: string): string =>
  JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }] });

/** A 200 `text/event-stream` answer of these raw pieces. */
const events =
  (...pieces: string[]): Answer =>
  (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const piece of pieces) response.write(piece);
    response.end();
  };

/** `first` for the first request, then one good answer (SSE or JSON, as the URL asks). */
const thenAnswer =
  (first: Answer): Answer =>
  (request, response, count) => {
    if (count === 1) return first(request, response, count);
    const sse = request.url?.includes('alt=sse') === true;
    response.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json' });
    response.end(sse ? `data: ${chunk('ok')}\r\n\r\n` : chunk('ok'));
  };

const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

async function streamed(
  transport: 'node' | 'fetch',
): Promise<{ chunks: GenerateContentResponse[]; error: unknown }> {
  const gemini = createGemini({ apiKey: KEY, baseUrl, transport, retry: { initialDelayMs: 1 } });
  const chunks: GenerateContentResponse[] = [];
  try {
    for await (const value of gemini.streamGenerateContent(request)) chunks.push(value);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

async function unary(transport: 'node' | 'fetch'): Promise<unknown> {
  const gemini = createGemini({ apiKey: KEY, baseUrl, transport, retry: { initialDelayMs: 1 } });
  return gemini.generateContent(request).then(
    () => undefined,
    (error: unknown) => error,
  );
}

for (const transport of ['node', 'fetch'] as const) {
  describe(`a hostile gateway, on the ${transport} transport`, () => {
    it('fails the stream on an event named error whose data is not a Gemini error, delivering no chunk of it', async () => {
      serve(events(`event: error\ndata: {"message":"gateway quota exceeded"}\n\n`));
      const { chunks, error } = await streamed(transport);
      // Before: `{"message":...}` passed the lenient check as a chunk with no candidates, and the
      // stream ended empty without an error.
      expect(chunks).toEqual([]);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        method: 'streamGenerateContent',
        apiMessage: 'gateway quota exceeded',
        isRetryable: false,
      });
      expect((error as Error).message).toContain('stream carried an error event');
      expect(requests).toBe(1);
    });

    it('fails with the text of an error event that is not JSON, after the chunks before it', async () => {
      serve(events(`data: ${chunk('a')}\n\n`, 'event: error\ndata: upstream timed out\n\n'));
      const { chunks, error } = await streamed(transport);
      expect(chunks).toHaveLength(1);
      // Before: a StreamError blaming a proxy for altering the stream ("not valid JSON").
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect((error as ApiCallError).message).toContain('upstream timed out');
      expect((error as ApiCallError).responseBody).toBe('upstream timed out');
      expect((error as Error).message).not.toContain(KEY);
    });

    it('keeps a Gemini error object in an event named error as it was read before', async () => {
      serve(
        thenAnswer(
          events(
            'event: error\ndata: {"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}\n\n',
          ),
        ),
      );
      const { chunks, error } = await streamed(transport);
      expect(error).toBeUndefined();
      expect(chunks).toHaveLength(1);
      expect(requests).toBe(2);
    });

    it('retries a 200 stream carrying an error whose code is a string of digits', async () => {
      serve(
        thenAnswer(
          events('data: {"error":{"code":"503","message":"busy","status":"UNAVAILABLE"}}\n\n'),
        ),
      );
      const { chunks, error } = await streamed(transport);
      // Before: read as an error with no code, not retryable: the call failed at once.
      expect(error).toBeUndefined();
      expect(chunks).toHaveLength(1);
      expect(requests).toBe(2);
    });

    it('reads a carried error with a status name and no code as that status', async () => {
      const body = JSON.stringify({
        error: { message: 'quota for this minute', status: 'RESOURCE_EXHAUSTED' },
      });
      serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(body);
      });
      const error = await unary(transport);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ status: 429, googleStatus: 'RESOURCE_EXHAUSTED' });
      expect((error as ApiCallError).isRetryable).toBe(true);
      // Said as it came: the object had no code; the advice is the quota's.
      expect((error as Error).message).toContain(
        'carried an error with no code RESOURCE_EXHAUSTED',
      );
      expect((error as Error).message).toContain('Rate limit hit');
      expect(requests).toBe(4);
    });

    it("shows a refused redirect's origin and path, never the Location's credentials or query", async () => {
      serve((_request, response) => {
        response.writeHead(302, {
          location: `https://admin:hunter2@10.0.0.5:8443/internal/v1beta?sig=SIGNED-TOKEN&key=${KEY}`,
        });
        response.end();
      });
      for (const error of [await unary(transport), (await streamed(transport)).error]) {
        expect(ApiCallError.isInstance(error)).toBe(true);
        const { message } = error as Error;
        // Before (node transport): the whole Location, `admin:hunter2@` and `?sig=` in it.
        for (const secret of ['hunter2', 'SIGNED-TOKEN', KEY])
          expect(message).not.toContain(secret);
        // Node's fetch refuses the redirect itself and does not say where it pointed.
        if (transport === 'node')
          expect(message).toContain('to https://10.0.0.5:8443/internal/v1beta.');
      }
      expect(requests).toBe(2);
    });

    it("keeps the reason of a File Search operation whose error is a gateway's bare text", async () => {
      const name = 'fileSearchStores/handbook/operations/op-1';
      serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ name, done: true, error: `unsupported file type ${KEY}` }));
      });
      const stores = createFileSearchStores(createGemini({ apiKey: KEY, baseUrl, transport }));
      const error = await stores.waitForOperation(name).catch((caught: unknown) => caught);
      expect(FileSearchOperationError.isInstance(error)).toBe(true);
      // Before: `reason` undefined, the message without the service's words.
      expect(error).toMatchObject({ reason: 'unsupported file type [redacted]' });
      expect((error as Error).message).toContain(': unsupported file type [redacted].');
    });

    it('stops waiting for a File Search operation that never finishes after maxPolls', async () => {
      const name = 'fileSearchStores/handbook/operations/op-2';
      serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ name, done: false }));
      });
      const stores = createFileSearchStores(createGemini({ apiKey: KEY, baseUrl, transport }));
      const error = await stores
        .waitForOperation(name, { pollIntervalMs: 0, maxPolls: 3 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(requests).toBe(3);
    });

    it('reads an error carried in a 200 body whose details nest 100,000 levels deep', async () => {
      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const body = `{"error":{"code":503,"message":"busy ${KEY}","status":"UNAVAILABLE","details":[{"@type":"x","deep":${deep}},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"0s"}]}}`;
      serve(
        thenAnswer((_request, response) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(body);
        }),
      );
      const gemini = createGemini({ apiKey: KEY, baseUrl, transport, retry: false });
      const error = await gemini.generateContent(request).catch((caught: unknown) => caught);
      // Before: JSON.stringify's RangeError, taken for a network failure ("could not reach
      // 127.0.0.1:...: Maximum call stack size exceeded. Not retried: check the baseUrl").
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ status: 503, isRetryable: true, retryDelayMs: 0 });
      expect((error as ApiCallError).apiMessage).toBe('busy [redacted]');
      // The deep detail is not kept: a logger serialising the error must not overflow the stack.
      expect((error as ApiCallError).details?.map((detail) => detail['@type'])).toEqual([
        'type.googleapis.com/google.rpc.RetryInfo',
      ]);
      expect(() => JSON.stringify(error)).not.toThrow();
      // Retried (it is a 503) on a client that retries, and the next answer taken.
      requests = 0;
      const { chunks, error: streamFailure } = await streamed(transport);
      expect(streamFailure).toBeUndefined();
      expect(chunks).toHaveLength(1);
      expect(requests).toBe(2);
    });

    it('takes the answer when an onResponse observer throws, unary and streamed', async () => {
      // Every request is answered well (the count starts past the first).
      serve(thenAnswer(() => {}));
      requests = 1;
      const gemini = createGemini({ apiKey: KEY, baseUrl, transport });
      const onResponse = (): void => {
        throw new Error('observer bug');
      };
      // Before: "could not reach 127.0.0.1:...: observer bug. Not retried: check the baseUrl".
      const answer = await gemini.generateContent(request, { onResponse });
      expect(answer.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
      const chunks: GenerateContentResponse[] = [];
      for await (const value of gemini.streamGenerateContent(request, { onResponse })) {
        chunks.push(value);
      }
      expect(chunks).toHaveLength(1);
      expect(requests).toBe(3);
    });

    it('keeps 64 Ki characters of a 10 MB body that carried an error, unary and streamed', async () => {
      const pad = 'x'.repeat(10_000_000);
      const body = `{"error":{"code":400,"message":"bad ${KEY}"},"pad":"${pad}"}`;
      serve((request, response) => {
        response.writeHead(200, {
          'content-type': request.url?.includes('alt=sse')
            ? 'text/event-stream'
            : 'application/json',
        });
        response.end(request.url?.includes('alt=sse') ? `data: ${body}\n\n` : body);
      });
      for (const error of [await unary(transport), (await streamed(transport)).error]) {
        expect(ApiCallError.isInstance(error)).toBe(true);
        const { responseBody, status, apiMessage } = error as ApiCallError;
        expect({ status, apiMessage }).toEqual({ status: 400, apiMessage: 'bad [redacted]' });
        // Before: all 10 MB, in every log line and span of the error.
        expect(responseBody?.startsWith('{"error":{"code":400,"message":"bad [redacted]"}')).toBe(
          true,
        );
        expect(responseBody).toMatch(/^.{65536}… \[\d+ characters omitted\]$/s);
        expect(JSON.stringify(error).length).toBeLessThan(80_000);
      }
    });

    it('leaves no start of the key where an error body or a bad event was cut through it', async () => {
      // The key across the 64 KiB an error status's body is read to.
      serve((_request, response) => {
        response.writeHead(400, { 'content-type': 'text/plain' });
        response.end(`${'y'.repeat(65_536 - 20)}${KEY} and more`);
      });
      const cutBody = (await unary(transport)) as ApiCallError;
      expect(ApiCallError.isInstance(cutBody)).toBe(true);
      // Before: the key's first 20 characters ended responseBody.
      expect(cutBody.responseBody).not.toContain(KEY.slice(0, 10));
      expect(cutBody.responseBody?.endsWith('[redacted]')).toBe(true);
      // The key across the 1,000 characters a StreamError keeps of a malformed event.
      serve(events(`data: {"x":"${'y'.repeat(980)}${KEY}"\n\n`));
      const { error } = await streamed(transport);
      expect(error).toMatchObject({ reason: 'malformed-json' });
      const { event } = error as StreamError;
      expect(event).not.toContain(KEY.slice(0, 10));
      expect(event?.endsWith('[redacted]')).toBe(true);
    });

    it("reads a snake_case gateway's RetryInfo and per-day QuotaFailure in a 429", async () => {
      const quota = (details: unknown[]): Answer =>
        thenAnswer((_request, response) => {
          response.writeHead(429, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { code: 429, message: 'quota', details } }));
        });
      serve(
        quota([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: '0.002s' }]),
      );
      const delays: number[] = [];
      const gemini = createGemini({ apiKey: KEY, baseUrl, transport });
      await gemini.generateContent(request, { onRetry: ({ delayMs }) => delays.push(delayMs) });
      // Before: `retry_delay` unread, the retry waited the backoff (about 1 s) instead.
      expect(delays).toEqual([2]);
      serve(
        quota([
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [{ quota_id: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }],
          },
        ]),
      );
      const error = await unary(transport);
      // Before: not seen as a spent daily quota, so retried.
      expect(error).toMatchObject({ status: 429, isDailyQuota: true, isRetryable: false });
      expect(requests).toBe(1);
    });

    it('reads an error field the same streamed and unary', async () => {
      const answer = (error: string): Answer => {
        const text = `{"candidates":[{"content":{"role":"model","parts":[{"text":"hi"}]},"finishReason":"STOP"}],"error":${error}}`;
        return (request, response) => {
          const sse = request.url?.includes('alt=sse') === true;
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(sse ? `data: ${text}\n\n` : text);
        };
      };
      // No error beside the candidates: before, the stream failed on each (an ApiCallError "with
      // no code", or a 500 retried), where the unary call took the answer.
      for (const error of ['false', '""', '{}', '{"code":500,"message":"x"}']) {
        serve(answer(error));
        expect(await unary(transport), error).toBeUndefined();
        const { chunks, error: failure } = await streamed(transport);
        expect(failure, error).toBeUndefined();
        expect(chunks).toHaveLength(1);
      }
      // A gateway's error text with no answer: before, the unary call returned it as an empty
      // response, where the stream failed with it.
      serve((request, response) => {
        const sse = request.url?.includes('alt=sse') === true;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(sse ? 'data: {"error":"model not found"}\n\n' : '{"error":"model not found"}');
      });
      for (const error of [await unary(transport), (await streamed(transport)).error]) {
        expect(ApiCallError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ apiMessage: 'model not found', isRetryable: false });
      }
    });

    it('names the status of an empty stream answer, and a body of keep-alives as not empty', async () => {
      serve((_request, response) => {
        response.writeHead(204);
        response.end();
      });
      const empty = await streamed(transport);
      expect(empty.error).toBeInstanceOf(StreamError);
      // Before: "an empty 200 body" for a 204 too.
      expect((empty.error as Error).message).toContain('(an empty 204 body)');

      serve(events(': keep-alive\n\n', ': keep-alive\n\n'));
      const comments = await streamed(transport);
      expect(comments.error).toBeInstanceOf(StreamError);
      expect((comments.error as Error).message).toContain(
        'held only comments and blank lines, no `data:` event',
      );
    });
  });
}
