import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { delay, HttpResponse, http, passthrough } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import {
  createTestServer,
  GOOGLE,
  readFixture,
  retryWatch,
  sseBody,
  sseEvent,
  TEST_KEY,
  textResponse,
} from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

const GENERATE = `${GOOGLE}/models/gemini-2.5-flash:generateContent`;
const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

/** Answers with each response in turn (the last one repeats) and counts the requests. */
function sequence(...responses: (() => Response | Promise<Response>)[]): { count: number } {
  const state = { count: 0 };
  server.use(
    http.post(GENERATE, () => {
      const next = responses[Math.min(state.count, responses.length - 1)] as () => Response;
      state.count++;
      return next();
    }),
  );
  return state;
}

function errorResponse(fixture: string, status: number, headers: Record<string, string> = {}) {
  return () =>
    new HttpResponse(readFixture(`errors/${fixture}`), {
      status,
      headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    });
}

const ok = () => HttpResponse.json(textResponse('ok') as Record<string, never>);
const overloaded = errorResponse('503-UNAVAILABLE-overloaded.no-alt-sse-array.json', 503);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('createGemini error fixtures over HTTP', () => {
  const cases: [string, number][] = [
    ['400-INVALID_ARGUMENT-API_KEY_INVALID.DOCS-EXAMPLE.json', 400],
    [
      '400-INVALID_ARGUMENT-unknown-name-additionalProperties-in-parameters.RECONSTRUCTED.json',
      400,
    ],
    ['404-NOT_FOUND-unknown-model.json', 404],
    ['429-RESOURCE_EXHAUSTED-Help-QuotaFailure-RetryInfo.json', 429],
    ['503-UNAVAILABLE-overloaded.no-alt-sse-array.json', 503],
  ];
  for (const [fixture, status] of cases) {
    it(`turns a ${status} (${fixture}) into an ApiCallError with status, body and headers`, async () => {
      sequence(errorResponse(fixture, status, { 'x-trace': 't-1' }));
      const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
      const error = await rejection(gemini.generateContent(request));
      expect(ApiCallError.isInstance(error)).toBe(true);
      const apiError = error as ApiCallError;
      expect(apiError.status, apiError.message).toBe(status);
      expect(apiError.url).toBe(GENERATE);
      expect(apiError.method).toBe('generateContent');
      expect(apiError.attempt).toBe(1);
      expect(apiError.responseBody).toBe(readFixture(`errors/${fixture}`));
      expect(apiError.responseHeaders?.['x-trace']).toBe('t-1');
      expect(apiError.apiMessage).toBeTruthy();
    });
  }

  it("turns an error object in a 200 body into an ApiCallError with the response's headers", async () => {
    sequence(() =>
      HttpResponse.json(
        { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
        { headers: { 'x-trace': 't-3' } },
      ),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const error = await rejection(gemini.generateContent(request));
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(503);
    expect((error as ApiCallError).responseHeaders?.['x-trace']).toBe('t-3');
  });

  it('reads a 404 served as text/event-stream on the stream endpoint as a plain JSON error', async () => {
    const fixture = '404-NOT_FOUND-on-streamGenerateContent-alt-sse-with-DebugInfo.json';
    server.use(
      http.post(
        `${GOOGLE}/models/custom-gemini-2.0-flash:streamGenerateContent`,
        () =>
          new HttpResponse(readFixture(`errors/${fixture}`), {
            status: 404,
            headers: { 'content-type': 'text/event-stream' },
          }),
      ),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const stream = gemini.streamGenerateContent({
      model: 'custom-gemini-2.0-flash',
      contents: 'Hi',
    });
    const error = await rejection(
      (async () => {
        for await (const _ of stream) throw new Error('no chunk expected');
      })(),
    );
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(404);
    expect((error as ApiCallError).googleStatus).toBe('NOT_FOUND');
    expect((error as ApiCallError).message).toContain('gemini.listModels()');
  });

  it('keeps a proxy’s HTML error page raw', async () => {
    sequence(
      () =>
        new HttpResponse('<html><body><h1>502 Bad Gateway</h1></body></html>', {
          status: 502,
          headers: { 'content-type': 'text/html' },
        }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const error = (await rejection(gemini.generateContent(request))) as ApiCallError;
    expect(error.status).toBe(502);
    expect(error.responseBody).toContain('<h1>502 Bad Gateway</h1>');
    expect(error.message).toContain('not a Gemini error body (text/html)');
  });

  it('turns a 200 body that is not JSON into a non-retryable ApiCallError', async () => {
    const state = sequence(() => new HttpResponse('<html>login</html>', { status: 200 }));
    const gemini = createGemini({ apiKey: TEST_KEY });
    const error = (await rejection(gemini.generateContent(request))) as ApiCallError;
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('not JSON');
    expect(state.count).toBe(1);
  });

  it('turns a 200 body of the wrong shape into an ApiCallError naming the path', async () => {
    sequence(() => HttpResponse.json({ candidates: [{ content: { parts: 'x' } }] }));
    const gemini = createGemini({ apiKey: TEST_KEY });
    const error = (await rejection(gemini.generateContent(request))) as ApiCallError;
    expect(error.message).toContain('candidates[0].content.parts');
  });
});

describe('createGemini retries', () => {
  it('waits the RetryInfo delay of a 429 exactly, then succeeds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const state = sequence(
      errorResponse('429-RESOURCE_EXHAUSTED-Help-QuotaFailure-RetryInfo.json', 429),
      ok,
    );
    const watch = retryWatch();
    const gemini = createGemini({ apiKey: TEST_KEY, logger: watch.logger });
    const promise = gemini.generateContent(request);
    await watch.untilRetries(1);
    await vi.advanceTimersByTimeAsync(57_990);
    expect(state.count).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    const response = await promise;
    expect(state.count).toBe(2);
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
  });

  it('honours a Retry-After header in seconds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const state = sequence(
      () => new HttpResponse('busy', { status: 503, headers: { 'retry-after': '5' } }),
      ok,
    );
    const watch = retryWatch();
    const gemini = createGemini({ apiKey: TEST_KEY, logger: watch.logger });
    const promise = gemini.generateContent(request);
    await watch.untilRetries(1);
    await vi.advanceTimersByTimeAsync(4_990);
    expect(state.count).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    await promise;
    expect(state.count).toBe(2);
  });

  it('fails a per-day 429 at once, with one request, saying the quota is spent', async () => {
    const daily = JSON.stringify({
      error: {
        code: 429,
        message: 'You exceeded your current quota.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '20s' },
        ],
      },
    });
    const state = sequence(() => new HttpResponse(daily, { status: 429 }), ok);
    const gemini = createGemini({ apiKey: TEST_KEY });
    const error = (await rejection(gemini.generateContent(request))) as ApiCallError;
    expect(state.count).toBe(1);
    expect(error.isDailyQuota).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('Daily quota spent');
  });

  it('retries a 503 twice with growing backoff, then returns the answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const state = sequence(overloaded, overloaded, ok);
    const watch = retryWatch();
    const gemini = createGemini({
      apiKey: TEST_KEY,
      retry: { jitter: false, initialDelayMs: 1000 },
      logger: watch.logger,
    });
    const promise = gemini.generateContent(request);
    await watch.untilRetries(1);
    await vi.advanceTimersByTimeAsync(990);
    expect(state.count).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    await watch.untilRetries(2);
    expect(state.count).toBe(2);
    await vi.advanceTimersByTimeAsync(1_980);
    expect(state.count).toBe(2);
    await vi.advanceTimersByTimeAsync(20);
    await promise;
    expect(state.count).toBe(3);
  });

  it('throws the last ApiCallError when retries are spent, saying how many attempts were made', async () => {
    const state = sequence(overloaded);
    const gemini = createGemini({
      apiKey: TEST_KEY,
      retry: { maxRetries: 2, initialDelayMs: 1, jitter: false },
    });
    const error = (await rejection(gemini.generateContent(request))) as ApiCallError;
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(state.count).toBe(3);
    expect(error.attempt).toBe(3);
    expect(error.status).toBe(503);
    expect(error.message).toContain('Failed after 3 attempts (retried 2 times)');
  });

  it('says a 503 error event after a chunk was not retried, and keeps it marked transient', async () => {
    // The client never retries a stream once a chunk was delivered: the error must not say it is
    // retryable. It stays isRetryable (a durable run re-runs the call on it).
    let count = 0;
    let leading = false;
    server.use(
      http.post(`${GOOGLE}/models/gemini-2.5-flash:streamGenerateContent`, () => {
        count++;
        const unavailable = { error: { code: 503, message: 'Overloaded.', status: 'UNAVAILABLE' } };
        // With `leading`, the first attempt's error event comes before any chunk: that is retried.
        const events =
          leading && count === 1
            ? [sseEvent(unavailable)]
            : [sseEvent(textResponse('first')), sseEvent(unavailable)];
        return new HttpResponse(sseBody(events), {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
        });
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, retry: { initialDelayMs: 0, maxDelayMs: 0 } });
    const texts: unknown[] = [];
    const error = (await rejection(
      (async () => {
        for await (const chunk of gemini.streamGenerateContent(request)) {
          texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text);
        }
      })(),
    )) as ApiCallError;
    expect(texts).toEqual(['first']);
    expect(count).toBe(1);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(error.status).toBe(503);
    expect(error.isRetryable).toBe(true);
    expect(error.message).not.toContain('this is retryable');
    expect(error.message).toContain(
      'after the stream had delivered 1 chunk, so it was not retried',
    );

    leading = true;
    count = 0;
    await rejection(
      (async () => {
        for await (const _ of gemini.streamGenerateContent(request)) {
          // The retry's first chunk, then its error event.
        }
      })(),
    );
    expect(count).toBe(2);
  });

  it('makes one request with maxRetries 0, and per call with retry: false', async () => {
    const state = sequence(overloaded);
    await rejection(
      createGemini({ apiKey: TEST_KEY, retry: { maxRetries: 0 } }).generateContent(request),
    );
    expect(state.count).toBe(1);
    await rejection(createGemini({ apiKey: TEST_KEY }).generateContent(request, { retry: false }));
    expect(state.count).toBe(2);
  });

  it('fails at once when the server asks for a delay over maxServerDelayMs', async () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'Slow down.',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '120s' }],
      },
    });
    // "At once" by events, not by a stopwatch (a real `< 1000` ms failed at load 20): with the
    // timers fake no wait can end, and a wait the client announces (its retry log) wins the race.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const state = sequence(() => new HttpResponse(body, { status: 429 }), ok);
    const watch = retryWatch();
    const gemini = createGemini({ apiKey: TEST_KEY, logger: watch.logger });
    const first = await Promise.race([
      rejection(gemini.generateContent(request)),
      watch.untilRetries(1).then(() => 'a retry wait'),
    ]);
    expect(first).not.toBe('a retry wait');
    const error = first as ApiCallError;
    expect(state.count).toBe(1);
    expect(error.retryDelayMs).toBe(120_000);
    expect(error.message).toContain('Not retried: the server asked to wait 120 s');
    expect(error.message).toContain('retry.maxServerDelayMs');
  });

  it('refuses a huge delay the same from RetryInfo as from Retry-After, ignoring odd ones', async () => {
    const limited = (retryDelay: string) =>
      JSON.stringify({
        error: {
          code: 429,
          message: 'Slow down.',
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }],
        },
      });
    const gemini = createGemini({ apiKey: TEST_KEY, retry: { initialDelayMs: 0, maxDelayMs: 0 } });
    const huge = [
      () => new HttpResponse(limited('1e308s'), { status: 429 }),
      () => new HttpResponse(limited('100000000000s'), { status: 429 }),
      () => new HttpResponse('busy', { status: 429, headers: { 'retry-after': '1e308' } }),
      () => new HttpResponse('busy', { status: 429, headers: { 'retry-after': '100000000000' } }),
    ];
    for (const answer of huge) {
      const state = sequence(answer, ok);
      const error = (await rejection(gemini.generateContent(request))) as ApiCallError;
      expect(state.count).toBe(1);
      expect(error.retryDelayMs).toBeGreaterThan(60_000);
      expect(error.message).toContain('Not retried: the server asked to wait');
      expect(Number.isFinite(error.retryDelayMs)).toBe(true);
      expect(error.message).not.toContain('Infinity');
    }
    // A negative or unreadable delay is no delay: the normal backoff, and the answer.
    for (const retryDelay of ['-5s', 'NaNs', 'Infinitys', 'soon']) {
      const state = sequence(() => new HttpResponse(limited(retryDelay), { status: 429 }), ok);
      await gemini.generateContent(request);
      expect(state.count, retryDelay).toBe(2);
    }
  });

  it('retries a network failure, then succeeds', async () => {
    const state = sequence(() => HttpResponse.error(), ok);
    const gemini = createGemini({ apiKey: TEST_KEY, retry: { initialDelayMs: 1 } });
    const response = await gemini.generateContent(request);
    expect(state.count).toBe(2);
    expect(response.candidates).toHaveLength(1);
  });

  it('retries a connection reset reported by fetch as TypeError with cause.code', async () => {
    let calls = 0;
    const fetch = vi.fn(async () => {
      calls++;
      if (calls === 1) {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
        });
      }
      return Response.json(textResponse('after reset'));
    });
    const gemini = createGemini({ apiKey: TEST_KEY, fetch, retry: { initialDelayMs: 1 } });
    const response = await gemini.generateContent(request);
    expect(calls).toBe(2);
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('after reset');
  });
});

describe('createGemini real sockets', () => {
  let tcp: Server;
  let port = 0;
  beforeAll(async () => {
    // A server that accepts and resets every connection.
    tcp = createServer((socket) => socket.resetAndDestroy());
    tcp.listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    port = (tcp.address() as { port: number }).port;
  });
  afterAll(() => tcp.close());

  it('names host and code for a connection that is reset, after retrying it', async () => {
    server.use(http.all(`http://127.0.0.1:${port}/*`, () => passthrough()));
    const gemini = createGemini({
      apiKey: TEST_KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { maxRetries: 1, initialDelayMs: 1 },
    });
    const error = (await rejection(gemini.generateContent(request))) as ApiCallError;
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.isRetryable).toBe(true);
    expect(error.attempt).toBe(2);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it('names host and code for a refused connection', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as { port: number }).port;
    closed.close();
    await once(closed, 'close');
    server.use(http.all(`http://127.0.0.1:${closedPort}/*`, () => passthrough()));
    const gemini = createGemini({
      apiKey: TEST_KEY,
      baseUrl: `http://127.0.0.1:${closedPort}`,
      retry: false,
    });
    const error = (await rejection(gemini.generateContent(request))) as ApiCallError;
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('connection refused');
  });
});

describe('createGemini time limits and aborts', () => {
  it('fails with a TimeoutError when an attempt takes longer than timeoutMs, without retrying', async () => {
    // The limit runs in fake time from when the server has the request: a real 50 ms ran out
    // before a loaded machine (load 20) delivered it, and the count below read 0.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const state = { count: 0 };
    let arrive = () => {};
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    server.use(
      http.post(GENERATE, async () => {
        state.count++;
        arrive();
        await delay('infinite');
        return ok();
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, timeoutMs: 50 });
    const promise = rejection(gemini.generateContent(request));
    await arrived;
    await vi.advanceTimersByTimeAsync(50);
    const error = await promise;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).timeoutMs).toBe(50);
    expect((error as TimeoutError).operation).toBe('generateContent');
    expect((error as Error).message).toContain('Raise timeoutMs');
    expect(state.count).toBe(1);
  });

  it('times an attempt by fake timers (only setTimeout faked) after calls made with real timers', async () => {
    let stall = false;
    server.use(
      http.post(GENERATE, async () => {
        if (stall) await delay('infinite');
        return ok();
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, timeoutMs: 1_000, retry: false });
    // These leave an idle timer, made by the real setTimeout, in the client.
    await gemini.generateContent(request);
    await gemini.generateContent(request);
    stall = true;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let settled = false;
    const promise = rejection(gemini.generateContent(request)).finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await promise;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).timeoutMs).toBe(1_000);
  });

  it('applies a per-call timeoutMs', async () => {
    server.use(
      http.post(GENERATE, async () => {
        await delay(2_000);
        return ok();
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const error = await rejection(gemini.generateContent(request, { timeoutMs: 30 }));
    expect((error as TimeoutError).timeoutMs).toBe(30);
  });

  it('rejects with the signal’s reason at once when aborted during a request', async () => {
    // The server holds its answer until the client has given up: the abort is the only way out, so
    // "at once" needs no stopwatch (a real `< 1000` ms, measured from a real 20 ms timer, raced the
    // machine's load). The abort comes once the server has the request, so it is mid-request.
    let arrive = () => {};
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    let release = () => {};
    const answer = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http.post(GENERATE, async () => {
        arrive();
        await answer;
        return ok();
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const controller = new AbortController();
    const promise = rejection(gemini.generateContent(request, { signal: controller.signal }));
    await arrived;
    controller.abort();
    try {
      expect(((await promise) as Error).name).toBe('AbortError');
    } finally {
      release();
    }
  });

  it('stops a retry wait at once when aborted, and makes no further request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const state = sequence(overloaded, ok);
    const watch = retryWatch();
    const gemini = createGemini({
      apiKey: TEST_KEY,
      retry: { initialDelayMs: 10_000, jitter: false },
      logger: watch.logger,
    });
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const promise = rejection(gemini.generateContent(request, { signal: controller.signal }));
    await watch.untilRetries(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(state.count).toBe(1);
    controller.abort(reason);
    expect(await promise).toBe(reason);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(state.count).toBe(1);
  });

  it('rejects with a non-Error abort reason as given', async () => {
    const state = sequence(overloaded);
    const gemini = createGemini({ apiKey: TEST_KEY, retry: { initialDelayMs: 10_000 } });
    const controller = new AbortController();
    const promise = rejection(gemini.generateContent(request, { signal: controller.signal }));
    await vi.waitFor(() => expect(state.count).toBe(1), { timeout: 60_000 });
    controller.abort('stop');
    expect(await promise).toBe('stop');
  });

  it('does not send a request when the signal is already aborted', async () => {
    const state = sequence(ok);
    const gemini = createGemini({ apiKey: TEST_KEY });
    const error = await rejection(gemini.generateContent(request, { signal: AbortSignal.abort() }));
    expect((error as Error).name).toBe('AbortError');
    expect(state.count).toBe(0);
  });
});
