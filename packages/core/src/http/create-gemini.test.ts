import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { MissingApiKeyError } from '../errors/missing-api-key-error.ts';
import type { Content } from '../wire/content.ts';
import {
  createTestServer,
  GOOGLE,
  readFixture,
  TEST_KEY,
  textResponse,
} from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

type Captured = { url: string; method: string; headers: Headers; body: unknown };

/** Answers generateContent on any host with `response` and records what arrived. */
function capture(response: Record<string, unknown> = textResponse('ok')): Captured[] {
  const calls: Captured[] = [];
  server.use(
    http.all('*', async ({ request }) => {
      const text = await request.text();
      calls.push({
        url: request.url,
        method: request.method,
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
      });
      return HttpResponse.json(response as Record<string, never>);
    }),
  );
  return calls;
}

describe('createGemini request shape', () => {
  it('posts generateContent to the v1beta model URL with the key in x-goog-api-key', async () => {
    const calls = capture();
    const gemini = createGemini({ apiKey: TEST_KEY });
    const response = await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hello' });
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
    expect(calls).toHaveLength(1);
    const [call] = calls as [Captured];
    expect(call.url).toBe(`${GOOGLE}/models/gemini-2.5-flash:generateContent`);
    expect(call.method).toBe('POST');
    expect(call.headers.get('x-goog-api-key')).toBe(TEST_KEY);
    expect(call.headers.get('authorization')).toBeNull();
    expect(call.headers.get('content-type')).toBe('application/json');
    expect(call.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] });
    expect(new URL(call.url).searchParams.has('key')).toBe(false);
  });

  it('sends Authorization: Bearer with auth bearer, and no x-goog-api-key', async () => {
    const calls = capture();
    const gemini = createGemini({ apiKey: TEST_KEY, auth: 'bearer' });
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(calls[0]?.headers.get('authorization')).toBe(`Bearer ${TEST_KEY}`);
    expect(calls[0]?.headers.get('x-goog-api-key')).toBeNull();
  });

  it('adds client and per-call extra headers', async () => {
    const calls = capture();
    const gemini = createGemini({ apiKey: TEST_KEY, headers: { 'X-Team': 'search' } });
    await gemini.generateContent(
      { model: 'gemini-2.5-flash', contents: 'Hi' },
      { headers: { 'x-request-id': 'r-1' } },
    );
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(calls[0]?.headers.get('x-team')).toBe('search');
    expect(calls[0]?.headers.get('x-request-id')).toBe('r-1');
    expect(calls[0]?.headers.get('x-goog-api-key')).toBe(TEST_KEY);
    expect(calls[1]?.headers.get('x-request-id')).toBeNull();
  });

  it('accepts models/ and tunedModels/ names', async () => {
    const calls = capture();
    const gemini = createGemini({ apiKey: TEST_KEY });
    await gemini.generateContent({ model: 'models/gemini-3-flash-preview', contents: 'Hi' });
    await gemini.generateContent({ model: 'tunedModels/my-model-1', contents: 'Hi' });
    expect(calls.map((call) => new URL(call.url).pathname)).toEqual([
      '/v1beta/models/gemini-3-flash-preview:generateContent',
      '/v1beta/tunedModels/my-model-1:generateContent',
    ]);
  });

  it('turns each systemInstruction form into a Content', async () => {
    const calls = capture();
    const gemini = createGemini({ apiKey: TEST_KEY });
    const contents = 'Hi';
    await gemini.generateContent({
      model: 'gemini-2.5-flash',
      contents,
      systemInstruction: 'Be brief.',
    });
    await gemini.generateContent({
      model: 'gemini-2.5-flash',
      contents,
      systemInstruction: [{ text: 'A' }, { text: 'B' }],
    });
    await gemini.generateContent({
      model: 'gemini-2.5-flash',
      contents,
      systemInstruction: { role: 'user', parts: [{ text: 'C' }] },
    });
    expect(
      calls.map((call) => (call.body as { systemInstruction: unknown }).systemInstruction),
    ).toEqual([
      { parts: [{ text: 'Be brief.' }] },
      { parts: [{ text: 'A' }, { text: 'B' }] },
      { role: 'user', parts: [{ text: 'C' }] },
    ]);
  });

  it('sends a recorded accepted request body unchanged (history verbatim, unknown keys kept)', async () => {
    const calls = capture();
    const gemini = createGemini({ apiKey: TEST_KEY });
    const recorded = JSON.parse(
      readFixture('requests/gemini3-flash__parallel-functionResponses-one-user-turn.request.json'),
    );
    await gemini.generateContent({ model: 'gemini-3-flash-preview', ...recorded });
    expect(calls[0]?.body).toEqual(recorded);
  });

  it('does not copy the history: the body holds the caller’s Content objects', async () => {
    const stringify = vi.spyOn(JSON, 'stringify');
    capture();
    const gemini = createGemini({ apiKey: TEST_KEY });
    const history: Content[] = [{ role: 'user', parts: [{ text: 'Hi' }] }];
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: history, tools: [] });
    const sentBody = stringify.mock.calls.find(
      ([value]) => typeof value === 'object' && value !== null && 'contents' in value,
    )?.[0] as { contents: unknown; tools: unknown };
    stringify.mockRestore();
    expect(sentBody.contents).toBe(history);
  });

  it('uses the CometAPI base URL and tolerates a trailing slash or /v1beta', async () => {
    const calls = capture();
    for (const baseUrl of [
      'https://api.cometapi.com',
      'https://api.cometapi.com/',
      'https://api.cometapi.com/v1beta/',
    ]) {
      const gemini = createGemini({ apiKey: TEST_KEY, baseUrl, auth: 'bearer' });
      expect(gemini.baseUrl).toBe('https://api.cometapi.com');
      expect(gemini.apiVersion).toBe('v1beta');
      await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    }
    expect(calls.map((call) => call.url)).toEqual(
      Array(3).fill('https://api.cometapi.com/v1beta/models/gemini-2.5-flash:generateContent'),
    );
  });

  it('uses apiVersion in the path', async () => {
    const calls = capture();
    const gemini = createGemini({ apiKey: TEST_KEY, apiVersion: 'v1' });
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(calls[0]?.url).toBe(
      'https://generativelanguage.googleapis.com/v1/models/gemini-2.5-flash:generateContent',
    );
  });

  it('reads the key and base URL from the environment', async () => {
    vi.stubEnv('GEMINI_API_KEY', undefined);
    vi.stubEnv('GOOGLE_API_KEY', 'from-google-variable');
    vi.stubEnv('GEMINI_BASE_URL', 'http://127.0.0.1:9/gateway/');
    const calls = capture();
    const gemini = createGemini();
    expect(gemini.baseUrl).toBe('http://127.0.0.1:9/gateway');
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(calls[0]?.url).toBe(
      'http://127.0.0.1:9/gateway/v1beta/models/gemini-2.5-flash:generateContent',
    );
    expect(calls[0]?.headers.get('x-goog-api-key')).toBe('from-google-variable');
    vi.stubEnv('GEMINI_API_KEY', 'from-gemini-variable');
    await createGemini().generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(calls[1]?.headers.get('x-goog-api-key')).toBe('from-gemini-variable');
  });

  it('looks fetch up at call time, so a later spy applies', async () => {
    capture();
    const gemini = createGemini({ apiKey: TEST_KEY });
    const original = globalThis.fetch;
    const spy = vi.fn((input: RequestInfo | URL, init?: RequestInit) => original(input, init));
    vi.stubGlobal('fetch', spy);
    try {
      await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(spy).toHaveBeenCalledOnce();
  });

  it('uses an injected fetch', async () => {
    const fetch = vi.fn(async () => Response.json(textResponse('injected')));
    const gemini = createGemini({ apiKey: TEST_KEY, fetch });
    const response = await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('injected');
    expect(fetch).toHaveBeenCalledOnce();
  });

  it('keeps unknown response fields and unknown enum values', async () => {
    capture(
      textResponse('x', { newField: { a: 1 }, promptFeedback: { blockReason: 'NEW_REASON' } }),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const response = await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect((response as Record<string, unknown>)['newField']).toEqual({ a: 1 });
    expect(response.promptFeedback?.blockReason).toBe('NEW_REASON');
  });
});

describe('createGemini option checks', () => {
  it('throws MissingApiKeyError naming both variables when no key is configured', () => {
    vi.stubEnv('GEMINI_API_KEY', undefined);
    vi.stubEnv('GOOGLE_API_KEY', undefined);
    let thrown: unknown;
    try {
      createGemini();
    } catch (error) {
      thrown = error;
    }
    expect(MissingApiKeyError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toContain('GEMINI_API_KEY or GOOGLE_API_KEY');
    expect((thrown as MissingApiKeyError).environmentVariables).toEqual([
      'GEMINI_API_KEY',
      'GOOGLE_API_KEY',
    ]);
  });

  for (const [name, options, argument, fragment] of [
    ['a negative timeoutMs', { timeoutMs: -1 }, 'timeoutMs', 'positive number'],
    ['an unknown auth', { auth: 'query' }, 'auth', "'bearer'"],
    ['a base URL that is not a URL', { baseUrl: 'generativelanguage' }, 'baseUrl', 'absolute URL'],
    ['a base URL with ?key=', { baseUrl: 'https://x.example/?key=abc' }, 'baseUrl', 'header'],
    ['an unknown option', { apikey: 'x' }, 'apikey', 'unknown option'],
    ['a bad retry field', { retry: { maxRetries: -2 } }, 'retry.maxRetries', '0 turns retries off'],
    ['an unknown retry field', { retry: { retries: 2 } }, 'retry.retries', 'maxRetries'],
    ['a non-function fetch', { fetch: 'fetch' }, 'fetch', 'function'],
    ['a logger without methods', { logger: {} }, 'logger', 'createLogger'],
    ['an empty key', { apiKey: '' }, 'apiKey', 'non-empty'],
    ['a key with a newline', { apiKey: 'abc\n' }, 'apiKey', 'line break'],
    // Copied from a web page: fetch cannot send it, and failed as "could not reach" the host.
    [
      'a key with a zero-width space',
      { apiKey: 'AIza-key\u200b' },
      'apiKey',
      'U+200B at position 9',
    ],
    ['a key with a typographic quote', { apiKey: '\u2018AIza-key' }, 'apiKey', 'U+2018'],
    [
      'headers setting the auth header',
      { headers: { 'X-Goog-Api-Key': 'x' } },
      'headers.x-goog-api-key',
      'apiKey',
    ],
    ['a header value with a line break', { headers: { a: 'b\r\nc' } }, 'headers.a', 'line breaks'],
    ['a header value fetch cannot send', { headers: { a: 'b\u200bc' } }, 'headers.a', 'U+200B'],
    [
      'a version that disagrees with the base URL',
      { baseUrl: 'https://x.example/v1beta', apiVersion: 'v1' },
      'apiVersion',
      'agree',
    ],
  ] as const) {
    it(`rejects ${name} with an InvalidArgumentError naming ${argument}`, () => {
      let thrown: unknown;
      try {
        createGemini({ apiKey: TEST_KEY, ...(options as object) });
      } catch (error) {
        thrown = error;
      }
      expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
      expect((thrown as InvalidArgumentError).argument).toBe(argument);
      expect((thrown as Error).message).toContain(fragment);
    });
  }

  it('rejects bad requests before sending, naming the field', async () => {
    const calls = capture();
    const gemini = createGemini({ apiKey: TEST_KEY });
    const cases: [unknown, string][] = [
      [{ model: 'gemini 2.5', contents: 'x' }, 'request.model'],
      [{ model: 'gemini-2.5-flash', contents: [] }, 'request.contents'],
      [
        {
          model: 'gemini-2.5-flash',
          contents: [
            { role: 'user', parts: [{ text: 'a' }] },
            { role: 'model', parts: [{ text: 'b' }] },
            { role: 'user', parts: [{ text: 'c' }] },
            { role: 'model', parts: 'd' },
          ],
        },
        'request.contents[3].parts',
      ],
      [
        { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [] }] },
        'request.contents[0].parts',
      ],
      [
        { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [null] }] },
        'request.contents[0].parts[0]',
      ],
      [
        { model: 'gemini-2.5-flash', contents: 'x', systemInstruction: 5 },
        'request.systemInstruction',
      ],
    ];
    for (const [request, argument] of cases) {
      const error = await gemini.generateContent(request as never).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(InvalidArgumentError.isInstance(error), argument).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(argument);
      expect((error as Error).message).toContain(argument);
    }
    expect(() => gemini.streamGenerateContent({ model: '', contents: 'x' })).toThrow(
      /request\.model/,
    );
    expect(calls).toHaveLength(0);
  });

  it('rejects a request that cannot be serialised', async () => {
    capture();
    const gemini = createGemini({ apiKey: TEST_KEY });
    const cyclic: Record<string, unknown> = { text: 'x' };
    cyclic['self'] = cyclic;
    await expect(
      gemini.generateContent({
        model: 'gemini-2.5-flash',
        contents: [{ role: 'user', parts: [cyclic] }],
      }),
    ).rejects.toThrow(/cannot be sent as JSON/);
  });

  it('rejects unknown call options', async () => {
    capture();
    const gemini = createGemini({ apiKey: TEST_KEY });
    await expect(
      gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }, { timeout: 5 } as never),
    ).rejects.toThrow(/Unknown call option 'timeout'/);
  });
});
