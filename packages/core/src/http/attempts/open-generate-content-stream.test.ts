import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { FileNotFoundError } from '../../errors/files-and-batches/file-not-found-error.ts';
import { StreamError } from '../../errors/stream-error.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import { ChunksOfBatches } from '../../streaming/chunks-of-batches.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import {
  createTestServer,
  GOOGLE,
  readFixture,
  sseBody,
  sseEvent,
  TEST_KEY,
  textResponse,
} from '../__fixtures__/test-server.ts';
import { createGemini } from '../create-gemini.ts';

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const STREAM = `${GOOGLE}/models/gemini-2.5-flash:streamGenerateContent`;
const request = { model: 'gemini-2.5-flash', contents: 'Hi' };
const sseHeaders = { 'content-type': 'text/event-stream' };

/** Serves each body factory in turn (the last repeats), counting requests and recording URLs. */
function serve(...bodies: (() => Response)[]): { count: number; urls: string[] } {
  const state = { count: 0, urls: [] as string[] };
  server.use(
    http.post(STREAM, ({ request: incoming }) => {
      state.urls.push(incoming.url);
      const next = bodies[Math.min(state.count, bodies.length - 1)] as () => Response;
      state.count++;
      return next();
    }),
  );
  return state;
}

function stream(chunks: readonly string[]): () => Response {
  return () => new HttpResponse(sseBody(chunks), { headers: sseHeaders });
}

/** A body that sends `chunks`, then fails the connection. */
function cutAfter(chunks: readonly string[]): () => Response {
  return () => {
    const encoder = new TextEncoder();
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[index++];
        if (chunk !== undefined) {
          controller.enqueue(encoder.encode(chunk));
          return;
        }
        // Error a moment later: an errored stream drops chunks still queued, which would hide
        // the ones sent before the cut from the reader.
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            controller.error(new TypeError('terminated'));
            resolve();
          }, 20),
        );
      },
    });
    return new HttpResponse(body, { headers: sseHeaders });
  };
}

async function collect(iterable: AsyncIterable<GenerateContentResponse>) {
  const chunks: GenerateContentResponse[] = [];
  try {
    for await (const chunk of iterable) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

function fixtureEvents(name: string): unknown[] {
  return readFixture(`streams/${name}`)
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)));
}

describe('streamGenerateContent', () => {
  it('posts to ?alt=sse when iteration starts and yields each recorded chunk', async () => {
    const fixture = 'gemini25-flash__cumulative-usage-every-chunk.sse';
    const state = serve(
      () => new HttpResponse(readFixture(`streams/${fixture}`), { headers: sseHeaders }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const iterable = gemini.streamGenerateContent(request);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(state.count).toBe(0);
    const { chunks, error } = await collect(iterable);
    expect(error).toBeUndefined();
    expect(state.urls).toEqual([`${STREAM}?alt=sse`]);
    expect(chunks).toEqual(fixtureEvents(fixture));
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('retries a 503 before the stream starts, then streams', async () => {
    const state = serve(
      () =>
        new HttpResponse(readFixture('errors/503-UNAVAILABLE-overloaded.no-alt-sse-array.json'), {
          status: 503,
        }),
      stream([sseEvent(textResponse('a')), sseEvent(textResponse('b'))]),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, retry: { initialDelayMs: 1 } });
    const { chunks, error } = await collect(gemini.streamGenerateContent(request));
    expect(error).toBeUndefined();
    expect(state.count).toBe(2);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.text)).toEqual([
      'a',
      'b',
    ]);
  });

  it('retries a stream cut before its first chunk', async () => {
    const state = serve(cutAfter([]), stream([sseEvent(textResponse('whole'))]));
    const gemini = createGemini({ apiKey: TEST_KEY, retry: { initialDelayMs: 1 } });
    const { chunks, error } = await collect(gemini.streamGenerateContent(request));
    expect(error).toBeUndefined();
    expect(state.count).toBe(2);
    expect(chunks).toHaveLength(1);
  });

  it('never retries a stream after its first chunk was delivered', async () => {
    const state = serve(
      cutAfter([sseEvent(textResponse('first'))]),
      stream([sseEvent(textResponse('again'))]),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, retry: { initialDelayMs: 1 } });
    const { chunks, error } = await collect(gemini.streamGenerateContent(request));
    expect(state.count).toBe(1);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.text)).toEqual([
      'first',
    ]);
    expect(StreamError.isInstance(error)).toBe(true);
    expect((error as StreamError).chunksDelivered).toBe(1);
  });

  it('throws an error object inside the 200 stream as an ApiCallError, without retrying', async () => {
    const state = serve(
      stream([
        sseEvent(textResponse('partial')),
        sseEvent({
          error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' },
        }),
      ]),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, retry: { initialDelayMs: 1 } });
    const { chunks, error } = await collect(gemini.streamGenerateContent(request));
    expect(chunks).toHaveLength(1);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(503);
    expect((error as ApiCallError).method).toBe('streamGenerateContent');
    expect(state.count).toBe(1);
  });

  it("gives an error object inside the 200 stream the response's headers", async () => {
    const body = sseBody([
      sseEvent({ error: { code: 429, message: 'Slow down.', status: 'RESOURCE_EXHAUSTED' } }),
    ]);
    serve(() => new HttpResponse(body, { headers: { ...sseHeaders, 'x-trace': 't-2' } }));
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const { error } = await collect(gemini.streamGenerateContent(request));
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(429);
    expect((error as ApiCallError).responseHeaders?.['x-trace']).toBe('t-2');
    expect((error as ApiCallError).responseHeaders?.['content-type']).toBe('text/event-stream');
  });

  it('redacts the API key from an error object inside the 200 stream (message, body, headers)', async () => {
    // A gateway or proxy that echoes the request's key into the error it streams back.
    const echoed = `API key ${TEST_KEY} is not valid for this project.`;
    const body = sseBody([
      sseEvent({ error: { code: 400, message: echoed, status: 'INVALID_ARGUMENT' } }),
    ]);
    serve(() => new HttpResponse(body, { headers: { ...sseHeaders, 'x-echo': TEST_KEY } }));
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const { error } = await collect(gemini.streamGenerateContent(request));
    expect(ApiCallError.isInstance(error)).toBe(true);
    const failure = error as ApiCallError;
    expect(failure.status).toBe(400);
    expect(failure.message).toContain('is not valid for this project');
    const seen = JSON.stringify({
      message: failure.message,
      apiMessage: failure.apiMessage,
      body: failure.responseBody,
      details: failure.details,
      headers: failure.responseHeaders,
      stack: failure.stack,
    });
    expect(seen).not.toContain(TEST_KEY);
  });

  it('fails with a TimeoutError when the stream goes idle longer than timeoutMs', async () => {
    serve(() => {
      const encoder = new TextEncoder();
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (!sent) {
            sent = true;
            controller.enqueue(encoder.encode(sseEvent(textResponse('then silence'))));
          }
          // Otherwise never resolves: a stalled server.
          return new Promise(() => {});
        },
      });
      return new HttpResponse(body, { headers: sseHeaders });
    });
    // The limit is fake time, moved once the first chunk is in: a real 300 ms ran out before a
    // loaded machine (load 20) had the headers, and the error named the wrong phase.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const gemini = createGemini({ apiKey: TEST_KEY, timeoutMs: 300 });
      const chunks = gemini.streamGenerateContent(request)[Symbol.asyncIterator]();
      expect((await chunks.next()).done).toBe(false);
      const next = chunks.next().catch((caught: unknown) => caught);
      await vi.advanceTimersByTimeAsync(300);
      const error = await next;
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect((error as TimeoutError).message).toContain('the next chunk after 1');
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not count a slow consumer against the idle limit', async () => {
    serve(
      stream([
        sseEvent(textResponse('a')),
        sseEvent(textResponse('b')),
        sseEvent(textResponse('c')),
      ]),
    );
    // The consumer's hold is fake time, the request's own wait real: a real 150 ms limit was met
    // by the response headers alone at load 20 (the node transport's bridge is a real server).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const gemini = createGemini({ apiKey: TEST_KEY, timeoutMs: 150 });
      const texts: string[] = [];
      for await (const chunk of gemini.streamGenerateContent(request)) {
        texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '');
        // Twice the limit per chunk: a limit that counted it would fire here.
        await vi.advanceTimersByTimeAsync(300);
      }
      expect(texts).toEqual(['a', 'b', 'c']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('streamGenerateContent is the request path iterator itself', () => {
  it('hands out the request path iterator once loaded, with no generator layered around it', async () => {
    // Each async generator wrapped around the stream (`yield*`) costs every chunk a few promise
    // turns: one made the bench's parse scenario 7 % slower (bench/src/ab/ab-parse.ts). The
    // prototype names the outermost object (a generator's is its function's `prototype`).
    serve(stream([sseEvent(textResponse('one'))]));
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    await collect(gemini.streamGenerateContent(request)); // loads the request path
    const again = gemini.streamGenerateContent(request);
    expect(Object.getPrototypeOf(again)).toBe(ChunksOfBatches.prototype);
    const { chunks, error } = await collect(again);
    expect(error).toBeUndefined();
    expect(chunks).toHaveLength(1);
  });

  const refused = {
    error: {
      code: 403,
      message: 'You do not have permission to access the File abc123 or it may not exist.',
      status: 'PERMISSION_DENIED',
    },
  };

  it('still fails with FileNotFoundError when the stream is refused for a file', async () => {
    serve(() => HttpResponse.json(refused, { status: 403 }));
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const { error } = await collect(gemini.streamGenerateContent(request));
    expect(FileNotFoundError.isInstance(error)).toBe(true);
    expect((error as FileNotFoundError).fileName).toBe('files/abc123');
    expect(ApiCallError.isInstance((error as FileNotFoundError).cause)).toBe(true);
  });

  it('fails with FileNotFoundError for a file error inside the stream, its cause carrying the usage so far', async () => {
    serve(stream([sseEvent(textResponse('partial')), sseEvent(refused)]));
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const { chunks, error } = await collect(gemini.streamGenerateContent(request));
    expect(chunks).toHaveLength(1);
    expect(FileNotFoundError.isInstance(error)).toBe(true);
    const cause = (error as FileNotFoundError).cause as ApiCallError;
    expect(ApiCallError.isInstance(cause)).toBe(true);
    expect(cause.partialUsage?.totalTokenCount).toBe(5);
  });
});

describe('streamGenerateContent releases the connection', () => {
  /** A fetch whose stream body records cancellation and never ends on its own. */
  /** A body of chunks without end; with `stallAfter`, one that sends no byte after that many. */
  function endlessFetch(stallAfter = Number.POSITIVE_INFINITY) {
    const state = { cancelled: false, reason: undefined as unknown, requests: 0 };
    const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      state.requests++;
      const encoder = new TextEncoder();
      let index = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (index >= stallAfter) return new Promise<void>(() => {});
          index++;
          controller.enqueue(encoder.encode(sseEvent(textResponse(`chunk ${index}`))));
          return new Promise((resolve) => setTimeout(resolve, 5));
        },
        cancel(reason) {
          state.cancelled = true;
          state.reason = reason;
        },
      });
      init?.signal?.addEventListener('abort', () => {
        state.cancelled = true;
      });
      return new Response(body, { headers: sseHeaders });
    });
    return { fetch, state };
  }

  it('cancels the body when the consumer breaks out of the loop', async () => {
    const { fetch, state } = endlessFetch();
    const gemini = createGemini({ apiKey: TEST_KEY, fetch });
    let seen = 0;
    for await (const _ of gemini.streamGenerateContent(request)) {
      seen++;
      if (seen === 2) break;
    }
    expect(seen).toBe(2);
    expect(state.cancelled).toBe(true);
    expect(state.requests).toBe(1);
  });

  it('cancels the body once when a consumer ends the stream with return() mid-batch, and ends it', async () => {
    const { fetch, state } = endlessFetch();
    const gemini = createGemini({ apiKey: TEST_KEY, fetch });
    const chunks = gemini.streamGenerateContent(request)[Symbol.asyncIterator]();
    expect((await chunks.next()).done).toBe(false);
    expect(await chunks.return?.()).toEqual({ done: true, value: undefined });
    expect(state.cancelled).toBe(true);
    // Ended: no second request, and the iterator stays done.
    expect(await chunks.next()).toEqual({ done: true, value: undefined });
    expect(state.requests).toBe(1);
  });

  it("fails a stream a consumer ends with throw() with the attempt's error and cancels the body", async () => {
    const { fetch, state } = endlessFetch();
    const gemini = createGemini({ apiKey: TEST_KEY, fetch });
    const chunks = gemini.streamGenerateContent(request)[Symbol.asyncIterator]();
    expect((await chunks.next()).done).toBe(false);
    const reason = new Error('the consumer gave up');
    const error = await chunks.throw?.(reason).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // The attempt's failure, as a failure read from the body would be: the reason as its cause.
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).cause).toBe(reason);
    expect(state.cancelled).toBe(true);
    expect(await chunks.next()).toEqual({ done: true, value: undefined });
    expect(state.requests).toBe(1);
  });

  it('ends at once, without a request, when a consumer returns before the first chunk', async () => {
    const { fetch, state } = endlessFetch();
    const gemini = createGemini({ apiKey: TEST_KEY, fetch });
    const chunks = gemini.streamGenerateContent(request)[Symbol.asyncIterator]();
    expect(await chunks.return?.()).toEqual({ done: true, value: undefined });
    expect(await chunks.next()).toEqual({ done: true, value: undefined });
    expect(state.requests).toBe(0);
  });

  it('fails the next pull with the abort reason when aborted while the consumer holds a chunk', async () => {
    const { fetch, state } = endlessFetch();
    const gemini = createGemini({ apiKey: TEST_KEY, fetch });
    const controller = new AbortController();
    const reason = new Error('stop between chunks');
    const chunks = gemini
      .streamGenerateContent(request, { signal: controller.signal })
      [Symbol.asyncIterator]();
    expect((await chunks.next()).done).toBe(false);
    // Aborted with no read pending: the next pull fails with the reason before the body is read.
    controller.abort(reason);
    await expect(chunks.next()).rejects.toBe(reason);
    expect(state.cancelled).toBe(true);
    expect(await chunks.next()).toEqual({ done: true, value: undefined });
    expect(state.requests).toBe(1);
  });

  it('rejects with the abort reason promptly when aborted mid-stream, and cancels the body', async () => {
    // The body sends nothing after its third chunk, so the abort is the only way out of the read
    // the consumer is waiting in: "promptly" by events, where a real `< 1000` ms raced the load.
    const { fetch, state } = endlessFetch(3);
    const gemini = createGemini({ apiKey: TEST_KEY, fetch });
    const controller = new AbortController();
    const reason = new Error('stop streaming');
    let seen = 0;
    const error = await (async () => {
      try {
        for await (const _ of gemini.streamGenerateContent(request, {
          signal: controller.signal,
        })) {
          seen++;
          if (seen === 3) setTimeout(() => controller.abort(reason), 0);
        }
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBe(reason);
    expect(seen).toBe(3);
    expect(state.cancelled).toBe(true);
    expect(state.requests).toBe(1);
  });
});
