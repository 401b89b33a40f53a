import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../logging/logger.ts';
import { foldStream } from '../streaming/fold-stream.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import { createGemini } from './create-gemini.ts';
import { endpointFieldWarnings } from './endpoint-field-warnings.ts';
import { modelCallEntryOf } from './model-call-entry.ts';
import { DEFAULT_BASE_URL } from './options/normalize-base-url.ts';
import { createContentJsonCache } from './serialize-request-body.ts';

// `store` and `modelArmorConfig` and the Vertex-only tools are sent as given everywhere; where
// Google documents the endpoint refusing them (@google/genai 3.1.0's converters), one warning.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function capturingLogger(): { logger: Logger; warnings: { fields: unknown; message: string }[] } {
  const warnings: { fields: unknown; message: string }[] = [];
  const logger: Logger = {
    child: () => logger,
    debug: () => {},
    info: () => {},
    warn: (fields, message) => warnings.push({ fields, message: message ?? '' }),
    error: () => {},
  };
  return { logger, warnings };
}

const EXA_KEY = 'exa-secret-key-0123456789abcdef';

const vertexOnly: GenerateContentRequest = {
  model: 'gemini-3-flash-preview',
  contents: 'Hi',
  modelArmorConfig: {
    promptTemplateName: 'projects/p/locations/us-central1/templates/t',
  },
  tools: [
    { enterpriseWebSearch: { excludeDomains: ['example.com'] } },
    { exaAiSearch: { apiKey: EXA_KEY } },
    { parallelAiSearch: {} },
    { retrieval: { vertexAiSearch: { datastore: 'projects/p/locations/l/dataStores/d' } } },
  ],
};

describe('endpointFieldWarnings', () => {
  it('names the Vertex-only fields and tools on Google Gemini API endpoint, never their values', () => {
    const warnings = endpointFieldWarnings(vertexOnly, {
      platform: 'gemini-api',
      baseUrl: DEFAULT_BASE_URL,
    });
    expect(warnings.map((warning) => warning.field)).toEqual([
      'modelArmorConfig',
      'tools.enterpriseWebSearch',
      'tools.exaAiSearch',
      'tools.parallelAiSearch',
      'tools.retrieval',
    ]);
    expect(JSON.stringify(warnings)).not.toContain(EXA_KEY);
  });

  it('says nothing for a gateway (Google does not document what it takes) or for store off Vertex', () => {
    const gateway = { platform: 'gemini-api', baseUrl: 'https://api.cometapi.com' } as const;
    expect(endpointFieldWarnings(vertexOnly, gateway)).toEqual([]);
    const google = { platform: 'gemini-api', baseUrl: DEFAULT_BASE_URL } as const;
    expect(
      endpointFieldWarnings(
        { model: 'gemini-3-flash-preview', contents: 'Hi', store: false },
        google,
      ),
    ).toEqual([]);
  });

  it('names store on Vertex, and nothing else there', () => {
    const vertex = { platform: 'vertex', baseUrl: 'https://aiplatform.googleapis.com' } as const;
    expect(
      endpointFieldWarnings({ ...vertexOnly, store: true }, vertex).map((warning) => warning.field),
    ).toEqual(['store']);
  });
});

describe('createGemini: store and modelArmorConfig', () => {
  it('sends store and modelArmorConfig as given, unary and streamed, warning once per field', async () => {
    const fake = createFakeGemini({ script: () => turn.text('ok') });
    fakes.push(fake);
    const { logger, warnings } = capturingLogger();
    // Google's own base URL, answered in-process by the fake.
    const gemini = createGemini({ apiKey: 'test-key-0123456789', fetch: fake.fetch, logger });
    const request: GenerateContentRequest = { ...vertexOnly, store: false };
    await gemini.generateContent(request);
    await foldStream(gemini.streamGenerateContent(request));
    expect(fake.requests).toHaveLength(2);
    for (const sent of fake.requests) {
      const body = sent.body as Record<string, unknown>;
      expect(body['store']).toBe(false);
      expect(body['modelArmorConfig']).toEqual(vertexOnly.modelArmorConfig);
      expect(body['tools']).toEqual(vertexOnly.tools);
    }
    expect(warnings.map((warning) => (warning.fields as { field: string }).field)).toEqual([
      'modelArmorConfig',
      'tools.enterpriseWebSearch',
      'tools.exaAiSearch',
      'tools.parallelAiSearch',
      'tools.retrieval',
    ]);
    expect(warnings[0]?.message).toContain('Use a Vertex client for Model Armor');
  });

  it('warns about store on Vertex and still sends it; the fake takes it', async () => {
    const fake = createFakeGemini({ script: () => turn.text('ok'), accessTokens: ['ya29.token'] });
    fakes.push(fake);
    const { url } = await fake.listen();
    const { logger, warnings } = capturingLogger();
    const gemini = createGemini({
      vertex: { project: 'p-123', location: 'us-central1', getAccessToken: () => 'ya29.token' },
      baseUrl: url,
      retry: false,
      logger,
    });
    const response = await gemini.generateContent({
      model: 'gemini-3-flash-preview',
      contents: 'Hi',
      store: true,
    });
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
    expect(fake.requests[0]?.body).toMatchObject({ store: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('request.store is a Gemini API field');
  });
});

describe('createGemini: credentials in the request tools', () => {
  it('redacts the Exa.ai key and MCP header values from the trace-level body log', async () => {
    const fake = createFakeGemini({ script: () => turn.text('ok') });
    fakes.push(fake);
    const traced: string[] = [];
    const logger: Logger = {
      child: () => logger,
      trace: (fields) => traced.push(JSON.stringify(fields)),
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: () => {},
      isLevelEnabled: () => true,
    };
    const gemini = createGemini({ apiKey: 'test-key-0123456789', fetch: fake.fetch, logger });
    const MCP_TOKEN = 'Bearer mcp-token-0123456789abcdef';
    const request: GenerateContentRequest = {
      model: 'gemini-3-flash-preview',
      contents: 'Hi',
      tools: [
        { exaAiSearch: { apiKey: EXA_KEY } },
        {
          mcpServers: [
            {
              name: 'm',
              streamableHttpTransport: {
                url: 'https://mcp.example/mcp',
                headers: { authorization: MCP_TOKEN },
              },
            },
          ],
        },
      ],
    };
    await gemini.generateContent(request);
    await foldStream(gemini.streamGenerateContent(request));
    const bodies = traced.filter((line) => line.includes('"direction":"request"'));
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body).toContain('exaAiSearch');
      expect(body).not.toContain(EXA_KEY);
      expect(body).not.toContain('mcp-token-0123456789abcdef');
    }
    // Sent as given all the same.
    expect(JSON.stringify(fake.requests[0]?.body)).toContain('exaAiSearch');
  });

  it("redacts them in every call of a run (its tools' resolved once), and a mid-run tools change's", async () => {
    const fake = createFakeGemini({ script: () => turn.text('ok') });
    fakes.push(fake);
    const traced: string[] = [];
    const logger: Logger = {
      child: () => logger,
      trace: (fields) => traced.push(JSON.stringify(fields)),
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: () => {},
      isLevelEnabled: () => true,
    };
    const entry = modelCallEntryOf(
      createGemini({ apiKey: 'test-key-0123456789', fetch: fake.fetch, logger }),
    );
    const bodyCache = createContentJsonCache();
    const callOptions = Object.freeze({ signal: new AbortController().signal });
    const request: GenerateContentRequest = {
      model: 'gemini-3-flash-preview',
      contents: 'Hi',
      tools: [{ exaAiSearch: { apiKey: EXA_KEY } }],
    };
    const OTHER_KEY = 'exa-other-key-0123456789abcdef';
    const changed = { ...request, tools: [{ exaAiSearch: { apiKey: OTHER_KEY } }] };
    await entry.generate({ request, callOptions, bodyCache });
    await entry.generate({ request, callOptions, bodyCache });
    await foldStream(entry.stream({ request, callOptions, bodyCache }).stream);
    await entry.generate({ request: changed, callOptions, bodyCache });
    const bodies = traced.filter((line) => line.includes('"direction":"request"'));
    expect(bodies).toHaveLength(4);
    for (const body of bodies) {
      expect(body).toContain('exaAiSearch');
      expect(body).not.toContain(EXA_KEY);
      expect(body).not.toContain(OTHER_KEY);
    }
    expect(JSON.stringify(fake.requests[3]?.body)).toContain(OTHER_KEY);
  });

  it("warns of nothing on a gateway's endpoint, whatever the request holds", async () => {
    const fake = createFakeGemini({ script: () => turn.text('ok') });
    fakes.push(fake);
    const { url } = await fake.listen();
    const { logger, warnings } = capturingLogger();
    const gemini = createGemini({ apiKey: 'test-key-0123456789', baseUrl: url, logger });
    await gemini.generateContent({ ...vertexOnly, store: true });
    await foldStream(gemini.streamGenerateContent(vertexOnly));
    expect(fake.requests).toHaveLength(2);
    expect(warnings).toEqual([]);
  });
});
