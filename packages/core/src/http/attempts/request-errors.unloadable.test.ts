import { describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { StreamError } from '../../errors/stream-error.ts';
import { sseBody, sseEvent, TEST_KEY, textResponse } from '../__fixtures__/test-server.ts';
import { createGemini } from '../create-gemini.ts';

// status-error.ts (a failed request's error: its body read, a refused redirect) and
// create-decode-error.ts (a body that did not decode) load on the first failure (bytes42). Here
// that load itself fails, as a bundler's chunk that 404s or a page that went offline makes it: the
// failure must keep its status and its retries. Its own module graph: vitest.config.ts,
// CORE_ISOLATED.
vi.mock('./status-error.ts', () => {
  throw new TypeError('Failed to fetch dynamically imported module: status-error.js');
});
vi.mock('../../errors/create-decode-error.ts', () => {
  throw new TypeError('Failed to fetch dynamically imported module: create-decode-error.js');
});

const request = { model: 'gemini-2.5-flash', contents: 'Hi' };
const retry = { initialDelayMs: 1, maxDelayMs: 1, jitter: false } as const;
const failed = (status: number): Response =>
  new Response(
    JSON.stringify({ error: { code: status, message: 'echoed AIzaSyECHOED', status: 'X' } }),
    {
      status,
      headers: { 'content-type': 'application/json' },
    },
  );
const ok = (): Response => Response.json(textResponse('ok'));
const streamOk = (): Response =>
  new Response(sseBody([sseEvent(textResponse('ok'))]), {
    headers: { 'content-type': 'text/event-stream' },
  });

/** A fetch answering each response in turn, counting the requests. */
function answers(...responses: (() => Response)[]): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  const fetch = (async () => {
    const next = responses[Math.min(calls, responses.length - 1)] as () => Response;
    calls++;
    return next();
  }) as typeof globalThis.fetch;
  return { fetch, calls: () => calls };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('a failed request whose error module cannot be loaded', () => {
  it('retries a 503 and then answers, unary and streamed', async () => {
    const unary = answers(() => failed(503), ok);
    const gemini = createGemini({ apiKey: TEST_KEY, fetch: unary.fetch, retry });
    const response = await gemini.generateContent(request);
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
    expect(unary.calls()).toBe(2);

    const streamed = answers(() => failed(503), streamOk);
    const streaming = createGemini({ apiKey: TEST_KEY, fetch: streamed.fetch, retry });
    const texts: string[] = [];
    for await (const chunk of streaming.streamGenerateContent(request)) {
      texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '');
    }
    expect(texts).toEqual(['ok']);
    expect(streamed.calls()).toBe(2);
  });

  it('rejects a 400 at once with an ApiCallError that has the status and says why, never the body', async () => {
    for (const stream of [false, true]) {
      const { fetch, calls } = answers(() => failed(400));
      const gemini = createGemini({ apiKey: TEST_KEY, fetch, retry });
      const error = await rejection(
        stream
          ? (async () => {
              for await (const _ of gemini.streamGenerateContent(request)) {
                // No chunk comes.
              }
            })()
          : gemini.generateContent(request),
      );
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ status: 400, isRetryable: false, attempt: 1 });
      expect((error as Error).message).toMatch(
        /^(streamG|g)enerateContent failed with status 400; the error's description could not be loaded \(.+\)\.$/,
      );
      // Why, kept as the cause (Vitest's wrap of the mock's TypeError).
      expect(String(((error as Error).cause as Error).cause)).toContain('status-error.js');
      expect((error as Error).message).not.toContain('AIza');
      expect(calls()).toBe(1);
    }
  });

  it('classifies a network failure by what fetch threw, not by the failed load: a reset is retried', async () => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      if (calls === 1) {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
        });
      }
      return ok();
    }) as typeof globalThis.fetch;
    const gemini = createGemini({ apiKey: TEST_KEY, fetch, retry });
    const response = await gemini.generateContent(request);
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
    expect(calls).toBe(2);
  });

  it('retries a 200 whose body was cut by a reset (unary), and ends a cut stream with a typed StreamError', async () => {
    const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const cut = (first: string): Response => {
      let sent = false;
      return new Response(
        new ReadableStream<Uint8Array>({
          // One read gets the first bytes, the next the reset (an error in the same turn would
          // drop the queued bytes).
          pull(controller) {
            if (sent) return controller.error(reset());
            sent = true;
            controller.enqueue(new TextEncoder().encode(first));
          },
        }),
        {
          headers: {
            'content-type': first.startsWith('data:') ? 'text/event-stream' : 'application/json',
          },
        },
      );
    };
    const unary = answers(() => cut('{"candidates":'), ok);
    const gemini = createGemini({ apiKey: TEST_KEY, fetch: unary.fetch, retry });
    const response = await gemini.generateContent(request);
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
    expect(unary.calls()).toBe(2);

    const streamed = answers(() => cut(sseEvent(textResponse('first'))));
    const streaming = createGemini({ apiKey: TEST_KEY, fetch: streamed.fetch, retry });
    const texts: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const chunk of streaming.streamGenerateContent(request)) {
          texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '');
        }
      })(),
    );
    expect(texts).toEqual(['first']);
    expect(StreamError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'connection', chunksDelivered: 1 });
    expect((error as Error).message).toContain('ECONNRESET');
  });
});
