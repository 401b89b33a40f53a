import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestServer,
  GOOGLE,
  sseEvent,
  TEST_KEY,
  textResponse,
} from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

// The caller's abort reason is what an aborted call rejects with, as given (create-gemini.faults
// has an Error's and a string's): here a thenable one, which a promise's resolution would adopt
// (`then` called, the call rejecting with what it resolves to, or never settling).

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

/** An abort reason with a `then`: it counts its calls and resolves to another value. */
function thenableReason(): { then: (resolve: (value: unknown) => void) => void; thens: number } {
  const reason = {
    thens: 0,
    // biome-ignore lint/suspicious/noThenProperty: a thenable abort reason is what this test sends.
    then(resolve: (value: unknown) => void): void {
      reason.thens++;
      resolve('what the thenable resolves to');
    },
  };
  return reason;
}

/** What `promise` rejects with, boxed (a thenable returned from a handler would be adopted). */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => ({ error }),
  );
}

describe('an aborted call', () => {
  it('rejects with a thenable abort reason as given while the request is out (unary)', async () => {
    let arrive = () => {};
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    let release = () => {};
    const answer = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http.post(`${GOOGLE}/models/gemini-2.5-flash:generateContent`, async () => {
        arrive();
        await answer;
        return HttpResponse.json(textResponse('late') as Record<string, never>);
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const controller = new AbortController();
    const reason = thenableReason();
    const promise = rejection(gemini.generateContent(request, { signal: controller.signal }));
    await arrived;
    controller.abort(reason);
    try {
      expect((await promise).error).toBe(reason);
      expect(reason.thens).toBe(0);
    } finally {
      release();
    }
  });

  it('rejects with a thenable abort reason as given after a chunk (streamed)', async () => {
    const encoder = new TextEncoder();
    let release = () => {};
    const answer = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http.post(`${GOOGLE}/models/gemini-2.5-flash:streamGenerateContent`, () => {
        const body = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode(sseEvent(textResponse('first'))));
            await answer;
            controller.close();
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const controller = new AbortController();
    const reason = thenableReason();
    const texts: unknown[] = [];
    const promise = rejection(
      (async () => {
        for await (const chunk of gemini.streamGenerateContent(request, {
          signal: controller.signal,
        })) {
          texts.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text);
          // Aborted while the next chunk is awaited.
          setTimeout(() => controller.abort(reason), 20);
        }
      })(),
    );
    try {
      expect((await promise).error).toBe(reason);
      expect(texts).toEqual(['first']);
      expect(reason.thens).toBe(0);
    } finally {
      release();
    }
  });
});
