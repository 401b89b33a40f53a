import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { delay, HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/create-logger.ts';
import type { Logger } from '../logging/logger.ts';
import type { AuthStyle } from '../shared/credential-style.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import {
  createTestServer,
  GOOGLE,
  readFixture,
  sseEvent,
  TEST_KEY,
  textResponse,
} from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const GENERATE = `${GOOGLE}/models/gemini-2.5-flash:generateContent`;
const STREAM = `${GOOGLE}/models/gemini-2.5-flash:streamGenerateContent`;
const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

/** Every way an error gets turned into text. */
function renderings(error: unknown): string[] {
  return [
    JSON.stringify(error),
    (error as Error).message,
    String(error),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    (error as Error).stack ?? '',
  ];
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

async function drain(iterable: AsyncIterable<GenerateContentResponse>): Promise<void> {
  for await (const _ of iterable) {
    // read to the end
  }
}

/** The error paths, each set up on the msw server, returning how to trigger it. */
const errorPaths: [string, (auth: AuthStyle) => () => Promise<unknown>][] = [
  [
    'a rejected key (400 API_KEY_INVALID)',
    (auth) => {
      server.use(
        http.post(
          GENERATE,
          () =>
            new HttpResponse(
              readFixture('errors/400-INVALID_ARGUMENT-API_KEY_INVALID.DOCS-EXAMPLE.json'),
              {
                status: 400,
              },
            ),
        ),
      );
      return () => createGemini({ apiKey: TEST_KEY, auth }).generateContent(request);
    },
  ],
  [
    'a 401 from a gateway that echoes the key',
    (auth) => {
      server.use(
        http.post(GENERATE, () =>
          HttpResponse.json(
            {
              error: { code: 401, message: `invalid token ${TEST_KEY}`, status: 'UNAUTHENTICATED' },
            },
            { status: 401, headers: { 'x-echo-key': TEST_KEY } },
          ),
        ),
      );
      return () => createGemini({ apiKey: TEST_KEY, auth }).generateContent(request);
    },
  ],
  [
    'a network failure',
    (auth) => {
      server.use(http.post(GENERATE, () => HttpResponse.error()));
      return () =>
        createGemini({
          apiKey: TEST_KEY,
          auth,
          retry: { maxRetries: 1, initialDelayMs: 1 },
        }).generateContent(request);
    },
  ],
  [
    'a timeout',
    (auth) => {
      server.use(
        http.post(GENERATE, async () => {
          await delay(1_000);
          return HttpResponse.json(textResponse('late') as Record<string, never>);
        }),
      );
      return () => createGemini({ apiKey: TEST_KEY, auth, timeoutMs: 20 }).generateContent(request);
    },
  ],
  [
    'a stream error after the first chunk',
    (auth) => {
      server.use(
        http.post(STREAM, () => {
          const encoder = new TextEncoder();
          let sent = false;
          const body = new ReadableStream<Uint8Array>({
            pull(controller) {
              if (!sent) {
                sent = true;
                controller.enqueue(encoder.encode(`${sseEvent(textResponse('a'))}data: {"candid`));
                return;
              }
              return new Promise<void>((resolve) =>
                setTimeout(() => {
                  controller.error(new TypeError('terminated'));
                  resolve();
                }, 10),
              );
            },
          });
          return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
        }),
      );
      return () => drain(createGemini({ apiKey: TEST_KEY, auth }).streamGenerateContent(request));
    },
  ],
  [
    'an error object inside a stream',
    (auth) => {
      server.use(
        http.post(
          STREAM,
          () =>
            new HttpResponse(
              sseEvent({ error: { code: 500, message: 'Internal error', status: 'INTERNAL' } }),
              { headers: { 'content-type': 'text/event-stream' } },
            ),
        ),
      );
      return () =>
        drain(
          createGemini({ apiKey: TEST_KEY, auth, retry: false }).streamGenerateContent(request),
        );
    },
  ],
];

describe('createGemini keeps the key out of errors', () => {
  it('never shows the key when the client itself is printed or serialised', () => {
    const gemini = createGemini({ apiKey: TEST_KEY, headers: { 'x-team': 'a' } });
    expect(inspect(gemini, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(
      TEST_KEY,
    );
    expect(JSON.stringify(gemini)).not.toContain(TEST_KEY);
  });

  for (const auth of ['x-goog-api-key', 'bearer'] as const) {
    for (const [name, setUp] of errorPaths) {
      it(`never shows the key for ${name} (auth ${auth})`, async () => {
        const error = await failure(setUp(auth));
        expect(error).toBeInstanceOf(Error);
        for (const text of renderings(error)) expect(text).not.toContain(TEST_KEY);
      });
    }
  }
});

describe('createGemini logging', () => {
  /** A pino logger from createLogger writing into an array. */
  function capturedPino(level: 'trace' | 'debug') {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
        done();
      },
    });
    return { logger: createLogger({ level, destination }), lines };
  }

  /** A hand-written Logger that records every call, children included. */
  function recordingLogger(enabled: boolean) {
    const calls: {
      level: string;
      fields: Record<string, unknown>;
      message?: string | undefined;
    }[] = [];
    const make = (bindings: Record<string, unknown>): Logger => {
      const method = (level: string) => (fields: Record<string, unknown>, message?: string) =>
        calls.push({ level, fields: { ...bindings, ...fields }, message });
      return {
        child: (more) => make({ ...bindings, ...more }),
        trace: method('trace'),
        debug: method('debug'),
        info: method('info'),
        warn: method('warn'),
        error: method('error'),
        isLevelEnabled: () => enabled,
      };
    };
    return { logger: make({}), calls };
  }

  it('writes one debug line per attempt with model, method, attempt, status, latency and usage', async () => {
    let count = 0;
    server.use(
      http.post(GENERATE, () =>
        count++ === 0
          ? new HttpResponse(
              readFixture('errors/503-UNAVAILABLE-overloaded.no-alt-sse-array.json'),
              {
                status: 503,
              },
            )
          : HttpResponse.json(textResponse('ok') as Record<string, never>),
      ),
    );
    const { logger, lines } = capturedPino('debug');
    await createGemini({ apiKey: TEST_KEY, logger, retry: { initialDelayMs: 1 } }).generateContent(
      request,
    );
    const attempts = lines.filter(
      (line) => line['method'] === 'generateContent' && 'attempt' in line && 'latencyMs' in line,
    );
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({
      level: 20,
      component: 'gemini',
      model: 'models/gemini-2.5-flash',
      attempt: 1,
      status: 503,
    });
    expect((attempts[0] as { err: { status: number } }).err.status).toBe(503);
    expect(attempts[1]).toMatchObject({
      attempt: 2,
      status: 200,
      usage: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
    });
    expect(typeof attempts[1]?.['latencyMs']).toBe('number');
    expect(lines.some((line) => String(line['msg']).includes('retrying in'))).toBe(true);
    expect(lines.some((line) => 'body' in line)).toBe(false);
  });

  it('logs the end of a stream with chunk count and the last usage', async () => {
    server.use(
      http.post(
        STREAM,
        () =>
          new HttpResponse(
            readFixture('streams/gemini25-flash__cumulative-usage-every-chunk.sse'),
            {
              headers: { 'content-type': 'text/event-stream' },
            },
          ),
      ),
    );
    const { logger, lines } = capturedPino('debug');
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of createGemini({ apiKey: TEST_KEY, logger }).streamGenerateContent(
      request,
    )) {
      chunks.push(chunk);
    }
    const end = lines.find(
      (line) => line['method'] === 'streamGenerateContent' && 'chunks' in line,
    );
    expect(end).toMatchObject({ attempt: 1, status: 200, chunks: chunks.length });
    expect(end?.['usage']).toEqual(chunks.at(-1)?.usageMetadata);
  });

  it('never writes the key or an auth header, at trace level, on success and failure, both auth styles', async () => {
    for (const auth of ['x-goog-api-key', 'bearer'] as const) {
      const { logger, lines } = capturedPino('trace');
      server.use(
        http.post(GENERATE, () => HttpResponse.json(textResponse('ok') as Record<string, never>)),
      );
      await createGemini({ apiKey: TEST_KEY, auth, logger }).generateContent(request);
      for (const [, setUp] of errorPaths) await failure(setUp(auth)).catch(() => {});
      const { logger: failingLogger, lines: failingLines } = capturedPino('trace');
      server.use(
        http.post(GENERATE, () =>
          HttpResponse.json(
            { error: { code: 401, message: `bad ${TEST_KEY}`, status: 'UNAUTHENTICATED' } },
            { status: 401 },
          ),
        ),
      );
      await failure(() =>
        createGemini({ apiKey: TEST_KEY, auth, logger: failingLogger }).generateContent(request),
      );
      const output = JSON.stringify([...lines, ...failingLines]);
      expect(lines.some((line) => line['level'] === 10 && 'body' in line)).toBe(true);
      expect(failingLines.some((line) => 'err' in line)).toBe(true);
      expect(output).not.toContain(TEST_KEY);
      expect(output.toLowerCase()).not.toContain('x-goog-api-key":"');
      expect(output.toLowerCase()).not.toContain('authorization":"');
    }
  });

  it('redacts keys and auth headers an application logs through createLogger', () => {
    const { logger, lines } = capturedPino('trace');
    logger.info(
      {
        apiKey: TEST_KEY,
        headers: { 'x-goog-api-key': TEST_KEY, authorization: `Bearer ${TEST_KEY}` },
        request: { headers: { authorization: `Bearer ${TEST_KEY}` } },
      },
      'app line',
    );
    expect(JSON.stringify(lines)).not.toContain(TEST_KEY);
    expect(lines[0]).toMatchObject({
      apiKey: '[redacted]',
      headers: { authorization: '[redacted]' },
    });
  });

  it('passes no key to a hand-written logger, including in logged errors', async () => {
    const { logger, calls } = recordingLogger(true);
    server.use(
      http.post(GENERATE, () =>
        HttpResponse.json(
          { error: { code: 403, message: 'denied', status: 'PERMISSION_DENIED' } },
          { status: 403 },
        ),
      ),
    );
    await failure(() => createGemini({ apiKey: TEST_KEY, logger }).generateContent(request));
    server.use(
      http.post(GENERATE, () => HttpResponse.json(textResponse('ok') as Record<string, never>)),
    );
    await createGemini({ apiKey: TEST_KEY, logger, auth: 'bearer' }).generateContent(request);
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.some((call) => call.level === 'trace')).toBe(true);
    expect(inspect(calls, { depth: Number.POSITIVE_INFINITY })).not.toContain(TEST_KEY);
    expect(JSON.stringify(calls)).not.toContain(TEST_KEY);
  });

  it('calls no log method and builds nothing when the levels are disabled', async () => {
    const { logger, calls } = recordingLogger(false);
    server.use(
      http.post(GENERATE, () => HttpResponse.json(textResponse('ok') as Record<string, never>)),
    );
    await createGemini({ apiKey: TEST_KEY, logger }).generateContent(request);
    expect(calls).toEqual([]);
  });
});
