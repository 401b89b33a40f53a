import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';

// attack42b: retries against a hostile gateway, from outside: the real client over an injected
// fetch that answers 429s with every odd way of saying how long to wait. Waits stay bounded (a
// delay past retry.maxServerDelayMs fails at once, naming it), unreadable ones back off as usual,
// an abort stops a wait at once and leaves no timer, and the key is in no error.

const KEY = 'AIzaRetryAttack-0123456789';
const request = { model: 'gemini-2.5-flash', contents: 'Hello.' };
const ok = { candidates: [{ content: { role: 'model', parts: [{ text: 'OK' }] } }] };

function tooMany(headers: Record<string, string> = {}, retryDelay?: string): Response {
  const details =
    retryDelay === undefined
      ? []
      : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }];
  return Response.json(
    {
      error: {
        code: 429,
        message: `Resource exhausted for ${KEY}`,
        status: 'RESOURCE_EXHAUSTED',
        details,
      },
    },
    { status: 429, headers },
  );
}

/** A client whose gateway answers with `answer(n)` for request n; retries a few ms apart. */
function client(answer: (request: number) => Response, maxServerDelayMs = 60_000) {
  let requests = 0;
  const fetch = async (): Promise<Response> => answer(++requests);
  const gemini = createGemini({
    apiKey: KEY,
    fetch: fetch as typeof globalThis.fetch,
    retry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 5, maxServerDelayMs },
  });
  return { gemini, requests: () => requests };
}

function render(error: unknown): string {
  return `${String(error)} ${JSON.stringify(error)}`;
}

describe('retry against a hostile gateway', () => {
  it('fails at once, naming retry.maxServerDelayMs, when the server asks for a huge wait', async () => {
    const huge: [string, () => Response][] = [
      ['Retry-After: 1e308', () => tooMany({ 'retry-after': '1e308' })],
      ['Retry-After: 86400', () => tooMany({ 'retry-after': '86400' })],
      ['retry-after-ms: 9e15', () => tooMany({ 'retry-after-ms': '9000000000000000' })],
      ['an HTTP date next year', () => tooMany({ 'retry-after': 'Wed, 01 Dec 2027 00:00:00 GMT' })],
      ['RetryInfo 1e308s', () => tooMany({}, '1e308s')],
      ['RetryInfo 3600s', () => tooMany({}, '3600s')],
    ];
    for (const [label, answer] of huge) {
      const { gemini, requests } = client(answer);
      const error = await gemini.generateContent(request).catch((thrown: unknown) => thrown);
      expect(ApiCallError.isInstance(error), label).toBe(true);
      expect((error as ApiCallError).message, label).toMatch(/retry\.maxServerDelayMs/);
      expect(requests(), label).toBe(1);
      expect(render(error), label).not.toContain(KEY);
    }
  });

  it('backs off as usual on a wait it cannot read, and retries at once on one in the past', async () => {
    const odd: [string, () => Response][] = [
      ['Retry-After: -5', () => tooMany({ 'retry-after': '-5' })],
      ['Retry-After: soon', () => tooMany({ 'retry-after': 'soon' })],
      ['Retry-After: NaN', () => tooMany({ 'retry-after': 'NaN' })],
      ['Retry-After: Infinity', () => tooMany({ 'retry-after': 'Infinity' })],
      ['Retry-After: 0x10', () => tooMany({ 'retry-after': '0x10' })],
      ['an HTTP date in 1999', () => tooMany({ 'retry-after': 'Fri, 01 Jan 1999 00:00:00 GMT' })],
      ['retry-after-ms: -1', () => tooMany({ 'retry-after-ms': '-1' })],
      ['RetryInfo -5s', () => tooMany({}, '-5s')],
      ['RetryInfo 5 minutes', () => tooMany({}, '5m')],
      ['RetryInfo 100ms', () => tooMany({}, '100ms')],
      ['RetryInfo as a number', () => tooMany({}, 7 as unknown as string)],
    ];
    for (const [label, answer] of odd) {
      const { gemini, requests } = client((n) => (n < 3 ? answer() : Response.json(ok)));
      const response = await gemini.generateContent(request);
      expect(response.candidates?.[0]?.content?.parts, label).toEqual([{ text: 'OK' }]);
      expect(requests(), label).toBe(3);
    }
  });

  it('stops a storm of 429s after maxRetries, the last error typed and without the key', async () => {
    for (const streamed of [false, true]) {
      const { gemini, requests } = client(() => tooMany({ 'retry-after': '0' }));
      const error = streamed
        ? await (async () => {
            for await (const _chunk of gemini.streamGenerateContent(request)) {
              // nothing comes
            }
          })().catch((thrown: unknown) => thrown)
        : await gemini.generateContent(request).catch((thrown: unknown) => thrown);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ status: 429, attempt: 4 });
      expect(requests()).toBe(4);
      expect(render(error)).not.toContain(KEY);
    }
  });

  it('takes a 200 carrying an error body (or a stream whose first event is one) as that error: retried when retryable', async () => {
    const error = { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' };
    for (const body of [{ error }, [{ error }]]) {
      const { gemini, requests } = client((n) => Response.json(n < 3 ? body : ok));
      const response = await gemini.generateContent(request);
      expect(response.candidates?.[0]?.content?.parts).toEqual([{ text: 'OK' }]);
      expect(requests()).toBe(3);
    }
    // Streamed: the error as the stream's first event, before any chunk.
    const sse = (value: unknown) =>
      new Response(`data: ${JSON.stringify(value)}\r\n\r\n`, {
        headers: { 'content-type': 'text/event-stream' },
      });
    const streamed = client((n) => sse(n < 3 ? { error } : ok));
    const chunks = [];
    for await (const chunk of streamed.gemini.streamGenerateContent(request)) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts)).toEqual([
      [{ text: 'OK' }],
    ]);
    expect(streamed.requests()).toBe(3);
    const refused = { code: 400, message: 'Bad request.', status: 'INVALID_ARGUMENT' };
    const { gemini, requests } = client(() => Response.json({ error: refused }));
    const thrown = await gemini.generateContent(request).catch((caught: unknown) => caught);
    expect(thrown).toMatchObject({ status: 400, isRetryable: false });
    expect(requests()).toBe(1);
  });

  it('stops a 60 s server wait at once on abort and leaves no timer behind', async () => {
    const { gemini, requests } = client(() => tooMany({ 'retry-after': '60' }));
    const timers = () =>
      process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timers();
    const controller = new AbortController();
    const pending = gemini
      .generateContent(request, { signal: controller.signal })
      .catch((thrown: unknown) => thrown);
    // Waiting: the first 429 came and its 60 s wait began.
    while (requests() === 0 || timers() === before) await new Promise((done) => setImmediate(done));
    const reason = new Error('user left');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(requests()).toBe(1);
    expect(timers()).toBe(before);
  });
});
