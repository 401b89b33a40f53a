import { inspect } from 'node:util';
import { listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { TEST_KEY, textResponse } from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

// Attacks on the client through its `fetch` seam: what a broken fetch implementation, proxy or
// polyfill can throw or return, and what a careless caller can put in a request.

const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

function renderings(error: unknown): string[] {
  let json = '';
  try {
    json = JSON.stringify(error);
  } catch (cause) {
    json = `JSON.stringify threw: ${String(cause)}`;
  }
  return [
    json,
    String((error as Error).message),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    (error as Error).stack ?? '',
  ];
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

type FetchLike = (url: string, init: RequestInit) => unknown;

function clientWith(fetch: FetchLike, auth: 'x-goog-api-key' | 'bearer' = 'x-goog-api-key') {
  return createGemini({
    apiKey: TEST_KEY,
    auth,
    retry: false,
    fetch: fetch as typeof globalThis.fetch,
  });
}

const json = (value: unknown) =>
  new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });

describe('createGemini under a hostile fetch', () => {
  for (const auth of ['x-goog-api-key', 'bearer'] as const) {
    it(`keeps the key out of every rendering when fetch throws an Error that quotes the request headers (${auth})`, async () => {
      const gemini = clientWith((_url, init) => {
        throw new TypeError(`request failed, headers: ${JSON.stringify(init.headers)}`, {
          cause: {
            headers: init.headers,
            nested: new Error(`again ${JSON.stringify(init.headers)}`),
          },
        });
      }, auth);
      const error = await failure(gemini.generateContent(request));
      expect(ApiCallError.isInstance(error)).toBe(true);
      for (const text of renderings(error)) expect(text).not.toContain(TEST_KEY);
      // What is left of the cause still says what happened.
      expect(inspect(error, { depth: 10 })).toContain('request failed, headers');
    });

    it(`keeps the key out when fetch rejects with a plain object or a Headers holding it (${auth})`, async () => {
      const gemini = clientWith(
        (_url, init) =>
          Promise.reject({ init, headers: new Headers(init.headers as Record<string, string>) }),
        auth,
      );
      const error = await failure(gemini.generateContent(request));
      expect(ApiCallError.isInstance(error)).toBe(true);
      for (const text of renderings(error)) expect(text).not.toContain(TEST_KEY);
    });

    it(`keeps the key out of a stream that fails on its first read with an error quoting it (${auth})`, async () => {
      const gemini = clientWith((_url, init) => {
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            controller.error(new Error(`socket closed; sent ${JSON.stringify(init.headers)}`));
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      }, auth);
      const error = await failure(
        (async () => {
          for await (const _ of gemini.streamGenerateContent(request)) {
            // read
          }
        })(),
      );
      expect(error).toBeInstanceOf(Error);
      for (const text of renderings(error)) expect(text).not.toContain(TEST_KEY);
    });
  }

  it('turns a rejection with an object that has no prototype into a typed error', async () => {
    const gemini = clientWith(() => Promise.reject(Object.create(null)));
    const error = await failure(gemini.generateContent(request));
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).isRetryable).toBe(false);
  });

  for (const [name, value] of [
    ['undefined', undefined],
    ['a plain object', {}],
    ['a string', 'OK'],
    ['an object with only ok: true', { ok: true }],
  ] as const) {
    it(`names the fetch option when fetch resolves to ${name} instead of a Response`, async () => {
      const gemini = clientWith(() => Promise.resolve(value));
      const error = await failure(gemini.generateContent(request));
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect((error as ApiCallError).isRetryable).toBe(false);
      expect((error as Error).message).toMatch(/fetch.*not a Response/);
    });
  }

  it('says the body was already read when fetch returns a used Response', async () => {
    const gemini = clientWith(async () => {
      const response = json(textResponse('x'));
      await response.text();
      return response;
    });
    const error = await failure(gemini.generateContent(request));
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/already read or locked/);
  });

  it('says the body is locked when fetch returns a Response whose body has a reader', async () => {
    const gemini = clientWith(async () => {
      const response = json(textResponse('x'));
      response.body?.getReader();
      return response;
    });
    const error = await failure(gemini.generateContent(request));
    expect((error as Error).message).toMatch(/already read or locked/);
  });
});

describe('createGemini rejects request values JSON would silently change', () => {
  const gemini = clientWith(() => json(textResponse('x')));

  for (const [field, value] of [
    ['temperature', Number.NaN],
    ['topP', Number.POSITIVE_INFINITY],
    ['maxOutputTokens', Number.NEGATIVE_INFINITY],
    // A number written as a string is proto3 JSON the API takes ("Either numbers or strings are
    // accepted", https://protobuf.dev/programming-guides/json/): only one that is no number is
    // refused (check-request-fields.test.ts sends '0.5' as it is).
    ['temperature', 'NaN'],
    ['topP', '0x1'],
  ] as const) {
    it(`names generationConfig.${field} = ${String(value)}`, async () => {
      const error = await failure(
        gemini.generateContent({ ...request, generationConfig: { [field]: value } }),
      );
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(`request.generationConfig.${field}`);
    });
  }

  it('names a thinking budget that is not a finite number', async () => {
    const error = await failure(
      gemini.generateContent({
        ...request,
        generationConfig: { thinkingConfig: { thinkingBudget: Number.NaN } },
      }),
    );
    expect((error as InvalidArgumentError).argument).toBe(
      'request.generationConfig.thinkingConfig.thinkingBudget',
    );
  });

  for (const [field, value] of [
    ['generationConfig', 'hot'],
    ['generationConfig', []],
    ['tools', 'googleSearch'],
    ['tools', { googleSearch: {} }],
    ['toolConfig', []],
    ['safetySettings', { category: 'x' }],
  ] as const) {
    it(`names request.${field} when it is ${JSON.stringify(value)}`, async () => {
      const error = await failure(gemini.generateContent({ ...request, [field]: value }));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(`request.${field}`);
    });
  }

  it('still sends fields it does not know, as they are', async () => {
    let sent: unknown;
    const spy = clientWith((_url, init) => {
      sent = JSON.parse(String(init.body));
      return json(textResponse('x'));
    });
    await spy.generateContent({
      ...request,
      generationConfig: { temperature: 0.5, futureKnob: { a: 1 } },
      futureField: true,
    } as never);
    expect(sent).toMatchObject({
      generationConfig: { temperature: 0.5, futureKnob: { a: 1 } },
      futureField: true,
    });
  });
});

describe('createGemini rejects a baseUrl copied from a request URL', () => {
  for (const baseUrl of [
    'https://generativelanguage.googleapis.com/v1beta/models',
    'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
    'https://api.cometapi.com/v1beta/models/',
  ]) {
    it(`names the fix for ${baseUrl}`, () => {
      const make = () => createGemini({ apiKey: TEST_KEY, baseUrl });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(/drop '\/models.*' and pass 'https:\/\/[a-z.]+\/v1beta'/);
    });
  }

  it('still takes a gateway path that merely contains models', () => {
    const gemini = createGemini({
      apiKey: TEST_KEY,
      baseUrl: 'https://gw.example/models-proxy/v1beta',
    });
    expect(gemini.baseUrl).toBe('https://gw.example/models-proxy');
  });
});

describe('createGemini keeps error messages readable', () => {
  it('cuts a huge server message in error.message and keeps it whole on apiMessage', async () => {
    // The largest message an error body can carry whole: error bodies are read only up to 64 KiB
    // (create-gemini.size-caps.attacks.test.ts covers a longer one).
    const huge = 'm'.repeat(60_000);
    const gemini = clientWith(
      () =>
        new Response(
          JSON.stringify({ error: { code: 400, message: huge, status: 'INVALID_ARGUMENT' } }),
          { status: 400, headers: { 'content-type': 'application/json' } },
        ),
    );
    const error = (await failure(gemini.generateContent(request))) as ApiCallError;
    expect(error.message.length).toBeLessThan(3_000);
    expect(error.message).toContain('error.apiMessage');
    expect(error.apiMessage).toBe(huge);
  });
});

describe('createGemini never follows a redirect', () => {
  it('keeps the key from the host a cross-origin redirect names, and says what to set', async () => {
    const seen: Record<string, unknown>[] = [];
    await using other = await listenOnLoopback((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(textResponse('from the other host')));
    });
    let gatewayRequests = 0;
    await using gateway = await listenOnLoopback((_request, response) => {
      gatewayRequests++;
      response.writeHead(302, { location: `http://localhost:${other.port}/collect` });
      response.end();
    });
    for (const transport of ['fetch', 'node'] as const) {
      for (const auth of ['x-goog-api-key', 'bearer'] as const) {
        const gemini = createGemini({
          apiKey: TEST_KEY,
          auth,
          transport,
          baseUrl: gateway.url,
          retry: false,
        });
        const error = await failure(gemini.generateContent(request));
        expect(ApiCallError.isInstance(error)).toBe(true);
        expect((error as ApiCallError).isRetryable).toBe(false);
        expect((error as Error).message).toMatch(
          transport === 'fetch'
            ? // Node's fetch refuses the redirect itself (redirect: 'error') and does not say
              // where it pointed; the error says how to find out.
              /generateContent got a redirect \(HTTP 3xx\).*set baseUrl.*`curl -sI http:\/\/127\.0\.0\.1:\d+\/v1beta\/models\/[^`]+:generateContent`/
            : // undici's request API never follows one: the 302 comes back, Location and all.
              /generateContent got a redirect \(HTTP 302\) to http:\/\/localhost:\d+\/collect\..*set baseUrl/,
        );
        expect((error as Error).message).not.toContain(TEST_KEY);
        expect(JSON.stringify(error)).not.toContain(TEST_KEY);
        // Refused before any retry: the retry policy would otherwise try again.
        const retrying = createGemini({
          apiKey: TEST_KEY,
          auth,
          transport,
          baseUrl: gateway.url,
          retry: { maxRetries: 2, initialDelayMs: 1 },
        });
        expect(ApiCallError.isInstance(await failure(retrying.generateContent(request)))).toBe(
          true,
        );
      }
    }
    expect(seen).toEqual([]);
    expect(gatewayRequests).toBe(8);
  });
});

describe('createGemini with a fetch that ignores the redirect mode', () => {
  it('refuses the 3xx it hands back, naming the status and where it pointed', async () => {
    const modes: (RequestRedirect | undefined)[] = [];
    const gemini = clientWith((_url, init) => {
      modes.push(init?.redirect);
      return new Response(null, {
        status: 307,
        headers: { location: 'https://elsewhere.example/v1beta' },
      });
    });
    const error = await failure(gemini.generateContent(request));
    expect(modes).toEqual(['error']);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(307);
    expect((error as ApiCallError).isRetryable).toBe(false);
    expect((error as Error).message).toMatch(
      /redirect \(HTTP 307\) to https:\/\/elsewhere\.example\/v1beta.*set baseUrl/,
    );
  });
});

describe('createGemini after an abort', () => {
  it('serves the next stream normally after one was aborted mid-way, and makes no request for an aborted signal', async () => {
    const encoder = new TextEncoder();
    let requests = 0;
    const gemini = clientWith(() => {
      requests++;
      const first = requests === 1;
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller): Promise<void> | undefined {
          if (sent < 2) {
            controller.enqueue(
              encoder.encode(`data: ${JSON.stringify(textResponse(`part ${sent++}`))}\r\n\r\n`),
            );
            return undefined;
          }
          // The first stream then hangs; the second ends.
          if (first) return new Promise<void>(() => {});
          controller.close();
          return undefined;
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const aborted = await failure(
      (async () => {
        for await (const chunk of gemini.streamGenerateContent(request, {
          signal: controller.signal,
        })) {
          seen.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '');
          if (seen.length === 2) setTimeout(() => controller.abort(new Error('user stop')), 5);
        }
      })(),
    );
    expect((aborted as Error).message).toBe('user stop');
    expect(seen).toEqual(['part 0', 'part 1']);

    const again: string[] = [];
    for await (const chunk of gemini.streamGenerateContent(request)) {
      again.push(chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '');
    }
    expect(again).toEqual(['part 0', 'part 1']);

    const before = requests;
    const signal = AbortSignal.abort(new Error('already'));
    await expect(gemini.generateContent(request, { signal })).rejects.toThrow('already');
    await expect(
      (async () => {
        for await (const _ of gemini.streamGenerateContent(request, { signal })) {
          // nothing arrives
        }
      })(),
    ).rejects.toThrow('already');
    expect(requests).toBe(before);
  });
});
