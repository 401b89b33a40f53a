import { getEventListeners } from 'node:events';
import { ApiCallError } from '@gemloop/core/errors';
import { createGemini } from '@gemloop/core/http';
import { foldStream } from '@gemloop/core/streaming';
import type { Content } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { callFake, errorMessage } from './__fixtures__/call-fake.ts';
import { readFixtureJson } from './__fixtures__/gemini-fixtures.ts';
import { createFakeGemini } from './create-fake-gemini.ts';
import { turn } from './script/fake-turn.ts';
import type { FakeScriptContext } from './script/fake-types.ts';

const question = { contents: [{ role: 'user', parts: [{ text: 'Hello?' }] }] };

describe('createFakeGemini', () => {
  it('listens on 127.0.0.1, reports its URL, and closes (await using)', async () => {
    let url: string;
    {
      await using fake = createFakeGemini();
      expect(() => fake.url).toThrow('await fake.listen()');
      const address = await fake.listen();
      url = address.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(fake.url).toBe(url);
      expect(await fake.listen()).toEqual(address);
      expect((await callFake(url, question)).json).toMatchObject({
        candidates: [{ content: { parts: [{ text: 'OK' }], role: 'model' }, finishReason: 'STOP' }],
      });
    }
    await expect(callFake(url, question)).rejects.toThrow();
  });

  it('takes the key from x-goog-api-key, Authorization: Bearer or ?key=, and redacts it', async () => {
    await using fake = createFakeGemini({ apiKeys: ['secret-key'] });
    const { url } = await fake.listen();
    expect((await callFake(url, question, { apiKey: 'secret-key' })).status).toBe(200);
    const bearer = await callFake(url, question, {
      apiKey: null,
      headers: { authorization: 'Bearer secret-key' },
    });
    expect(bearer.status).toBe(200);
    const inQuery = await fetch(
      `${url}/v1beta/models/gemini-2.5-flash:generateContent?key=secret-key`,
      {
        method: 'POST',
        body: JSON.stringify(question),
      },
    );
    expect(inQuery.status).toBe(200);
    expect(fake.lastRequest?.url).toBe(
      '/v1beta/models/gemini-2.5-flash:generateContent?key=[redacted]',
    );
    const recorded = JSON.stringify(fake.requests);
    expect(recorded).not.toContain('secret-key');
    expect(fake.requests[0]?.headers['x-goog-api-key']).toBe('[redacted]');
    expect(fake.requests[1]?.headers['authorization']).toBe('Bearer [redacted]');
  });

  it('records every request for assertions', async () => {
    const fake = createFakeGemini({ faults: [{ fault: { type: 'overloaded' }, on: 1 }] });
    await callFake(fake, question, { model: 'gemini-2.5-flash' });
    await callFake(fake, question, { mode: 'sse' });
    await callFake(fake, question, { mode: 'array' });
    expect(
      fake.requests.map(({ method, model, stream, alt, status, fault, apiVersion }) => ({
        method,
        model,
        stream,
        alt,
        status,
        fault,
        apiVersion,
      })),
    ).toEqual([
      {
        method: 'generateContent',
        model: 'gemini-2.5-flash',
        stream: false,
        alt: undefined,
        status: 200,
        fault: undefined,
        apiVersion: 'v1beta',
      },
      {
        method: 'streamGenerateContent',
        model: 'gemini-3-flash-preview',
        stream: true,
        alt: 'sse',
        status: 503,
        fault: 'overloaded',
        apiVersion: 'v1beta',
      },
      {
        method: 'streamGenerateContent',
        model: 'gemini-3-flash-preview',
        stream: true,
        alt: undefined,
        status: 200,
        fault: undefined,
        apiVersion: 'v1beta',
      },
    ]);
    expect(fake.requests[0]?.body).toEqual(question);
    expect(fake.requests[0]?.httpMethod).toBe('POST');
    expect(fake.modelRequests).toHaveLength(3);
  });

  it('keeps only the latest requests when told to, numbering every one it received', async () => {
    const fake = createFakeGemini({ keepRequests: 2 });
    for (let call = 0; call < 5; call++) {
      await callFake(fake, { contents: [{ role: 'user', parts: [{ text: `question ${call}` }] }] });
    }
    expect(fake.requests.map((request) => request.index)).toEqual([3, 4]);
    expect(JSON.stringify(fake.requests[0]?.body)).toContain('question 3');
    expect(fake.lastRequest?.index).toBe(4);
    fake.reset();
    await callFake(fake, question);
    expect(fake.requests.map((request) => request.index)).toEqual([0]);
    for (const keepRequests of [0, 1.5, -1, '10']) {
      expect(() => createFakeGemini({ keepRequests: keepRequests as number })).toThrow(
        /keepRequests must be an integer of at least 1/,
      );
    }
    expect(() => createFakeGemini({ keepRequests: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it("stamps each request, a fault's too, with its clock when it arrives", async () => {
    let clock = 1_000;
    const fake = createFakeGemini({
      now: () => clock,
      faults: [{ fault: { type: 'overloaded' }, on: 0 }],
    });
    await callFake(fake, question);
    clock = 2_500;
    await callFake(fake, question);
    expect(fake.requests.map(({ status, receivedAt }) => ({ status, receivedAt }))).toEqual([
      { status: 503, receivedAt: 1_000 },
      { status: 200, receivedAt: 2_500 },
    ]);
  });

  it('plays a script in order and says clearly when it runs out', async () => {
    const fake = createFakeGemini({ script: [turn.text('one'), turn.text('two')] });
    const texts: unknown[] = [];
    for (let index = 0; index < 2; index++) {
      texts.push((await callFake(fake, question)).json);
    }
    expect(texts).toMatchObject([
      { candidates: [{ content: { parts: [{ text: 'one' }] } }] },
      { candidates: [{ content: { parts: [{ text: 'two' }] } }] },
    ]);
    const exhausted = await callFake(fake, question);
    expect(exhausted.status).toBe(400);
    expect(exhausted.json).toMatchObject({ error: { status: 'FAILED_PRECONDITION' } });
    expect(errorMessage(exhausted.json)).toContain('no turn for model call #3 (2 turn(s) scripted');
    fake.setScript([turn.text('three')]);
    expect((await callFake(fake, question)).json).toMatchObject({
      candidates: [{ content: { parts: [{ text: 'three' }] } }],
    });
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    expect(fake.turnsDelivered).toBe(0);
  });

  it('gives script functions the request and a context read from either JSON spelling', async () => {
    const seen: FakeScriptContext[] = [];
    const fake = createFakeGemini({
      script: (request, context) => {
        seen.push(context);
        return turn.text(`model ${request.model}, stream ${request.stream}`);
      },
    });
    const body = {
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        {
          role: 'model',
          parts: [
            {
              function_call: { name: 'weather', args: {} },
              thoughtSignature: 'skip_thought_signature_validator',
            },
          ],
        },
        {
          role: 'user',
          parts: [{ function_response: { name: 'weather', response: { celsius: 18 } } }],
        },
      ],
      tools: [
        {
          function_declarations: [
            { name: 'weather', description: 'Weather', parameters_json_schema: { type: 'object' } },
          ],
        },
      ],
    };
    const result = await callFake(fake, body, { mode: 'sse' });
    expect(result.text).toContain('model gemini-3-flash-preview, stream true');
    expect(seen[0]).toMatchObject({
      callIndex: 0,
      turnIndex: 0,
      gemini3: true,
      lastUserText: 'Weather in Paris?',
      functionResponses: [{ name: 'weather', response: { celsius: 18 } }],
      functionDeclarations: [
        { name: 'weather', description: 'Weather', parametersJsonSchema: { type: 'object' } },
      ],
    });
  });

  it('gives a script every response of the last run of user contents, as the API reads them', async () => {
    const seen: FakeScriptContext[] = [];
    const fake = createFakeGemini({
      script: (_request, context) => {
        seen.push(context);
        return turn.text('ok');
      },
    });
    // crewAI's recorded shape: three calls answered by three consecutive user contents.
    const body = readFixtureJson(
      'requests/gemini25-flash__three-calls-answered-by-three-user-contents.request.json',
    );
    const result = await callFake(fake, body, { model: 'gemini-2.5-flash' });
    expect(result.status, result.text).toBe(200);
    expect(seen[0]?.functionResponses.map((response) => response.name)).toEqual([
      'parallel_local_search_one',
      'parallel_local_search_two',
      'parallel_local_search_three',
    ]);
  });

  it('answers a throwing script with a clear error instead of hanging', async () => {
    const fake = createFakeGemini({
      script: () => {
        throw new Error('no weather today');
      },
    });
    const result = await callFake(fake, question);
    expect(result.status).toBe(400);
    expect(errorMessage(result.json)).toBe(
      '[gemloop fake] The script threw for model call #1: no weather today',
    );
  });

  it('lists and describes models, and 404s unknown ones with the real text', async () => {
    const fake = createFakeGemini();
    const list = await fake.fetch('https://x/v1beta/models?pageSize=3', {
      headers: { 'x-goog-api-key': 'k' },
    });
    const page = (await list.json()) as { models: { name: string }[]; nextPageToken?: string };
    expect(page.models.map((model) => model.name)).toEqual([
      'models/gemini-4-hydrogen',
      'models/gemini-4-argon',
      'models/gemini-4-carbon',
    ]);
    expect(page.nextPageToken).toBe('3');
    const one = await fake.fetch('https://x/v1beta/models/gemini-2.5-pro', {
      headers: { 'x-goog-api-key': 'k' },
    });
    expect(await one.json()).toMatchObject({
      name: 'models/gemini-2.5-pro',
      thinking: true,
      inputTokenLimit: 1048576,
    });
    const missing = await fake.fetch('https://x/v1beta/models/gemini-9-unknown-thing', {
      headers: { 'x-goog-api-key': 'k' },
    });
    expect(missing.status).toBe(404);
  });

  it('counts tokens deterministically, about one per four characters', async () => {
    const fake = createFakeGemini();
    const count = async (body: unknown) => {
      const response = await fake.fetch('https://x/v1beta/models/gemini-2.5-flash:countTokens', {
        method: 'POST',
        headers: { 'x-goog-api-key': 'k' },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { totalTokens: number };
    };
    const text = 'x'.repeat(400);
    const first = await count({ contents: [{ role: 'user', parts: [{ text }] }] });
    expect(first.totalTokens).toBe(100);
    expect(await count({ contents: [{ role: 'user', parts: [{ text }] }] })).toEqual(first);
    const wrapped = await count({
      generateContentRequest: {
        model: 'models/gemini-2.5-flash',
        contents: [{ role: 'user', parts: [{ text }] }],
      },
    });
    expect(wrapped.totalTokens).toBe(100);
  });

  it('estimates plausible usage that sums like the real API', async () => {
    const fake = createFakeGemini({ script: [turn.text('y'.repeat(80))] });
    const long = { contents: [{ role: 'user', parts: [{ text: 'x'.repeat(400) }] }] };
    const usage = ((await callFake(fake, long)).json as { usageMetadata: Record<string, number> })
      .usageMetadata;
    expect(usage).toMatchObject({
      promptTokenCount: 100,
      candidatesTokenCount: 20,
      thoughtsTokenCount: 24,
      totalTokenCount: 144,
    });
  });

  it('switches Gemini 3 behaviour by model name or by option', async () => {
    const script = () => [turn.call('f', { a: 1 })];
    const byName = createFakeGemini({ script: script() });
    const old = (await callFake(byName, question, { model: 'gemini-2.5-flash' })).json;
    expect(JSON.stringify(old)).not.toMatch(/thoughtSignature|"id"/);
    const forced = createFakeGemini({ script: script(), gemini3: true, callIds: false });
    const part = (
      (await callFake(forced, question, { model: 'gemini-2.5-flash' })).json as {
        candidates: { content: { parts: Record<string, unknown>[] } }[];
      }
    ).candidates[0]?.content.parts[0];
    expect(part?.['thoughtSignature']).toEqual(expect.any(String));
    expect(part?.['functionCall']).toEqual({ name: 'f', args: { a: 1 } });
  });

  it('is driven end to end by the gemloop client, a full function-calling loop', async () => {
    await using fake = createFakeGemini({
      script: [
        turn.calls([
          { name: 'get_weather', args: { city: 'Paris' } },
          { name: 'get_weather', args: { city: 'Tokyo' } },
        ]),
        turn.text('Paris is sunny; Tokyo is rainy.'),
      ],
    });
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const tools = [
      { functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }] },
    ];
    const contents: Content[] = [
      { role: 'user', parts: [{ text: 'Weather in Paris and Tokyo?' }] },
    ];
    const first = await gemini.generateContent({
      model: 'gemini-3-flash-preview',
      contents,
      tools,
    });
    const modelContent = first.candidates?.[0]?.content as Content;
    contents.push(modelContent, {
      role: 'user',
      parts: modelContent.parts.map((part) => ({
        functionResponse: {
          name: part.functionCall?.name ?? '',
          id: part.functionCall?.id,
          response: { output: 'ok' },
        },
      })),
    });
    const final = await foldStream(
      gemini.streamGenerateContent({ model: 'gemini-3-flash-preview', contents, tools }),
    );
    expect(final.candidates?.[0]?.content?.parts?.[0]?.text).toBe(
      'Paris is sunny; Tokyo is rainy.',
    );
    // The same history without its signature is refused through the client too.
    const unsigned = structuredClone(contents);
    delete unsigned[1]?.parts[0]?.thoughtSignature;
    const refusal = await gemini
      .generateContent({ model: 'gemini-3-flash-preview', contents: unsigned, tools })
      .catch((error: unknown) => error);
    expect(ApiCallError.isInstance(refusal)).toBe(true);
    expect((refusal as ApiCallError).status).toBe(400);
    expect((refusal as ApiCallError).apiMessage).toContain('missing a thought_signature');
  });

  it('serves clients through its in-process fetch with any base URL', async () => {
    const fake = createFakeGemini({ script: [turn.text('in process')] });
    const gemini = createGemini({
      baseUrl: 'https://api.cometapi.com',
      apiKey: 'k',
      fetch: fake.fetch,
      auth: 'bearer',
    });
    const response = await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('in process');
    expect(fake.lastRequest?.headers['authorization']).toBe('Bearer [redacted]');
  });

  it("leaves nothing on the caller's signal once its in-process fetch has answered", async () => {
    // A Request made with the caller's signal followed it through a WeakRef (and an abort
    // listener), which V8 keeps until the event loop turns: a loop of runs against fake.fetch,
    // promises only, kept ~2 KB a request alive. The delay's own listener stayed too.
    const fake = createFakeGemini({
      script: () => turn.text('ok'),
      faults: [{ fault: { type: 'latency', ms: 5 }, on: ({ callIndex }) => callIndex === 1 }],
    });
    const controller = new AbortController();
    const url =
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent';
    const init = {
      method: 'POST',
      headers: { 'x-goog-api-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify(question),
      signal: controller.signal,
    };
    for (let index = 0; index < 2; index++) {
      const response = await fake.fetch(url, init);
      expect(response.status).toBe(200);
      await response.text();
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    }
    // The delay still ends when the caller aborts, with the caller's reason.
    fake.addFault({ fault: { type: 'latency', ms: 60_000 }, on: () => true });
    const pending = fake.fetch(url, init);
    controller.abort(new Error('stopped by the caller'));
    await expect(pending).rejects.toThrow('stopped by the caller');
  });

  it('returns JSON pretty-printed like the API unless told otherwise', async () => {
    expect((await callFake(createFakeGemini(), question)).text).toContain('{\n  "candidates"');
    expect((await callFake(createFakeGemini({ prettyJson: false }), question)).text).toMatch(
      /^\{"candidates"/,
    );
  });
});
