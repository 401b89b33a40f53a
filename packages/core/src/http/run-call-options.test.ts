import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  createTestServer,
  sseBody,
  sseEvent,
  TEST_KEY,
  textResponse,
} from './__fixtures__/test-server.ts';
import type { CallOptions } from './call-options.ts';
import { createGemini } from './create-gemini.ts';
import { modelCallEntryOf } from './model-call-entry.ts';
import { createContentJsonCache } from './serialize-request-body.ts';

// A run hands its model calls one frozen options object and its own cache (the agent's
// `modelCallOptions`): the client checks that object strictly in the run's first call only. What
// the options say still applies to every call, and anything else is checked on every call.

const server = createTestServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Answers every call (unary or streamed) with a short text, recording each request's headers. */
function answering(urls: string[] = []): Headers[] {
  const seen: Headers[] = [];
  server.use(
    http.post('*', ({ request }) => {
      seen.push(request.headers);
      urls.push(new URL(request.url).pathname);
      if (request.url.includes(':streamGenerateContent')) {
        return new HttpResponse(sseBody([sseEvent(textResponse('ok'))]), {
          headers: { 'content-type': 'text/event-stream' },
        });
      }
      return HttpResponse.json(textResponse('ok') as Record<string, never>);
    }),
  );
  return seen;
}

const request = { model: 'gemini-2.5-flash', contents: 'hi' };

function entryOfNewClient() {
  return modelCallEntryOf(createGemini({ apiKey: TEST_KEY, retry: false }));
}

async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let chunks = 0;
  for await (const _chunk of stream) chunks++;
  return chunks;
}

describe("a run's call options", () => {
  it('still apply to every call of the run once the first call checked them', async () => {
    const seen = answering();
    const entry = entryOfNewClient();
    const bodyCache = createContentJsonCache();
    const responses: number[] = [];
    const callOptions: CallOptions = Object.freeze({
      signal: new AbortController().signal,
      headers: { 'x-run': 'one' },
      onResponse: ({ attempt }) => responses.push(attempt),
    });
    await entry.generate({ request, callOptions, bodyCache });
    expect(bodyCache.checkedCallOptions).toBe(callOptions);
    await entry.generate({ request, callOptions, bodyCache });
    const { stream } = entry.stream({ request, callOptions, bodyCache });
    expect(await drain(stream)).toBe(1);
    expect(seen.map((headers) => headers.get('x-run'))).toEqual(['one', 'one', 'one']);
    expect(responses).toEqual([1, 1, 1]);
  });

  it('refuses a wrong frozen object in every call: a refused one is not taken as checked', async () => {
    answering();
    const entry = entryOfNewClient();
    const bodyCache = createContentJsonCache();
    const callOptions = Object.freeze({ timeoutMs: -5 }) as CallOptions;
    for (let call = 0; call < 2; call++) {
      const error = await entry.generate({ request, callOptions, bodyCache }).catch((e) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe('options.timeoutMs');
    }
    expect(bodyCache.checkedCallOptions).toBeUndefined();
    expect(() => entry.stream({ request, callOptions, bodyCache })).toThrow(/options\.timeoutMs/);
  });

  it('checks options that are not frozen on every call, so one changed between calls is seen', async () => {
    answering();
    const entry = entryOfNewClient();
    const bodyCache = createContentJsonCache();
    const callOptions: { timeoutMs?: unknown; sigal?: unknown } = { timeoutMs: 5_000 };
    await entry.generate({ request, callOptions: callOptions as CallOptions, bodyCache });
    expect(bodyCache.checkedCallOptions).toBeUndefined();
    callOptions.sigal = new AbortController().signal;
    const error = await entry
      .generate({ request, callOptions: callOptions as CallOptions, bodyCache })
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(String((error as Error).message)).toMatch(/'sigal'\. Did you mean 'signal'\?/);
  });

  it('checks another object handed in the same run (a plugin that changed the options)', async () => {
    answering();
    const entry = entryOfNewClient();
    const bodyCache = createContentJsonCache();
    const callOptions = Object.freeze({ signal: new AbortController().signal });
    await entry.generate({ request, callOptions, bodyCache });
    const changed = Object.freeze({
      ...callOptions,
      onRetry: 'not a function',
    }) as unknown as CallOptions;
    const error = await entry
      .generate({ request, callOptions: changed, bodyCache })
      .catch((e) => e);
    expect((error as InvalidArgumentError).argument).toBe('options.onRetry');
    // The run's own object is still known as checked; the changed one was refused.
    expect(bodyCache.checkedCallOptions).toBe(callOptions);
  });

  it('checks a frozen object on every call without a run cache (a public call)', async () => {
    answering();
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const callOptions = Object.freeze({ timeoutMs: 'soon' }) as unknown as CallOptions;
    for (let call = 0; call < 2; call++) {
      await expect(gemini.generateContent(request, callOptions)).rejects.toThrow(
        /options\.timeoutMs/,
      );
    }
  });
});

describe("a run's resolved call options", () => {
  it('are resolved once for the run and its tools; each call still gets a record of its own', async () => {
    let tier = 0;
    server.use(
      http.post('*', () =>
        HttpResponse.json(textResponse('ok') as Record<string, never>, {
          headers: { 'x-gemini-service-tier': `tier-${++tier}` },
        }),
      ),
    );
    const entry = entryOfNewClient();
    const bodyCache = createContentJsonCache();
    const callOptions = Object.freeze({ signal: new AbortController().signal });
    const withTools = { ...request, tools: [{ functionDeclarations: [{ name: 'add' }] }] };
    const first = await entry.generate({ request: withTools, callOptions, bodyCache });
    const resolved = bodyCache.resolvedCall;
    expect(resolved).toBeDefined();
    // Two calls at once: neither writes the shared object, each reads its own record.
    const [second, third] = await Promise.all([
      entry.generate({ request: withTools, callOptions, bodyCache }),
      entry.generate({ request: withTools, callOptions, bodyCache }),
    ]);
    expect(bodyCache.resolvedCall).toBe(resolved);
    expect(resolved?.record).toBeUndefined();
    const tiers = [first, second, third].map(({ record }) => record.serviceTier);
    expect(tiers[0]).toBe('tier-1');
    expect([...tiers].sort()).toEqual(['tier-1', 'tier-2', 'tier-3']);
    // Another tools array (the final output's call has none) is resolved for itself.
    await entry.generate({ request, callOptions, bodyCache });
    expect(bodyCache.resolvedCall).not.toBe(resolved);
    expect(bodyCache.callTools).toBeUndefined();
  });
});

describe("a run's credentials", () => {
  it("stay among the client's most recent: each call of the run learns them again", async () => {
    answering();
    const gemini = createGemini({ apiKey: TEST_KEY, retry: false });
    const entry = modelCallEntryOf(gemini);
    const bodyCache = createContentJsonCache();
    const HEADER_KEY = 'header-run-key-0123456789abcdefghij';
    const callOptions = Object.freeze({
      signal: new AbortController().signal,
      headers: { 'x-run-token': HEADER_KEY },
    });
    const RUN_KEY = 'exa-run-key-0123456789abcdefghij';
    const withKey = { ...request, tools: [{ exaAiSearch: { apiKey: RUN_KEY } }] };
    await entry.generate({ request: withKey, callOptions, bodyCache });
    // Other calls of the client learn 40 credentials of their own: past the 32 it keeps.
    for (let call = 0; call < 40; call++) {
      const apiKey = `exa-other-key-${call}-0123456789abcdefghij`;
      await gemini.generateContent({ ...request, tools: [{ exaAiSearch: { apiKey } }] });
    }
    expect(entry.redact(`echoed ${RUN_KEY} ${HEADER_KEY}`)).toBe(`echoed ${RUN_KEY} ${HEADER_KEY}`);
    // The run's next call takes its first call's options, and learns both keys again.
    await entry.generate({ request: withKey, callOptions, bodyCache });
    const echoed = entry.redact(`echoed ${RUN_KEY} ${HEADER_KEY}`) as string;
    expect(echoed).not.toContain(RUN_KEY);
    expect(echoed).not.toContain(HEADER_KEY);
  });
});

describe("a run's model path", () => {
  it('follows the model of each call of the run, and still refuses a bad one', async () => {
    const urls: string[] = [];
    answering(urls);
    const entry = entryOfNewClient();
    const bodyCache = createContentJsonCache();
    const callOptions = Object.freeze({});
    for (const model of ['gemini-2.5-flash', 'gemini-2.5-flash', 'models/gemini-2.5-pro']) {
      await entry.generate({ request: { ...request, model }, callOptions, bodyCache });
    }
    const { stream } = entry.stream({
      request: { ...request, model: 'tunedModels/mine' },
      callOptions,
      bodyCache,
    });
    await drain(stream);
    await entry.generate({ request, callOptions, bodyCache });
    expect(urls.map((url) => url.slice(url.indexOf('/v1beta/') + 8))).toEqual([
      'models/gemini-2.5-flash:generateContent',
      'models/gemini-2.5-flash:generateContent',
      'models/gemini-2.5-pro:generateContent',
      'tunedModels/mine:streamGenerateContent',
      'models/gemini-2.5-flash:generateContent',
    ]);
    for (const model of ['models/..', 'a/b', 42]) {
      const error = await entry
        .generate({ request: { ...request, model } as typeof request, callOptions, bodyCache })
        .catch((e) => e);
      expect((error as InvalidArgumentError).argument).toBe('request.model');
    }
    expect(urls).toHaveLength(5);
  });
});
