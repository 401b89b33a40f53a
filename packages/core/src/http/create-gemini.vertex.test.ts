import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { VertexAuthError } from '../errors/vertex-auth-error.ts';
import { createLogger } from '../logging/create-logger.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import { foldStream } from '../streaming/fold-stream.ts';
import { googleSearch } from '../tools/builtin/built-in-tools.ts';
import { mcpServers } from '../tools/builtin/mcp-servers.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { toolResult } from '../tools/responses/tool-result.ts';
import type { GenerateContentBody, GenerateContentRequest } from '../wire/request.ts';
import { createGemini } from './create-gemini.ts';
import { modelCallEntryOf } from './model-call-entry.ts';
import { createVertexTokenSource } from './vertex/create-vertex-token-source.ts';

// Vertex AI through the fake's Vertex routes: URL shape, bearer token (cached, refreshed, never
// logged), and Vertex's differences from the Gemini API.

const TOKEN = 'ya29.vertex-token-0123456789abcdef';
const PROJECT = 'my-project-123';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(options: Parameters<typeof createFakeGemini>[0] = {}) {
  const fake = createFakeGemini({ script: () => turn.text('from vertex'), ...options });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, url };
}

function vertexClient(
  baseUrl: string,
  getAccessToken: () => Promise<string> | string = () => TOKEN,
) {
  return createGemini({
    vertex: { project: PROJECT, location: 'us-central1', getAccessToken },
    baseUrl,
    retry: false,
  });
}

describe('createGemini({ vertex })', () => {
  it('calls the Vertex path with the bearer token, unary and streamed', async () => {
    const { fake, url } = await serve({ accessTokens: [TOKEN] });
    const gemini = vertexClient(url);
    expect(gemini.platform).toBe('vertex');
    const response = await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('from vertex');
    const folded = await foldStream(
      gemini.streamGenerateContent({ model: 'gemini-2.5-flash', contents: 'Hi' }),
    );
    expect(folded.candidates?.[0]?.content?.parts?.[0]?.text).toBe('from vertex');
    expect(fake.requests.map((request) => request.url)).toEqual([
      `/v1/projects/${PROJECT}/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent`,
      `/v1/projects/${PROJECT}/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
    ]);
    expect(fake.requests[0]?.headers['authorization']).toBe('Bearer [redacted]');
    expect(fake.requests[0]?.headers['x-goog-api-key']).toBeUndefined();
  });

  it('builds the regional and the global host by default', async () => {
    const seen: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      seen.push(String(input));
      return new Response(JSON.stringify({ candidates: [] }), {
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof globalThis.fetch;
    for (const location of ['europe-west4', 'global']) {
      const gemini = createGemini({
        vertex: { project: PROJECT, location, getAccessToken: () => TOKEN },
        fetch,
      });
      await gemini.generateContent({ model: 'gemini-3-flash-preview', contents: 'Hi' });
    }
    expect(seen).toEqual([
      `https://europe-west4-aiplatform.googleapis.com/v1/projects/${PROJECT}/locations/europe-west4/publishers/google/models/gemini-3-flash-preview:generateContent`,
      `https://aiplatform.googleapis.com/v1/projects/${PROJECT}/locations/global/publishers/google/models/gemini-3-flash-preview:generateContent`,
    ]);
  });

  it('caches the token, shares one fetch between concurrent calls, and refreshes it before expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const { fake, url } = await serve();
    let fetched = 0;
    const gemini = createGemini({
      vertex: {
        project: PROJECT,
        location: 'us-central1',
        getAccessToken: async () => {
          fetched++;
          return { token: `${TOKEN}-${fetched}`, expiresAt: Date.now() + 60 * 60 * 1000 };
        },
      },
      baseUrl: url,
      retry: false,
    });
    const request = { model: 'gemini-2.5-flash', contents: 'Hi' };
    await Promise.all([gemini.generateContent(request), gemini.generateContent(request)]);
    expect(fetched).toBe(1);
    vi.setSystemTime(54 * 60 * 1000);
    await gemini.generateContent(request);
    expect(fetched).toBe(1);
    // Five minutes before expiry: a new token.
    vi.setSystemTime(56 * 60 * 1000);
    await gemini.generateContent(request);
    expect(fetched).toBe(2);
    expect(fake.requests).toHaveLength(4);
  });

  it('is refused with 401 for a wrong token, which is then fetched anew and never shown', async () => {
    const { url } = await serve({ accessTokens: ['ya29.the-right-token-0000'] });
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    let fetched = 0;
    const gemini = createGemini({
      vertex: {
        project: PROJECT,
        location: 'us-central1',
        getAccessToken: () => {
          fetched++;
          return TOKEN;
        },
      },
      baseUrl: url,
      retry: false,
      logger: createLogger({ level: 'trace', destination }),
    });
    const request = { model: 'gemini-2.5-flash', contents: 'Hi' };
    const error = await gemini.generateContent(request).catch((thrown: unknown) => thrown);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(401);
    expect((error as ApiCallError).googleStatus).toBe('UNAUTHENTICATED');
    expect((error as Error).message).toContain('Vertex AI access token was rejected');
    expect((error as Error).message).not.toContain('API key');
    await gemini.generateContent(request).catch(() => undefined);
    expect(fetched).toBe(2);
    const everything = `${lines.join('')}${JSON.stringify(error)}${String((error as Error).stack)}`;
    expect(everything).not.toContain(TOKEN);
  });

  it('keeps the token out of an error that echoes it', async () => {
    const server = setupServer(
      http.post('https://us-central1-aiplatform.googleapis.com/*', ({ request }) =>
        HttpResponse.json(
          {
            error: {
              code: 400,
              message: `bad header ${request.headers.get('authorization')}`,
              status: 'INVALID_ARGUMENT',
            },
          },
          { status: 400 },
        ),
      ),
    );
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const gemini = createGemini({
        vertex: { project: PROJECT, location: 'us-central1', getAccessToken: () => TOKEN },
        retry: false,
      });
      const error = await gemini
        .generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })
        .catch((thrown: unknown) => thrown);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(JSON.stringify(error)).not.toContain(TOKEN);
      expect((error as Error).message).not.toContain(TOKEN);
      // The gateway's words pass redactLocalDetails first (leftovers35a): a Bearer token it echoes
      // is `<host>` there, whether or not the client knows it.
      expect((error as Error).message).toContain('bad header Bearer <host>');
    } finally {
      server.close();
    }
  });

  it('keeps the token out when the call has its own credential header (per call or the agent)', async () => {
    // The call's redaction list used to be a copy made before the first attempt fetched the token.
    const GATEWAY_KEY = 'sk-gateway-per-call-0123456789';
    const echo = ({ request }: { request: Request }) =>
      HttpResponse.json(
        {
          error: {
            code: 400,
            message: `bad headers ${request.headers.get('authorization')} ${request.headers.get('x-api-key')}`,
            status: 'INVALID_ARGUMENT',
          },
        },
        { status: 400 },
      );
    const server = setupServer(http.post('https://us-central1-aiplatform.googleapis.com/*', echo));
    server.listen({ onUnhandledRequest: 'error' });
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-vertex-runs-'));
    try {
      const lines: string[] = [];
      const destination = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const gemini = createGemini({
        vertex: { project: PROJECT, location: 'us-central1', getAccessToken: () => TOKEN },
        retry: false,
        logger: createLogger({ level: 'trace', destination }),
      });
      const request = { model: 'gemini-2.5-flash', contents: 'Hi' };
      const callOptions = { headers: { 'x-api-key': GATEWAY_KEY } };
      const unary = await gemini
        .generateContent(request, callOptions)
        .catch((thrown: unknown) => thrown);
      const streamed = await foldStream(gemini.streamGenerateContent(request, callOptions)).catch(
        (thrown: unknown) => thrown,
      );
      const recorder = createRunRecorder({ dir });
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        callOptions,
        recorder,
        telemetry: { tracerProvider },
      });
      const run = await agent.run('Hi').catch((thrown: unknown) => thrown);
      await recorder.flush();
      const files = await readdir(dir);
      const recorded = (
        await Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')))
      ).join('');
      expect(ModelCallError.isInstance(run)).toBe(true);
      for (const error of [unary, streamed, (run as ModelCallError).cause]) {
        expect(ApiCallError.isInstance(error)).toBe(true);
        expect((error as Error).message).toContain('bad headers Bearer <host> [redacted]');
      }
      expect(recorded).toContain('[redacted]');
      const spans = exporter.getFinishedSpans();
      expect(spans.length).toBeGreaterThan(0);
      const everything = [
        ...lines,
        recorded,
        ...[unary, streamed, run].map((error) => `${JSON.stringify(error)}${inspect(error)}`),
        JSON.stringify(
          spans.map(({ name, attributes, events, status }) => ({
            name,
            attributes,
            events,
            status,
          })),
        ),
      ].join('\n');
      expect(everything).not.toContain(TOKEN);
      expect(everything).not.toContain(GATEWAY_KEY);
      // The client's redactor, which the agent uses for tools' and hooks' errors, learned both.
      expect(modelCallEntryOf(gemini).redact(`${TOKEN} ${GATEWAY_KEY}`)).toBe(
        '[redacted] [redacted]',
      );
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('times out a token function that never settles, and asks it again on the next call', async () => {
    const { fake, url } = await serve({ accessTokens: [TOKEN] });
    let asked = 0;
    const gemini = createGemini({
      vertex: {
        project: PROJECT,
        location: 'us-central1',
        // The first two never settle (a metadata server that accepts and never answers).
        getAccessToken: () => (++asked <= 2 ? new Promise<string>(() => {}) : TOKEN),
      },
      baseUrl: url,
      retry: false,
      timeoutMs: 100,
    });
    const request = { model: 'gemini-2.5-flash', contents: 'Hi' };
    const timedOut = await gemini.generateContent(request).catch((thrown: unknown) => thrown);
    expect(TimeoutError.isInstance(timedOut)).toBe(true);
    expect((timedOut as Error).message).toContain('the Vertex AI access token');
    // The caller's signal ends the wait too, with its own reason.
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const aborted = gemini
      .generateContent(request, { signal: controller.signal, timeoutMs: 600_000 })
      .catch((thrown: unknown) => thrown);
    await vi.waitFor(() => expect(asked).toBe(2), { timeout: 60_000 });
    controller.abort(reason);
    expect(await aborted).toBe(reason);
    // A hung fetch is not the one every later call waits on: the next call asks again. Its limit
    // is a hang guard: the client's 100 ms, there to end the first call, ran out at load 20 on
    // this call's request to the fake.
    const response = await gemini.generateContent(request, { timeoutMs: 600_000 });
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('from vertex');
    expect(asked).toBe(3);
    expect(fake.requests).toHaveLength(1);
  });

  it('fails with VertexAuthError when the token function throws or returns nothing', async () => {
    const { fake, url } = await serve();
    const throwing = vertexClient(url, () => {
      throw new Error('metadata server unreachable');
    });
    const error = await throwing
      .generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })
      .catch((thrown: unknown) => thrown);
    expect(VertexAuthError.isInstance(error)).toBe(true);
    expect((error as VertexAuthError).reason).toBe('token-function');
    expect((error as Error).message).toContain('metadata server unreachable');
    const empty = vertexClient(url, () => '');
    const second = await empty
      .generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })
      .catch((thrown: unknown) => thrown);
    expect((second as VertexAuthError).reason).toBe('token-function');
    // A token a header cannot carry (copied with a zero-width space) failed as "could not reach".
    const unsendable = vertexClient(url, () => 'ya29.token\u200b');
    const third = await unsendable
      .generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })
      .catch((thrown: unknown) => thrown);
    expect((third as VertexAuthError).reason).toBe('token-function');
    expect((third as Error).message).toContain('U+200B at position 11');
    expect((third as Error).message).not.toContain('ya29');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses listModels and getModel, which are Gemini API methods', async () => {
    const { fake, url } = await serve();
    const gemini = vertexClient(url);
    await expect(gemini.listModels()).rejects.toThrow(/Gemini API method/);
    await expect(gemini.getModel('gemini-2.5-flash')).rejects.toThrow(InvalidArgumentError);
    expect(fake.requests).toHaveLength(0);
    // countTokens is a Vertex method too.
    const counted = await gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'Hi there' });
    expect(counted.totalTokens).toBeGreaterThan(0);
    expect(fake.requests[0]?.url).toBe(
      `/v1/projects/${PROJECT}/locations/us-central1/publishers/google/models/gemini-2.5-flash:countTokens`,
    );
  });

  it("counts a whole request in Vertex's shape, which the fake checks as Vertex does", async () => {
    const { fake, url } = await serve({ accessTokens: [TOKEN] });
    const whole = { contents: 'Hi there', systemInstruction: 'Be brief. '.repeat(50) };
    const bare = await vertexClient(url).countTokens({
      model: 'gemini-2.5-flash',
      contents: 'Hi there',
    });
    const counted = await vertexClient(url).countTokens({
      model: 'gemini-2.5-flash',
      generateContentRequest: whole,
    });
    // The system instruction is counted: it went beside contents, where Vertex reads it.
    expect(counted.totalTokens).toBeGreaterThan(bare.totalTokens);
    expect(fake.requests[1]?.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi there' }] }],
      systemInstruction: { parts: [{ text: whole.systemInstruction }] },
    });
    // The Gemini API's shape is an unknown field to Vertex.
    const refused = await fetch(
      `${url}/v1/projects/${PROJECT}/locations/us-central1/publishers/google/models/gemini-2.5-flash:countTokens`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          generateContentRequest: { model: 'models/gemini-2.5-flash', contents: [] },
        }),
      },
    );
    expect(refused.status).toBe(400);
    const error = ((await refused.json()) as { error: { message: string } }).error;
    expect(error.message).toContain('Unknown name "generateContentRequest"');
  });

  it('refuses options that do not go with vertex', () => {
    const vertex = { project: PROJECT, location: 'us-central1', getAccessToken: () => TOKEN };
    expect(() => createGemini({ vertex, apiKey: 'AIza-key-0123456789' })).toThrow(
      expect.objectContaining({ argument: 'apiKey' }),
    );
    expect(() => createGemini({ vertex: { ...vertex, project: 'a/b' } })).toThrow(
      expect.objectContaining({ argument: 'vertex.project' }),
    );
    expect(() => createGemini({ vertex: { ...vertex, location: 'US Central' } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createGemini({ vertex: { ...vertex, region: 'x' } as never })).toThrow(
      expect.objectContaining({ argument: 'vertex.region' }),
    );
    expect(() => createGemini({ vertex: { ...vertex, locaton: 'x' } as never })).toThrow(
      "vertex has no option 'locaton'. Did you mean 'location'?",
    );
    expect(() => createGemini({ vertex: { location: 'us-central1' } as never })).toThrow(
      expect.objectContaining({ argument: 'vertex.project' }),
    );
  });
});

describe('Application Default Credentials', () => {
  it('asks google-auth-library for a cloud-platform token on each call (it caches itself)', async () => {
    const scopes: string[][] = [];
    let calls = 0;
    class GoogleAuth {
      constructor(options: { scopes: string[] }) {
        scopes.push(options.scopes);
      }
      async getAccessToken() {
        calls++;
        return `${TOKEN}-adc`;
      }
    }
    const tokens: string[] = [];
    const source = createVertexTokenSource({
      getAccessToken: undefined,
      onToken: (token) => tokens.push(token),
      importAuthLibrary: async () => ({ GoogleAuth }),
    });
    expect(await source.token()).toBe(`${TOKEN}-adc`);
    expect(await source.token()).toBe(`${TOKEN}-adc`);
    expect(scopes).toEqual([['https://www.googleapis.com/auth/cloud-platform']]);
    expect(calls).toBe(2);
    expect(tokens).toContain(`${TOKEN}-adc`);
  });

  it('says to install google-auth-library when it cannot be loaded', async () => {
    // The peer may be installed in this workspace (bench depends on it), so its absence is
    // simulated where the client loads it.
    const source = createVertexTokenSource({
      getAccessToken: undefined,
      onToken: () => undefined,
      importAuthLibrary: () =>
        Promise.reject(
          Object.assign(new Error("Cannot find package 'google-auth-library'"), {
            code: 'ERR_MODULE_NOT_FOUND',
          }),
        ),
    });
    const error = await source.token().catch((thrown: unknown) => thrown);
    expect(VertexAuthError.isInstance(error)).toBe(true);
    expect((error as VertexAuthError).reason).toBe('missing-auth-library');
    expect((error as Error).message).toContain('npm install google-auth-library');
    expect((error as Error).message).toContain('vertex.getAccessToken');
  });

  it('turns a credentials failure into VertexAuthError naming gcloud', async () => {
    class GoogleAuth {
      async getAccessToken(): Promise<string> {
        throw new Error('Could not load the default credentials.');
      }
    }
    const source = createVertexTokenSource({
      getAccessToken: undefined,
      onToken: () => undefined,
      importAuthLibrary: async () => ({ default: { GoogleAuth } }),
    });
    const error = await source.token().catch((thrown: unknown) => thrown);
    expect((error as VertexAuthError).reason).toBe('credentials');
    expect((error as Error).message).toContain('gcloud auth application-default login');
  });
});

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather of a city.',
  parameters: z.object({ city: z.string(), days: z.number(), detailed: z.boolean() }),
  execute: ({ city }) => ({ city, forecast: 'sunny' }),
});

describe('the agent on Vertex', () => {
  it('caches its prefix on the Vertex cache routes, under the project and location', async () => {
    const { fake, url } = await serve({ accessTokens: [TOKEN] });
    const agent = createAgent({
      gemini: vertexClient(url),
      model: 'gemini-2.5-flash',
      // Above gemini-2.5-flash's 1024-token cache minimum.
      instructions: 'You read leases. '.repeat(400),
      cache: { ttlSeconds: 600 },
    });
    const first = await agent.run('Who signs?');
    const second = await agent.run('When?');
    await agent.close();
    expect([first.text, second.text]).toEqual(['from vertex', 'from vertex']);
    const parent = `/v1/projects/${PROJECT}/locations/us-central1`;
    const model = `${parent}/publishers/google/models/gemini-2.5-flash`;
    const bodyOf = (index: number) =>
      (fake.modelRequests[index]?.body ?? {}) as Record<string, unknown>;
    const name = bodyOf(0)['cachedContent'] as string;
    expect(name).toMatch(
      new RegExp(`^projects/${PROJECT}/locations/us-central1/cachedContents/\\d+$`),
    );
    expect(fake.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `countTokens ${model}:countTokens`,
      `caches.create ${parent}/cachedContents`,
      `generateContent ${model}:generateContent`,
      `generateContent ${model}:generateContent`,
      `caches.delete /v1/${name}`,
    ]);
    expect(fake.requests[1]?.body).toMatchObject({ model: model.slice(4) });
    expect(bodyOf(1)['cachedContent']).toBe(name);
  });

  it('combines built-in and function tools without includeServerSideToolInvocations', async () => {
    const { fake, url } = await serve({ script: [turn.text('ok'), turn.text('ok')] });
    const agent = createAgent({
      gemini: vertexClient(url),
      model: 'gemini-3-flash-preview',
      tools: [googleSearch(), weather],
    });
    await agent.run('Weather?');
    const body = fake.requests[0]?.body as GenerateContentBody;
    expect(body.tools?.[0]).toEqual({ googleSearch: {} });
    expect(body.toolConfig?.includeServerSideToolInvocations).toBeUndefined();
    // The same agent on the Gemini API still sets it.
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    await createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [googleSearch(), weather],
    }).run('Weather?');
    expect(
      (fake.requests[1]?.body as GenerateContentBody | undefined)?.toolConfig
        ?.includeServerSideToolInvocations,
    ).toBe(true);
  });

  it('refuses what Vertex does not take before sending; the fake refuses it too', async () => {
    const { fake, url } = await serve();
    const gemini = vertexClient(url);
    const refusals = [
      [
        { toolConfig: { includeServerSideToolInvocations: true } },
        'includeServerSideToolInvocations',
      ],
      [
        { toolConfig: { functionCallingConfig: { streamFunctionCallArguments: true } } },
        'streamFunctionCallArguments',
      ],
      [{ tools: [{ mcpServers: [{ name: 'a' }] }] }, 'mcpServers'],
    ] as [Partial<GenerateContentRequest>, string][];
    for (const [extra, field] of refusals) {
      const error = await gemini
        .generateContent({ model: 'gemini-3-flash-preview', contents: 'Hi', ...extra })
        .catch((thrown: unknown) => thrown);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toContain(field);
    }
    expect(fake.requests).toHaveLength(0);
    // What a client that does not check would get from the fake's Vertex route.
    const response = await fetch(
      `${url}/v1/projects/${PROJECT}/locations/us-central1/publishers/google/models/gemini-3-flash-preview:generateContent`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
          toolConfig: { includeServerSideToolInvocations: true },
        }),
      },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('include_server_side_tool_invocations');
  });

  it('streams function-call arguments in pieces on stream() only, assembled into whole calls', async () => {
    const script = () => [
      turn.call('get_weather', { city: 'San Francisco', days: 3, detailed: true }),
      turn.text('Sunny.'),
    ];
    for (const streaming of [true, false]) {
      const { fake, url } = await serve({ script: script() });
      const agent = createAgent({
        gemini: vertexClient(url),
        model: 'gemini-3.1-pro-preview',
        tools: [weather],
        streamFunctionCallArguments: true,
      });
      const result = streaming
        ? await agent.stream('Weather?').result
        : await agent.run('Weather?');
      expect(result.text).toBe('Sunny.');
      expect(result.steps[0]?.toolCalls[0]?.args).toEqual({
        city: 'San Francisco',
        days: 3,
        detailed: true,
      });
      const sent = (fake.requests[0]?.body as GenerateContentBody | undefined)?.toolConfig
        ?.functionCallingConfig;
      expect(sent?.streamFunctionCallArguments).toBe(streaming ? true : undefined);
      // The model turn in the history holds the whole call, no streaming fields.
      const call = result.contents[1]?.parts.find((part) => part.functionCall)?.functionCall;
      expect(call).toMatchObject({
        name: 'get_weather',
        args: { city: 'San Francisco', days: 3, detailed: true },
      });
      expect(call).not.toHaveProperty('partialArgs');
      expect(call).not.toHaveProperty('willContinue');
    }
  });

  // Issue 53 (letters45): the README's row named S only. A chat session's sendStream asks for the
  // pieces; the stored turn, the tool's span and the recording all hold the one assembled call.
  it("assembles the pieces in a chat session's sendStream, and spans and the recording see the whole call", async () => {
    const { fake, url } = await serve({
      script: [
        turn.call('get_weather', { city: 'San Francisco', days: 3, detailed: true }),
        turn.text('Sunny.'),
      ],
    });
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-vertex-pieces-'));
    try {
      const recorder = createRunRecorder({ dir });
      const session = createChatSession({
        agent: createAgent({
          gemini: vertexClient(url),
          model: 'gemini-3.1-pro-preview',
          tools: [weather],
          streamFunctionCallArguments: true,
          recorder,
          telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
        }),
      });
      const stream = session.sendStream('Weather?');
      const calls: unknown[] = [];
      for await (const event of stream) if (event.type === 'tool-call') calls.push(event.args);
      expect((await stream.result).text).toBe('Sunny.');
      const whole = { city: 'San Francisco', days: 3, detailed: true };
      expect(calls).toEqual([whole]);
      const sent = (fake.requests[0]?.body as GenerateContentBody | undefined)?.toolConfig
        ?.functionCallingConfig;
      expect(sent?.streamFunctionCallArguments).toBe(true);
      const stored = (await session.history())[1]?.parts.find((part) => part.functionCall);
      expect(stored?.functionCall).toMatchObject({ name: 'get_weather', args: whole });
      expect(stored?.functionCall).not.toHaveProperty('partialArgs');
      const span = exporter.getFinishedSpans().find((s) => s.name === 'execute_tool get_weather');
      expect(JSON.parse(String(span?.attributes['gen_ai.tool.call.arguments']))).toEqual(whole);
      await recorder.flush();
      const [name] = await readdir(dir);
      const lines = (await readFile(join(dir, name as string), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; args?: unknown });
      expect(lines.filter((line) => line.type === 'tool-call-start')).toMatchObject([
        { args: whole },
      ]);
      await session.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the call in partialArgs pieces that foldStream assembles', async () => {
    const { url } = await serve({
      script: [turn.call('get_weather', { city: 'San Francisco', days: 3, detailed: true })],
    });
    const chunks = [];
    for await (const chunk of vertexClient(url).streamGenerateContent({
      model: 'gemini-3.1-pro-preview',
      contents: 'Weather?',
      tools: [{ functionDeclarations: [weather.declaration] }],
      toolConfig: { functionCallingConfig: { streamFunctionCallArguments: true } },
    })) {
      chunks.push(chunk);
    }
    const calls = chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.functionCall);
    expect(calls[0]).toMatchObject({ name: 'get_weather', willContinue: true });
    expect(calls.some((call) => call?.partialArgs?.[0]?.willContinue === true)).toBe(true);
    expect(calls.at(-1) ?? calls.at(-2)).toBeDefined();
    const folded = await foldStream(chunks);
    expect(folded.candidates?.[0]?.content?.parts?.[0]?.functionCall).toMatchObject({
      name: 'get_weather',
      args: { city: 'San Francisco', days: 3, detailed: true },
    });
  });

  it('refuses streamFunctionCallArguments on the Gemini API and mcpServers on Vertex', async () => {
    const { url } = await serve();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key' });
    expect(() =>
      createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        tools: [weather],
        streamFunctionCallArguments: true,
      }),
    ).toThrow(expect.objectContaining({ argument: 'streamFunctionCallArguments' }));
    expect(() =>
      createAgent({
        gemini: vertexClient(url),
        model: 'gemini-3-flash-preview',
        tools: [mcpServers({ name: 'a', url: 'https://a.example/mcp' })],
      }),
    ).toThrow(/not supported in Vertex AI/);
  });
});

describe('fileData in function responses', () => {
  const report = defineTool({
    name: 'get_report',
    description: 'A stored report.',
    parameters: z.object({}),
    execute: () =>
      toolResult({
        output: 'the report',
        parts: [
          { fileData: { mimeType: 'application/pdf', fileUri: 'gs://bucket/report.pdf' } },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      }),
  });
  const script = () => [turn.call('get_report', {}), turn.text('Read it.')];

  it('stays in functionResponse.parts on Vertex', async () => {
    const { fake, url } = await serve({ script: script() });
    const result = await createAgent({
      gemini: vertexClient(url),
      model: 'gemini-3-flash-preview',
      tools: [report],
    }).run('Report?');
    expect(result.text).toBe('Read it.');
    const second = fake.requests[1]?.body as GenerateContentBody;
    const answer = second.contents[2];
    expect(answer?.parts).toHaveLength(1);
    expect(answer?.parts[0]?.functionResponse?.parts).toEqual([
      { fileData: { mimeType: 'application/pdf', fileUri: 'gs://bucket/report.pdf' } },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    ]);
  });

  it('moves to a user turn on the Gemini API, which refuses it in the response', async () => {
    const { fake, url } = await serve({ script: script() });
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const result = await createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [report],
    }).run('Report?');
    expect(result.text).toBe('Read it.');
    const second = fake.requests[1]?.body as GenerateContentBody;
    expect(second.contents[2]?.parts[0]?.functionResponse?.parts).toEqual([
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    ]);
    expect(second.contents[3]?.parts).toEqual([
      { fileData: { mimeType: 'application/pdf', fileUri: 'gs://bucket/report.pdf' } },
    ]);
    // Sent raw, the fake refuses it as the Gemini API does.
    const refused = await gemini
      .generateContent({
        model: 'gemini-3-flash-preview',
        contents: [
          ...second.contents.slice(0, 2),
          {
            role: 'user',
            parts: [
              {
                functionResponse: {
                  ...second.contents[2]?.parts[0]?.functionResponse,
                  name: 'get_report',
                  response: {},
                  parts: [{ fileData: { mimeType: 'application/pdf', fileUri: 'gs://b/r.pdf' } }],
                },
              },
            ],
          },
        ],
      })
      .catch((thrown: unknown) => thrown);
    expect((refused as ApiCallError).apiMessage).toBe(
      'fileData parameter is not supported in Gemini API.',
    );
  });
});
