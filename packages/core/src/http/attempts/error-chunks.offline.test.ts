import { describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { sseBody, sseEvent, TEST_KEY, textResponse } from '../__fixtures__/test-server.ts';
import { createGemini } from '../create-gemini.ts';

// Both error chunks fail to load (an offline browser, a CDN that 404s them): status-error.ts (a
// failed request's error, a refused redirect) and create-api-call-error.ts (the API error's
// description and the network failure's, with its table of transient codes). The retry module
// still loads. A network failure must stay retryable and a redirect must still say it was refused
// (leftovers46). Its own module graph: vitest.config.ts, CORE_ISOLATED.
vi.mock('./status-error.ts', () => {
  throw new TypeError('Failed to fetch dynamically imported module: status-error.js');
});
vi.mock('../../errors/api-call/create-api-call-error.ts', () => {
  throw new TypeError('Failed to fetch dynamically imported module: create-api-call-error.js');
});

const request = { model: 'gemini-2.5-flash', contents: 'Hi' };
const retry = { initialDelayMs: 1, maxDelayMs: 1, jitter: false } as const;
const ok = (): Response => Response.json(textResponse('ok'));
const streamOk = (): Response =>
  new Response(sseBody([sseEvent(textResponse('ok'))]), {
    headers: { 'content-type': 'text/event-stream' },
  });

/** A fetch that throws `thrown()` on its first request and answers `then()` after, counting. */
function failingOnce(thrown: () => unknown, then: () => Response) {
  let calls = 0;
  const fetch = (async () => {
    calls++;
    if (calls === 1) throw thrown();
    return then();
  }) as typeof globalThis.fetch;
  return { fetch, calls: () => calls };
}

/** What a call rejects with, unary or streamed. */
async function rejection(gemini: ReturnType<typeof createGemini>, stream: boolean) {
  const call = stream
    ? (async () => {
        for await (const _ of gemini.streamGenerateContent(request)) {
          // No chunk comes.
        }
      })()
    : gemini.generateContent(request);
  return call.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const reset = (): TypeError =>
  new TypeError('fetch failed', {
    cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
  });

describe('a failure when neither error chunk loads', () => {
  it('retries a connection reset and a browser network failure, unary and streamed', async () => {
    for (const thrown of [reset, () => new TypeError('Failed to fetch')]) {
      const unary = failingOnce(thrown, ok);
      const gemini = createGemini({ apiKey: TEST_KEY, fetch: unary.fetch, retry });
      const response = await gemini.generateContent(request);
      expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
      expect(unary.calls()).toBe(2);

      const streamed = failingOnce(thrown, streamOk);
      const streaming = createGemini({ apiKey: TEST_KEY, fetch: streamed.fetch, retry });
      const texts: string[] = [];
      for await (const chunk of streaming.streamGenerateContent(request)) {
        texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '');
      }
      expect(texts).toEqual(['ok']);
      expect(streamed.calls()).toBe(2);
    }
  });

  it('keeps a reset retryable in the error, and what is not a network failure not', async () => {
    const cases = [
      { thrown: reset, retryable: true },
      // A code that names no transient failure, and an error of a custom fetch's own.
      {
        thrown: () =>
          new TypeError('fetch failed', {
            cause: Object.assign(new Error('bad port'), { code: 'ERR_BAD_PORT' }),
          }),
        retryable: false,
      },
      { thrown: () => new Error('custom fetch broke'), retryable: false },
    ];
    for (const { thrown, retryable } of cases) {
      for (const stream of [false, true]) {
        let calls = 0;
        const fetch = (async () => {
          calls++;
          throw thrown();
        }) as typeof globalThis.fetch;
        const gemini = createGemini({
          apiKey: TEST_KEY,
          fetch,
          retry: { ...retry, maxRetries: 0 },
        });
        const error = await rejection(gemini, stream);
        expect(ApiCallError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ status: undefined, isRetryable: retryable });
        expect(calls).toBe(1);
      }
    }
  });

  it('says a redirect was refused, and why, for a 3xx, unary and streamed, never following it', async () => {
    for (const stream of [false, true]) {
      let calls = 0;
      const fetch = (async () => {
        calls++;
        return new Response(null, {
          status: 302,
          headers: { location: 'http://elsewhere.example/v1beta?key=AIzaSyLEAKED' },
        });
      }) as typeof globalThis.fetch;
      const gemini = createGemini({ apiKey: TEST_KEY, fetch, retry });
      const error = await rejection(gemini, stream);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ status: 302, isRetryable: false, attempt: 1 });
      const { message } = error as Error;
      expect(message).toMatch(/got a redirect \(HTTP 302\)/);
      expect(message).toMatch(/refused: the API key goes to no other host/);
      expect(message).toMatch(/set baseUrl/i);
      expect(message).not.toContain('AIza');
      expect(calls).toBe(1);
    }
  });
});
