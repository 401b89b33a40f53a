import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { callFake, errorMessage, parseSseEvents } from '../__fixtures__/call-fake.ts';
import { readFixtureJson } from '../__fixtures__/gemini-fixtures.ts';
import { createFakeGemini } from '../create-fake-gemini.ts';
import type { FakeFault } from './fake-faults.ts';
import { turn } from './fake-turn.ts';

const question = { contents: [{ role: 'user', parts: [{ text: 'Tell me a long story.' }] }] };
const story = 'Once upon a time there was a fake server that streamed every word it knew, slowly.';

/** Reads a streamed body until it ends or fails: the text that arrived, and the failure. */
async function readUntilFailure(response: Response): Promise<{ text: string; error: unknown }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

async function streamWithFault(fault: FakeFault, target: 'http' | 'fetch' = 'http') {
  const fake = createFakeGemini({ script: [turn.text(story)], chunkSize: 10, faults: [{ fault }] });
  const base =
    target === 'http' ? (await fake.listen()).url : 'https://generativelanguage.googleapis.com';
  const doFetch = target === 'http' ? fetch : fake.fetch;
  const response = await doFetch(
    `${base}/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse`,
    { method: 'POST', headers: { 'x-goog-api-key': 'k' }, body: JSON.stringify(question) },
  );
  const result = await readUntilFailure(response);
  await fake.close();
  return { status: response.status, ...result, fake };
}

describe('createFakeGemini faults', () => {
  it('answers a rate limit with the recorded 429 body', async () => {
    const expected = readFixtureJson(
      'errors/429-RESOURCE_EXHAUSTED-Help-QuotaFailure-RetryInfo.json',
    );
    // The recording's quota dimension names `gemini-3-flash` (the quota's name, not a model id
    // the table knows), and the fake echoes the requested name there: declare it.
    const fake = createFakeGemini({
      models: ['gemini-3-flash'],
      faults: [{ fault: { type: 'rate-limit', retryDelaySeconds: 58.217843437 } }],
    });
    const result = await callFake(fake, question, { model: 'gemini-3-flash' });
    expect(result.status).toBe(429);
    expect(result.json).toEqual(expected);
  });

  it('answers a spent daily quota with a PerDay quotaId and a short RetryInfo', async () => {
    const fake = createFakeGemini({ faults: [{ fault: { type: 'daily-quota' } }] });
    const result = await callFake(fake, question);
    expect(result.status).toBe(429);
    expect(JSON.stringify(result.json)).toContain('PerDay');
    expect(result.json).toMatchObject({
      error: {
        status: 'RESOURCE_EXHAUSTED',
        details: expect.arrayContaining([expect.objectContaining({ retryDelay: '21s' })]),
      },
    });
  });

  it('answers 500 and 503 with the real texts, array-wrapped without alt=sse', async () => {
    const expected = readFixtureJson('errors/503-UNAVAILABLE-overloaded.no-alt-sse-array.json');
    const fake = createFakeGemini({
      faults: [
        { fault: { type: 'overloaded' }, on: 0 },
        { fault: { type: 'internal' }, on: 1 },
      ],
    });
    const overloaded = await callFake(fake, question, { mode: 'array' });
    expect(overloaded.status).toBe(503);
    expect(overloaded.json).toEqual(expected);
    const internal = await callFake(fake, question, { mode: 'sse' });
    expect(internal.status).toBe(500);
    // Before a stream starts the error is plain JSON, not data:-framed, as recorded.
    expect(internal.headers.get('content-type')).toBe('text/event-stream');
    expect(errorMessage(internal.json)).toContain('An internal error has occurred');
  });

  it('answers any custom HTTP error', async () => {
    const fake = createFakeGemini({
      faults: [
        {
          fault: {
            type: 'http-error',
            error: {
              status: 504,
              body: {
                error: {
                  code: 504,
                  message: 'Deadline expired before operation could complete.',
                  status: 'DEADLINE_EXCEEDED',
                },
              },
            },
          },
        },
      ],
    });
    const result = await callFake(fake, question);
    expect(result.status).toBe(504);
    expect(errorMessage(result.json)).toBe('Deadline expired before operation could complete.');
  });

  it('delays the answer by the latency asked for', async () => {
    // In fake time, not by a stopwatch: the answer is held until the 60th millisecond, not one
    // before, however slow the machine.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const fake = createFakeGemini({ faults: [{ fault: { type: 'latency', ms: 60 } }] });
      let result: Awaited<ReturnType<typeof callFake>> | undefined;
      const call = callFake(fake, question).then((answer) => {
        result = answer;
      });
      // The delay's timer is set once the request has reached the fake. (Not vi.waitFor: under
      // fake timers it moves the clock itself.)
      while (vi.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(59);
      expect(result).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      await call;
      expect(result?.status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resets the connection after N events, over a real socket', async () => {
    const { status, text, error } = await streamWithFault({
      type: 'connection-reset',
      afterChunks: 2,
    });
    expect(status).toBe(200);
    expect(error).toBeInstanceOf(TypeError);
    expect(parseSseEvents(text)).toHaveLength(2);
  });

  it('resets the connection before any answer on generateContent', async () => {
    await using fake = createFakeGemini({
      faults: [{ fault: { type: 'connection-reset' }, times: 1 }],
    });
    const { url } = await fake.listen();
    await expect(callFake(url, question)).rejects.toThrow(TypeError);
    await expect(callFake(fake, question)).resolves.toMatchObject({ status: 200 });
  });

  it('ends a stream in the middle of an event', async () => {
    const { text, error } = await streamWithFault({ type: 'truncated-stream', afterChunks: 3 });
    expect(error).toBeUndefined();
    const events = text.split('\r\n\r\n');
    expect(events).toHaveLength(4);
    expect(() => parseSseEvents(events.slice(0, 3).join('\r\n\r\n'))).not.toThrow();
    expect(() => JSON.parse((events[3] as string).slice(6))).toThrow();
  });

  it('sends an error object as an event mid-stream', async () => {
    const { text } = await streamWithFault({ type: 'stream-error', afterChunks: 2 });
    const events = parseSseEvents(text);
    expect(events).toHaveLength(3);
    expect(events[2]).toEqual({
      error: {
        code: 503,
        message: 'The model is overloaded. Please try again later.',
        status: 'UNAVAILABLE',
      },
    });
  });

  it('sends an event that is not JSON', async () => {
    const { text } = await streamWithFault({ type: 'malformed-chunk', afterChunks: 1 });
    const events = text.split('\r\n\r\n').filter(Boolean);
    expect(events).toHaveLength(2);
    expect(() => JSON.parse((events[1] as string).slice(6))).toThrow(SyntaxError);
  });

  it('maps a reset to an erroring body stream on the in-process fetch', async () => {
    const { text, error } = await streamWithFault(
      { type: 'connection-reset', afterChunks: 1 },
      'fetch',
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(parseSseEvents(text)).toHaveLength(1);
  });

  it('answers the model outcomes: malformed call, safety stop, blocked prompt, empty candidates', async () => {
    const fake = createFakeGemini({
      faults: [
        { fault: { type: 'malformed-function-call' }, on: 0 },
        { fault: { type: 'safety' }, on: 1 },
        { fault: { type: 'blocked-prompt', blockReason: 'PROHIBITED_CONTENT' }, on: 2 },
        { fault: { type: 'empty-candidates' }, on: 3 },
      ],
    });
    const [malformed, safety, blocked, empty] = [
      await callFake(fake, question),
      await callFake(fake, question),
      await callFake(fake, question),
      await callFake(fake, question),
    ];
    expect(malformed.json).toMatchObject({
      candidates: [
        {
          content: {},
          finishReason: 'MALFORMED_FUNCTION_CALL',
          finishMessage: expect.stringContaining('Malformed function call'),
        },
      ],
    });
    expect(safety.json).toMatchObject({ candidates: [{ content: {}, finishReason: 'SAFETY' }] });
    expect(blocked.json).toMatchObject({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } });
    expect((blocked.json as Record<string, unknown>)['candidates']).toBeUndefined();
    expect(empty.json).toMatchObject({ usageMetadata: { promptTokenCount: expect.any(Number) } });
    expect((empty.json as Record<string, unknown>)['candidates']).toBeUndefined();
    expect(fake.modelRequests.map((request) => request.fault)).toEqual([
      'malformed-function-call',
      'safety',
      'blocked-prompt',
      'empty-candidates',
    ]);
  });

  it('never uses up a scripted turn on a fault', async () => {
    const fake = createFakeGemini({
      script: [turn.text('first'), turn.text('second')],
      faults: [
        { fault: { type: 'overloaded' }, on: 0 },
        { fault: { type: 'connection-reset', afterChunks: 1 }, on: 1 },
      ],
    });
    expect((await callFake(fake, question)).status).toBe(503);
    const broken = await fake.fetch(
      'https://x/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse',
      {
        method: 'POST',
        headers: { 'x-goog-api-key': 'k' },
        body: JSON.stringify(question),
      },
    );
    expect((await readUntilFailure(broken)).error).toBeInstanceOf(TypeError);
    const answer = await callFake(fake, question);
    expect(answer.json).toMatchObject({
      candidates: [{ content: { parts: [{ text: 'first' }] } }],
    });
    expect(fake.turnsDelivered).toBe(1);
  });

  it('picks faults by index, list, predicate and times, and failNext comes first', async () => {
    const fake = createFakeGemini({
      faults: [
        { fault: { type: 'internal' }, on: [1, 3] },
        { fault: { type: 'overloaded' }, on: ({ stream }) => stream, times: 1 },
      ],
    });
    const statuses: number[] = [];
    for (let index = 0; index < 5; index++) {
      statuses.push(
        (await callFake(fake, question, { mode: index === 4 ? 'sse' : 'unary' })).status,
      );
    }
    expect(statuses).toEqual([200, 500, 200, 500, 503]);
    fake.failNext({ type: 'rate-limit', retryDelaySeconds: 0 }, 2);
    const next = [
      await callFake(fake, question),
      await callFake(fake, question),
      await callFake(fake, question),
    ];
    expect(next.map((result) => result.status)).toEqual([429, 429, 200]);
  });

  it('fails a seeded share of calls, the same ones for the same seed', async () => {
    const run = async (seed: number) => {
      const fake = createFakeGemini({
        seed,
        faults: [{ fault: { type: 'overloaded' }, probability: 0.3 }],
      });
      const statuses: number[] = [];
      for (let index = 0; index < 40; index++)
        statuses.push((await callFake(fake, question)).status);
      return statuses;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    const failures = first.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(4);
    expect(failures).toBeLessThan(24);
    expect(await run(43)).not.toEqual(first);
  });
});

describe('createFakeGemini msw handlers', () => {
  const fake = createFakeGemini({
    script: () => turn.text(story),
    chunkSize: 10,
    faults: [
      {
        fault: { type: 'connection-reset', afterChunks: 2 },
        on: ({ body }) => JSON.stringify(body).includes('reset mid-stream'),
      },
      {
        fault: { type: 'connection-reset' },
        on: ({ body }) => JSON.stringify(body).includes('reset now'),
      },
    ],
  });
  const server = setupServer(...fake.handlers(), ...fake.handlers('https://api.cometapi.com'));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it('answers generateContent and streams through msw, on Google and gateway base URLs', async () => {
    const unary = await callFake('https://generativelanguage.googleapis.com', question);
    expect(unary.json).toMatchObject({ candidates: [{ content: { parts: [{ text: story }] } }] });
    const streamed = await callFake('https://api.cometapi.com', question, {
      mode: 'sse',
      apiKey: null,
      headers: { authorization: 'Bearer comet-key' },
    });
    expect(parseSseEvents(streamed.text).length).toBeGreaterThan(5);
    expect(fake.lastRequest?.headers['authorization']).toBe('Bearer [redacted]');
  });

  it('errors the body stream for a reset mid-stream, and fails fetch for a reset before headers', async () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'reset mid-stream' }] }] };
    const response = await fetch(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse',
      { method: 'POST', headers: { 'x-goog-api-key': 'k' }, body: JSON.stringify(body) },
    );
    const { text, error } = await readUntilFailure(response);
    expect(error).toBeDefined();
    expect(parseSseEvents(text)).toHaveLength(2);
    const now = { contents: [{ role: 'user', parts: [{ text: 'reset now' }] }] };
    await expect(callFake('https://generativelanguage.googleapis.com', now)).rejects.toThrow(
      TypeError,
    );
  });
});
