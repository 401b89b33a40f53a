import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AgentOptions, createAgent, createGemini } from '@gemloop/core';
import { definePlugin } from '@gemloop/core/plugins';
import {
  codeExecution,
  defineTool,
  fileSearch,
  googleMaps,
  googleSearch,
  jsonSchema,
  toOpenApiSchema,
  urlContext,
} from '@gemloop/core/tools';
import type { Content, GenerateContentRequest } from '@gemloop/core/wire';
import {
  type Content as GenaiContent,
  type GenerateContentConfig,
  GoogleGenAI,
} from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * A differential test against `@google/genai` 2.32 (Gemini API mode): for the same logical request
 * both clients hit one capturing server, and the JSON gemloop sends must equal the JSON the SDK
 * sends, field names and casing included. A user migrating (docs/migrating-from-google-genai.md)
 * sets every `config` field of the SDK somewhere in gemloop; this proves it reaches the wire.
 */

const MODEL = 'gemini-2.5-flash';
const REPLY = JSON.stringify({
  candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
  usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
});

let server: Server;
let baseUrl: string;
const bodies: unknown[] = [];
/** The URL and the headers that matter of each request. */
const requests: { url: string; apiKey: unknown; contentType: unknown }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      requests.push({
        url: request.url ?? '',
        apiKey: request.headers['x-goog-api-key'],
        contentType: request.headers['content-type'],
      });
      if (request.url?.includes(':streamGenerateContent') === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(`data: ${REPLY}\r\n\r\n`);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(REPLY);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The body the last request carried. */
function lastBody(): Record<string, unknown> {
  return bodies.at(-1) as Record<string, unknown>;
}

async function sentByGenai(
  config: GenerateContentConfig,
  model = MODEL,
): Promise<Record<string, unknown>> {
  const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } });
  await ai.models.generateContent({ model, contents: 'hi', config });
  return withoutSdkFiller(lastBody());
}

/**
 * The two things the SDK adds that carry no meaning, taken off so the comparison is of what the
 * user set: an empty `generationConfig: {}` on every request, and `role: 'user'` on a
 * `systemInstruction` given as a string (tContent). The API reads neither (a system instruction's
 * role is ignored, an empty config is the defaults), and gemloop sends neither.
 */
function withoutSdkFiller(body: Record<string, unknown>): Record<string, unknown> {
  const { generationConfig, systemInstruction, ...rest } = body;
  const out: Record<string, unknown> = { ...rest };
  if (generationConfig !== undefined && Object.keys(generationConfig as object).length > 0) {
    out['generationConfig'] = generationConfig;
  }
  if (systemInstruction !== undefined) {
    const { role, ...content } = systemInstruction as Record<string, unknown>;
    out['systemInstruction'] = role === 'user' ? content : systemInstruction;
  }
  return out;
}

type RequestFields = Omit<GenerateContentRequest, 'model' | 'contents'>;

async function sentByGemini(
  fields: RequestFields,
  model = MODEL,
): Promise<Record<string, unknown>> {
  const gemini = createGemini({ apiKey: 'test-key', baseUrl, retry: false });
  await gemini.generateContent({ model, contents: 'hi', ...fields });
  return lastBody();
}

async function sentByAgent(
  options: Partial<AgentOptions>,
  model = MODEL,
): Promise<Record<string, unknown>> {
  const gemini = createGemini({ apiKey: 'test-key', baseUrl, retry: false });
  await createAgent({ gemini, model, ...options }).run('hi');
  return lastBody();
}

const objectSchema = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
};

/**
 * Each SDK `config` field and how a gemloop user sets it: on the request (`gemini.generateContent`,
 * the REST body) and, where an agent offers it, on `createAgent`.
 */
const cases: {
  field: string;
  /** A Gemini 3 model where the agent maps an option per model (thinking, built-ins beside functions). */
  model?: string;
  genai: GenerateContentConfig;
  request: RequestFields;
  agent?: Partial<AgentOptions>;
}[] = [
  {
    field: 'sampling (temperature … seed)',
    genai: {
      temperature: 0.3,
      topP: 0.9,
      topK: 20,
      candidateCount: 1,
      maxOutputTokens: 256,
      stopSequences: ['END'],
      responseLogprobs: true,
      logprobs: 3,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      seed: 7,
    },
    request: {
      generationConfig: {
        temperature: 0.3,
        topP: 0.9,
        topK: 20,
        candidateCount: 1,
        maxOutputTokens: 256,
        stopSequences: ['END'],
        responseLogprobs: true,
        logprobs: 3,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        seed: 7,
      },
    },
  },
  {
    field: 'responseMimeType + responseJsonSchema',
    genai: { responseMimeType: 'application/json', responseJsonSchema: objectSchema },
    request: {
      generationConfig: { responseMimeType: 'application/json', responseJsonSchema: objectSchema },
    },
  },
  {
    field: 'responseSchema (OpenAPI subset)',
    genai: {
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'OBJECT' as never,
        properties: { city: { type: 'STRING' as never } },
      },
    },
    request: {
      generationConfig: {
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { city: { type: 'STRING' } } },
      },
    },
  },
  {
    // The SDK rewrites a JSON Schema given as responseSchema into the API's OpenAPI subset
    // (processJsonSchema); gemloop sends responseSchema as given, and toOpenApiSchema does that.
    field: 'responseSchema given as a JSON Schema (converted)',
    genai: {
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          zip: { anyOf: [{ type: 'null' }, { type: 'string' }] },
        },
        required: ['city'],
      } as never,
    },
    request: {
      generationConfig: {
        responseMimeType: 'application/json',
        responseSchema: toOpenApiSchema({
          type: 'object',
          properties: {
            city: { type: 'string' },
            zip: { anyOf: [{ type: 'null' }, { type: 'string' }] },
          },
          required: ['city'],
        }).schema,
      },
    },
  },
  {
    field: 'thinkingConfig (budget, thoughts)',
    genai: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
    request: {
      generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
    },
  },
  {
    field: 'thinkingConfig (level)',
    genai: { thinkingConfig: { thinkingLevel: 'LOW' as never } },
    request: { generationConfig: { thinkingConfig: { thinkingLevel: 'LOW' } } },
  },
  {
    field: 'thinkingConfig (level, from the agent option thinking)',
    model: 'gemini-3-flash-preview',
    genai: { thinkingConfig: { thinkingLevel: 'LOW' as never } },
    request: { generationConfig: { thinkingConfig: { thinkingLevel: 'LOW' } } },
    agent: { thinking: 'low' },
  },
  {
    field: 'responseModalities, mediaResolution, speechConfig, imageConfig',
    genai: {
      responseModalities: ['TEXT', 'IMAGE'],
      mediaResolution: 'MEDIA_RESOLUTION_LOW' as never,
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
      imageConfig: { aspectRatio: '16:9', imageSize: '2K' },
    },
    request: {
      generationConfig: {
        responseModalities: ['TEXT', 'IMAGE'],
        mediaResolution: 'MEDIA_RESOLUTION_LOW',
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
        imageConfig: { aspectRatio: '16:9', imageSize: '2K' },
      },
    },
  },
  {
    field: 'audioTranscriptionConfig, enableEnhancedCivicAnswers',
    genai: { audioTranscriptionConfig: {}, enableEnhancedCivicAnswers: true },
    request: {
      generationConfig: { audioTranscriptionConfig: {}, enableEnhancedCivicAnswers: true },
    },
  },
  {
    field: 'systemInstruction (string)',
    genai: { systemInstruction: 'Answer in one word.' },
    request: { systemInstruction: 'Answer in one word.' },
    agent: { instructions: 'Answer in one word.' },
  },
  {
    field: 'systemInstruction (parts)',
    genai: { systemInstruction: [{ text: 'a' }, { text: 'b' }] },
    request: { systemInstruction: [{ text: 'a' }, { text: 'b' }] },
    agent: { instructions: [{ text: 'a' }, { text: 'b' }] },
  },
  {
    field: 'systemInstruction (Content)',
    genai: { systemInstruction: { parts: [{ text: 'a' }, { text: 'b' }] } },
    request: { systemInstruction: { parts: [{ text: 'a' }, { text: 'b' }] } },
    agent: { instructions: { parts: [{ text: 'a' }, { text: 'b' }] } },
  },
  {
    field: 'safetySettings',
    genai: {
      safetySettings: [
        { category: 'HARM_CATEGORY_HARASSMENT' as never, threshold: 'BLOCK_ONLY_HIGH' as never },
      ],
    },
    request: {
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
    },
    agent: {
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
    },
  },
  {
    field: 'toolConfig (mode ANY, allowedFunctionNames, retrievalConfig)',
    genai: {
      toolConfig: {
        functionCallingConfig: { mode: 'ANY' as never, allowedFunctionNames: ['get_weather'] },
        retrievalConfig: { latLng: { latitude: 48.85, longitude: 2.35 }, languageCode: 'fr' },
        includeServerSideToolInvocations: true,
      },
    },
    request: {
      toolConfig: {
        functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
        retrievalConfig: { latLng: { latitude: 48.85, longitude: 2.35 }, languageCode: 'fr' },
        includeServerSideToolInvocations: true,
      },
    },
  },
  {
    field: 'tools: functionDeclarations (parameters and parametersJsonSchema)',
    genai: {
      tools: [
        {
          functionDeclarations: [
            {
              name: 'a',
              description: 'A.',
              parameters: {
                type: 'OBJECT' as never,
                properties: { x: { type: 'STRING' as never } },
              },
            },
            { name: 'b', description: 'B.', parametersJsonSchema: objectSchema },
          ],
        },
      ],
    },
    request: {
      tools: [
        {
          functionDeclarations: [
            {
              name: 'a',
              description: 'A.',
              parameters: { type: 'OBJECT', properties: { x: { type: 'STRING' } } },
            },
            { name: 'b', description: 'B.', parametersJsonSchema: objectSchema },
          ],
        },
      ],
    },
  },
  {
    field: 'tools: googleSearch, codeExecution, urlContext',
    genai: { tools: [{ googleSearch: {} }, { codeExecution: {} }, { urlContext: {} }] },
    request: { tools: [{ googleSearch: {} }, { codeExecution: {} }, { urlContext: {} }] },
    agent: { tools: [googleSearch(), codeExecution(), urlContext()] },
  },
  {
    field: 'tools: fileSearch, googleMaps, computerUse, googleSearchRetrieval',
    genai: {
      tools: [
        { fileSearch: { fileSearchStoreNames: ['fileSearchStores/s1'] } },
        { googleMaps: { enableWidget: true } },
        { computerUse: { environment: 'ENVIRONMENT_BROWSER' as never } },
        { googleSearchRetrieval: {} },
      ],
    },
    request: {
      tools: [
        { fileSearch: { fileSearchStoreNames: ['fileSearchStores/s1'] } },
        { googleMaps: { enableWidget: true } },
        { computerUse: { environment: 'ENVIRONMENT_BROWSER' } },
        { googleSearchRetrieval: {} },
      ],
    },
  },
  {
    field: 'tools + toolConfig: a function tool, mode ANY, allowedFunctionNames, retrievalConfig',
    genai: {
      tools: [
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather.', parametersJsonSchema: objectSchema },
          ],
        },
      ],
      toolConfig: {
        functionCallingConfig: { mode: 'ANY' as never, allowedFunctionNames: ['get_weather'] },
        retrievalConfig: { latLng: { latitude: 48.85, longitude: 2.35 }, languageCode: 'fr' },
      },
    },
    request: {
      tools: [
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather.', parametersJsonSchema: objectSchema },
          ],
        },
      ],
      toolConfig: {
        functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
        retrievalConfig: { latLng: { latitude: 48.85, longitude: 2.35 }, languageCode: 'fr' },
      },
    },
    agent: {
      tools: [
        defineTool({
          name: 'get_weather',
          description: 'Weather.',
          parameters: jsonSchema(objectSchema),
          execute: async () => ({}),
        }),
      ],
      toolChoice: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
      retrievalConfig: { latLng: { latitude: 48.85, longitude: 2.35 }, languageCode: 'fr' },
    },
  },
  {
    field: 'tools: fileSearch, googleMaps (agent built-ins)',
    genai: {
      tools: [
        { fileSearch: { fileSearchStoreNames: ['fileSearchStores/s1'], topK: 3 } },
        { googleMaps: { enableWidget: true } },
      ],
    },
    request: {
      tools: [
        { fileSearch: { fileSearchStoreNames: ['fileSearchStores/s1'], topK: 3 } },
        { googleMaps: { enableWidget: true } },
      ],
    },
    agent: {
      tools: [
        fileSearch({ fileSearchStoreNames: ['fileSearchStores/s1'], topK: 3 }),
        googleMaps({ enableWidget: true }),
      ],
    },
  },
  {
    field: 'built-ins beside a function tool (includeServerSideToolInvocations)',
    model: 'gemini-3-flash-preview',
    genai: {
      tools: [
        { googleSearch: {} },
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather.', parametersJsonSchema: objectSchema },
          ],
        },
      ],
      toolConfig: { includeServerSideToolInvocations: true },
    },
    request: {
      tools: [
        { googleSearch: {} },
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather.', parametersJsonSchema: objectSchema },
          ],
        },
      ],
      toolConfig: { includeServerSideToolInvocations: true },
    },
    agent: {
      tools: [
        googleSearch(),
        defineTool({
          name: 'get_weather',
          description: 'Weather.',
          parameters: jsonSchema(objectSchema),
          execute: async () => ({}),
        }),
      ],
    },
  },
  {
    field: 'cachedContent',
    genai: { cachedContent: 'cachedContents/abc' },
    request: { cachedContent: 'cachedContents/abc' },
    agent: { cachedContent: 'cachedContents/abc' },
  },
  {
    field: 'cachedContent (a bare id)',
    genai: { cachedContent: 'abc' },
    request: { cachedContent: 'abc' },
    agent: { cachedContent: 'abc' },
  },
  {
    field: 'serviceTier',
    genai: { serviceTier: 'flex' as never },
    request: { serviceTier: 'flex' as never },
    agent: { serviceTier: 'flex' as never },
  },
  {
    field: 'labels',
    genai: { labels: { team: 'search' } },
    request: { labels: { team: 'search' } },
  },
  {
    field: 'store, continuationToken',
    genai: { store: false, continuationToken: 'tok' },
    request: { store: false, continuationToken: 'tok' },
  },
];

describe('the request each client sends for the same @google/genai config', () => {
  it.each(cases)('$field: gemini.generateContent sends what the SDK sends', async (entry) => {
    const expected = await sentByGenai(entry.genai, entry.model);
    expect(await sentByGemini(entry.request, entry.model)).toEqual(expected);
  });

  it.each(cases.filter((entry) => entry.agent !== undefined))(
    '$field: an agent sends what the SDK sends',
    async (entry) => {
      const expected = await sentByGenai(entry.genai, entry.model);
      expect(await sentByAgent(entry.agent ?? {}, entry.model)).toEqual(expected);
    },
  );

  it('an agent passes the whole generationConfig on as the SDK sends it', async () => {
    const generationConfig = cases
      .map((entry) => entry.request['generationConfig'])
      .filter((config) => config !== undefined)
      .reduce((all, config) => Object.assign(all, config), {});
    const expected = await sentByGenai(
      Object.assign(
        {},
        ...cases.filter((entry) => entry.request['generationConfig']).map((entry) => entry.genai),
      ),
    );
    expect(await sentByAgent({ generationConfig })).toEqual(expected);
  });

  it('an agent sends store and labels through a wrapModelRequest plugin as the SDK sends them', async () => {
    // No agent option for these (they are per-deployment, not per-run): a request-level plugin
    // adds them to every request, the documented seam (docs/writing-a-plugin.md).
    const requestFields = definePlugin({
      name: 'request-fields',
      wrapModelRequest: (next) => ({
        ...next,
        generate: (input) =>
          next.generate(
            { ...input, request: { ...input.request, store: false, labels: { team: 'search' } } },
            input,
          ),
      }),
    });
    const expected = await sentByGenai({ store: false, labels: { team: 'search' } });
    expect(await sentByAgent({ plugins: [requestFields] })).toEqual(expected);
  });

  it('a history of every part kind goes out verbatim from both (thought signatures, call ids, media)', async () => {
    // What an agent or a chat resends every step: the model's own Content, unchanged.
    const history: Content[] = [
      {
        role: 'user',
        parts: [
          { text: 'What is in this picture, and the weather in Paris?' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { mimeType: 'video/mp4', fileUri: 'https://example.com/v.mp4' } },
        ],
      },
      {
        role: 'model',
        parts: [
          { text: 'Thinking.', thought: true, thoughtSignature: 'c2lnLTE=' },
          {
            functionCall: { id: 'call-1', name: 'get_weather', args: { city: 'Paris' } },
            thoughtSignature: 'c2lnLTI=',
          },
          { executableCode: { language: 'PYTHON', code: 'print(1)' } },
          { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1' } },
        ],
      },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              id: 'call-1',
              name: 'get_weather',
              response: { temperatureC: 18 },
            },
          },
        ],
      },
    ];
    const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } });
    await ai.models.generateContent({
      model: MODEL,
      contents: structuredClone(history) as GenaiContent[],
    });
    const expected = withoutSdkFiller(lastBody());
    const gemini = createGemini({ apiKey: 'test-key', baseUrl, retry: false });
    await gemini.generateContent({ model: MODEL, contents: structuredClone(history) });
    expect(lastBody()).toEqual(expected);
    expect(lastBody()['contents']).toEqual(history);
  });

  it('both call the same URL, with the key in the same header, unary and streamed', async () => {
    const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } });
    const gemini = createGemini({ apiKey: 'test-key', baseUrl, retry: false });
    await ai.models.generateContent({ model: MODEL, contents: 'hi' });
    await gemini.generateContent({ model: MODEL, contents: 'hi' });
    for await (const _ of await ai.models.generateContentStream({ model: MODEL, contents: 'hi' })) {
      // drained
    }
    for await (const _ of gemini.streamGenerateContent({ model: MODEL, contents: 'hi' })) {
      // drained
    }
    const [sdkUnary, ourUnary, sdkStream, ourStream] = requests.slice(-4);
    expect(ourUnary).toEqual(sdkUnary);
    expect(ourStream).toEqual(sdkStream);
    expect(sdkUnary?.url).toBe(`/v1beta/models/${MODEL}:generateContent`);
    expect(sdkStream?.url).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
  });

  it('a zod schema (output, a tool) goes out as z.toJSONSchema gives it, less $schema and the strict object', async () => {
    // The guide's SDK code sends z.toJSONSchema(Contact). gemloop converts the schema's *input*
    // side (io: 'input': a z.object strips unknown keys rather than refusing them, so no
    // `additionalProperties: false`) and drops `$schema` (a 400 in `parameters`, noise elsewhere;
    // clean-json-schema.ts). What the model may write is the same; zod still parses the answer.
    const Contact = z.object({ name: z.string(), email: z.string() });
    const { $schema: _, additionalProperties: strict, ...schema } = z.toJSONSchema(Contact);
    expect(strict).toBe(false);
    // The fake answers 'ok', no JSON: the run ends with OutputValidationError after its re-asks;
    // the first request is the one compared.
    const before = bodies.length;
    const run = createAgent({
      gemini: createGemini({ apiKey: 'test-key', baseUrl, retry: false }),
      model: MODEL,
      output: Contact,
    }).run('hi');
    await expect(run).rejects.toThrow(/not valid JSON/);
    expect(bodies[before]).toEqual(
      await sentByGenai({ responseMimeType: 'application/json', responseJsonSchema: schema }),
    );
    const tool = defineTool({
      name: 'save_contact',
      description: 'Saves a contact.',
      parameters: Contact,
      execute: async () => ({}),
    });
    expect(await sentByAgent({ tools: [tool] })).toEqual(
      await sentByGenai({
        tools: [
          {
            functionDeclarations: [
              {
                name: 'save_contact',
                description: 'Saves a contact.',
                parametersJsonSchema: schema,
              },
            ],
          },
        ],
      }),
    );
  });
});
