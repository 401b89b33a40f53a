import { describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { TEST_KEY } from '../__fixtures__/test-server.ts';
import { createGemini } from '../create-gemini.ts';

// A page that went offline after it loaded: every module a failure loads on demand (bytes42) fails
// to load — the request's error (status-error.ts), the API error's description
// (create-api-call-error.ts) and the retry machinery (with-retry.ts). The call must still reject
// with a typed error that keeps the status and says whether a retry could help. Its own module
// graph: vitest.config.ts, CORE_ISOLATED.
vi.mock('./status-error.ts', () => {
  throw new TypeError('Failed to fetch dynamically imported module: status-error.js');
});
vi.mock('../../errors/api-call/create-api-call-error.ts', () => {
  throw new TypeError('Failed to fetch dynamically imported module: create-api-call-error.js');
});
vi.mock('../../retry/with-retry.ts', () => {
  throw new TypeError('Failed to fetch dynamically imported module: with-retry.js');
});

const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

describe('a failed request when every failure-only module fails to load', () => {
  it('rejects a 503 with an ApiCallError of status 503 that is retryable, unary and streamed', async () => {
    for (const stream of [false, true]) {
      let calls = 0;
      const fetch = (async () => {
        calls++;
        return new Response('{"error":{"code":503,"message":"overloaded"}}', { status: 503 });
      }) as typeof globalThis.fetch;
      const gemini = createGemini({ apiKey: TEST_KEY, fetch, retry: { initialDelayMs: 1 } });
      const error = await (stream
        ? (async () => {
            for await (const _ of gemini.streamGenerateContent(request)) {
              // No chunk comes.
            }
          })()
        : gemini.generateContent(request)
      ).then(
        () => new Error('expected a rejection'),
        (caught: unknown) => caught,
      );
      // Before: the retry module's TypeError, untyped, the status gone.
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ status: 503, isRetryable: true, attempt: 1 });
      expect((error as Error).message).toMatch(
        /failed with status 503; the error's description could not be loaded/,
      );
      expect(calls).toBe(1);
    }
  });
});
