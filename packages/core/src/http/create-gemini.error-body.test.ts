import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createTestServer, GOOGLE, TEST_KEY } from './__fixtures__/test-server.ts';
import { ERROR_BODY_TIME_LIMIT_MS } from './attempts/status-error.ts';
import { createGemini } from './create-gemini.ts';

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

const GENERATE = `${GOOGLE}/models/gemini-2.5-flash:generateContent`;
const STREAM = `${GOOGLE}/models/gemini-2.5-flash:streamGenerateContent`;
const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

/** An error status whose body sends `start` and then nothing, never ending. */
function stalledError(status: number, start: string, headers: Record<string, string> = {}) {
  return () =>
    new HttpResponse(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(start));
        },
      }),
      { status, headers: { 'content-type': 'application/json', ...headers } },
    );
}

/**
 * Resolves once the client has set a timer more than when `handled` resolved: the error body's
 * deadline, set when the status arrived (the real I/O runs on real time, only the timers are fake).
 */
async function untilDeadlineSet(handled: Promise<void>): Promise<void> {
  await handled;
  const before = vi.getTimerCount();
  for (let turn = 0; turn < 10_000 && vi.getTimerCount() <= before; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(vi.getTimerCount()).toBeGreaterThan(before);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('createGemini error bodies that never end', () => {
  it('fails a 400 whose body stalls after the error-body limit, with its status, not a time-out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let count = 0;
    let handle = () => {};
    const handled = new Promise<void>((resolve) => {
      handle = resolve;
    });
    server.use(
      http.post(GENERATE, () => {
        count++;
        handle();
        return stalledError(400, '{"error":')();
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, timeoutMs: 600_000 });
    let settled = false;
    const promise = rejection(gemini.generateContent(request)).finally(() => {
      settled = true;
    });
    await untilDeadlineSet(handled);
    await vi.advanceTimersByTimeAsync(ERROR_BODY_TIME_LIMIT_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await promise;
    expect(ApiCallError.isInstance(error)).toBe(true);
    const apiError = error as ApiCallError;
    expect(apiError.status).toBe(400);
    expect(apiError.isRetryable).toBe(false);
    expect(apiError.message).toContain(`did not arrive within ${ERROR_BODY_TIME_LIMIT_MS} ms`);
    // A 400 is not retried: one request, not four waits of timeoutMs.
    expect(count).toBe(1);
  });

  it('keeps the Retry-After of a stalled 503 on the stream endpoint and the bytes that came', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let handle = () => {};
    const handled = new Promise<void>((resolve) => {
      handle = resolve;
    });
    server.use(
      http.post(STREAM, () => {
        handle();
        return stalledError(503, 'upstream busy', { 'retry-after': '7' })();
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, timeoutMs: 600_000, retry: false });
    const iterate = async () => {
      for await (const _ of gemini.streamGenerateContent(request)) {
        // Nothing comes.
      }
    };
    const promise = rejection(iterate());
    await untilDeadlineSet(handled);
    await vi.advanceTimersByTimeAsync(ERROR_BODY_TIME_LIMIT_MS);
    const error = (await promise) as ApiCallError;
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(error.status).toBe(503);
    expect(error.retryDelayMs).toBe(7_000);
    expect(error.responseBody).toBe('upstream busy');
  });

  it('says an error body that does not decode as its content-encoding could not be read, not that it was empty', async () => {
    server.use(
      http.post(
        GENERATE,
        () =>
          new HttpResponse('{"error":{"code":400}}', {
            status: 400,
            headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          }),
      ),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const error = (await rejection(gemini.generateContent(request))) as ApiCallError;
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(error.status).toBe(400);
    expect(error.message).toContain('the response body could not be read');
    expect(error.message).not.toContain('empty');
  });
});
