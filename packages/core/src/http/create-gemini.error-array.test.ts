import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import {
  createTestServer,
  GOOGLE,
  readFixture,
  retryWatch,
  TEST_KEY,
  textResponse,
} from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

// A 200 generateContent whose body is Google's error array (`[{"error":{...}}]`, the form
// streamGenerateContent uses without alt=sse, served by gateways on the unary route too) is the
// same failure as that error at HTTP level: status, Google status, retryability and RetryInfo.

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

const GENERATE = `${GOOGLE}/models/gemini-2.5-flash:generateContent`;
const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

function sequence(...bodies: string[]): { count: number } {
  const state = { count: 0 };
  server.use(
    http.post(GENERATE, () => {
      const body = bodies[Math.min(state.count, bodies.length - 1)] as string;
      state.count++;
      return new HttpResponse(body, {
        status: 200,
        headers: { 'content-type': 'application/json; charset=UTF-8' },
      });
    }),
  );
  return state;
}

async function rejection(promise: Promise<unknown>): Promise<ApiCallError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as ApiCallError,
  );
}

describe('createGemini with a 200 error array', () => {
  it('turns [{"error": 400}] into the same ApiCallError as a 400, not retried', async () => {
    const body = readFixture(
      'errors/400-INVALID_ARGUMENT-missing-thought_signature.no-alt-sse-array.json',
    );
    const state = sequence(body);
    const gemini = createGemini({ apiKey: TEST_KEY });
    const error = await rejection(gemini.generateContent(request));
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(error.status).toBe(400);
    expect(error.googleStatus).toBe('INVALID_ARGUMENT');
    expect(error.apiMessage).toContain('thought_signature');
    expect(error.isRetryable).toBe(false);
    expect(error.responseBody).toBe(body);
    expect(state.count).toBe(1);
    // The HTTP status was 200: the 400 is the code of the error object the body carried.
    expect(error.message).not.toContain('HTTP 400');
    expect(error.message).toContain(
      'the HTTP 200 response carried an error with code 400 INVALID_ARGUMENT',
    );
  });

  it('retries [{"error": 503}] as a 503 and then returns the answer', async () => {
    const state = sequence(
      readFixture('errors/503-UNAVAILABLE-overloaded.no-alt-sse-array.json'),
      JSON.stringify(textResponse('ok')),
    );
    const gemini = createGemini({ apiKey: TEST_KEY, retry: { initialDelayMs: 0, maxDelayMs: 0 } });
    const response = await gemini.generateContent(request);
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
    expect(state.count).toBe(2);
  });

  it('waits the RetryInfo delay of an array-wrapped 429 exactly', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const wrapped = `[${readFixture('errors/429-RESOURCE_EXHAUSTED-Help-QuotaFailure-RetryInfo.json')}]`;
    const state = sequence(wrapped, JSON.stringify(textResponse('ok')));
    const watch = retryWatch();
    const gemini = createGemini({ apiKey: TEST_KEY, logger: watch.logger });
    const promise = gemini.generateContent(request);
    await watch.untilRetries(1);
    await vi.advanceTimersByTimeAsync(57_990);
    expect(state.count).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    await promise;
    expect(state.count).toBe(2);
  });

  it('keeps a 200 array that holds no error a shape error', async () => {
    sequence(JSON.stringify([textResponse('a')]));
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const error = await rejection(gemini.generateContent(request));
    expect(error.googleStatus).toBeUndefined();
    expect(error.isRetryable).toBe(false);
  });
});
