import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAgent, createChatSession, createGemini, defineTool } from '@gemloop/core';
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * The response half of the differential test against `@google/genai` 2.32: both clients read the
 * same response bytes (unary and SSE) from one server, and whatever the SDK exposes must be in
 * gemloop's response, result, steps, events or history too, the model's Content verbatim.
 */

const MODEL = 'gemini-2.5-flash';

const usageMetadata = {
  promptTokenCount: 10,
  candidatesTokenCount: 5,
  thoughtsTokenCount: 7,
  cachedContentTokenCount: 4,
  toolUsePromptTokenCount: 3,
  totalTokenCount: 25,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 10 }],
  candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }],
  cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }],
  toolUsePromptTokensDetails: [{ modality: 'TEXT', tokenCount: 3 }],
};

const modelContent = {
  role: 'model',
  parts: [
    { text: 'Looking it up.', thought: true, thoughtSignature: 'c2lnLTE=' },
    { executableCode: { language: 'PYTHON', code: 'print(1)' } },
    { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n' } },
    { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    { text: 'Paris.', thoughtSignature: 'c2lnLTI=' },
  ],
};

const candidate = {
  content: modelContent,
  finishReason: 'STOP',
  finishMessage: 'Model finished.',
  index: 0,
  avgLogprobs: -0.5,
  logprobsResult: {
    topCandidates: [{ candidates: [{ token: 'Paris', logProbability: -0.1 }] }],
    chosenCandidates: [{ token: 'Paris', logProbability: -0.1 }],
  },
  safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' }],
  groundingMetadata: {
    webSearchQueries: ['capital of france'],
    groundingChunks: [{ web: { uri: 'https://example.com/paris', title: 'Paris' } }],
    groundingSupports: [
      {
        segment: { startIndex: 0, endIndex: 6, text: 'Paris.' },
        groundingChunkIndices: [0],
        confidenceScores: [0.9],
      },
    ],
    searchEntryPoint: { renderedContent: '<div>search</div>' },
  },
  urlContextMetadata: {
    urlMetadata: [
      {
        retrievedUrl: 'https://example.com/paris',
        urlRetrievalStatus: 'URL_RETRIEVAL_STATUS_SUCCESS',
      },
    ],
  },
  citationMetadata: {
    citationSources: [{ startIndex: 0, endIndex: 6, uri: 'https://example.com/paris' }],
  },
};

/** Every response field the Gemini API documents, in one unary answer. */
const full = {
  candidates: [candidate],
  usageMetadata,
  modelVersion: 'gemini-2.5-flash-001',
  responseId: 'resp-1',
};

const blocked = {
  promptFeedback: {
    blockReason: 'SAFETY',
    blockReasonMessage: 'The prompt was blocked.',
    safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'HIGH', blocked: true }],
  },
  usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 },
  modelVersion: 'gemini-2.5-flash-001',
  responseId: 'resp-blocked',
};

/** The same answer as three SSE chunks, the way the API splits one: parts, then the rest. */
const chunks = [
  {
    candidates: [{ content: { role: 'model', parts: modelContent.parts.slice(0, 1) }, index: 0 }],
    modelVersion: 'gemini-2.5-flash-001',
    responseId: 'resp-1',
  },
  {
    candidates: [{ content: { role: 'model', parts: modelContent.parts.slice(1, 4) }, index: 0 }],
    modelVersion: 'gemini-2.5-flash-001',
    responseId: 'resp-1',
  },
  {
    candidates: [{ ...candidate, content: { role: 'model', parts: modelContent.parts.slice(4) } }],
    usageMetadata,
    modelVersion: 'gemini-2.5-flash-001',
    responseId: 'resp-1',
  },
];

let server: Server;
let baseUrl: string;
/** What the server answers next: one body per request, an array of chunks for a stream. */
const script: unknown[] = [];
/** The body of each request, in order. */
const received: unknown[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      received.push(JSON.parse(Buffer.concat(body).toString('utf8')));
      const next = script.shift();
      if (request.url?.includes(':streamGenerateContent') === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const chunk of next as unknown[])
          response.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
        response.end();
        return;
      }
      response.writeHead(200, {
        'content-type': 'application/json',
        'x-gemini-service-tier': 'flex',
      });
      response.end(JSON.stringify(next));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const genai = (): GoogleGenAI => new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } });
const gemini = () => createGemini({ apiKey: 'test-key', baseUrl, retry: false });

/** The SDK's response as plain JSON, without the HTTP envelope it adds (`sdkHttpResponse`). */
function sdkJson(response: object): unknown {
  const { sdkHttpResponse: _, ...rest } = JSON.parse(JSON.stringify(response)) as Record<
    string,
    unknown
  >;
  return rest;
}

/**
 * The wire response as the SDK hands it over: its Gemini API converter (candidateFromMldev) renames
 * `citationMetadata.citationSources` to `citations` and drops `finishMessage`; all else is as
 * sent. gemloop keeps the wire names and both fields, so its response holds all the SDK's and more.
 */
function asTheSdkReadsIt(response: Record<string, unknown>): unknown {
  const candidates = (response['candidates'] as Record<string, unknown>[] | undefined)?.map(
    ({ finishMessage: _, citationMetadata, ...rest }) =>
      citationMetadata === undefined
        ? rest
        : {
            ...rest,
            citationMetadata: {
              citations: (citationMetadata as { citationSources: unknown }).citationSources,
            },
          },
  );
  return candidates === undefined ? response : { ...response, candidates };
}

describe('what each client reads from the same response bytes', () => {
  it('unary: gemini.generateContent returns every field the SDK exposes, verbatim', async () => {
    script.push(full, full);
    const theirs = await genai().models.generateContent({ model: MODEL, contents: 'hi' });
    const ours = await gemini().generateContent({ model: MODEL, contents: 'hi' });
    expect(sdkJson(theirs)).toEqual(asTheSdkReadsIt(full));
    expect(JSON.parse(JSON.stringify(ours))).toEqual(full);
  });

  it('unary: the response headers the SDK exposes (sdkHttpResponse) reach onResponse', async () => {
    script.push(full, full);
    const theirs = await genai().models.generateContent({ model: MODEL, contents: 'hi' });
    let headers: Headers | undefined;
    await gemini().generateContent(
      { model: MODEL, contents: 'hi' },
      { onResponse: (info) => (headers = info.headers) },
    );
    expect(theirs.sdkHttpResponse?.headers?.['x-gemini-service-tier']).toBe('flex');
    expect(headers?.get('x-gemini-service-tier')).toBe('flex');
  });

  it('unary: a blocked prompt reads the same promptFeedback in both', async () => {
    script.push(blocked, blocked);
    const theirs = await genai().models.generateContent({ model: MODEL, contents: 'hi' });
    const ours = await gemini().generateContent({ model: MODEL, contents: 'hi' });
    expect(sdkJson(theirs)).toEqual(blocked);
    expect(JSON.parse(JSON.stringify(ours))).toEqual(blocked);
  });

  it('SSE: every chunk reads the same in both', async () => {
    script.push(chunks, chunks);
    const theirs: unknown[] = [];
    for await (const chunk of await genai().models.generateContentStream({
      model: MODEL,
      contents: 'hi',
    }))
      theirs.push(sdkJson(chunk));
    const ours: unknown[] = [];
    for await (const chunk of gemini().streamGenerateContent({ model: MODEL, contents: 'hi' }))
      ours.push(JSON.parse(JSON.stringify(chunk)));
    expect(theirs).toEqual(chunks.map(asTheSdkReadsIt));
    expect(ours).toEqual(chunks);
  });
});

describe('what an agent keeps of the response the SDK exposes', () => {
  it('unary: the step holds the response verbatim and its fields, the history the Content', async () => {
    script.push(full, full);
    const theirs = await genai().models.generateContent({ model: MODEL, contents: 'hi' });
    const agent = createAgent({ gemini: gemini(), model: MODEL });
    const result = await agent.run('hi');
    const step = result.steps[0];
    expect(result.steps).toHaveLength(1);
    // The history: the model's Content exactly as sent (thought signatures on their parts).
    expect(result.contents.at(-1)).toEqual(modelContent);
    expect(result.parts).toEqual(modelContent.parts);
    // What the SDK's getters give, read off the agent's result and step.
    expect(result.text).toBe(theirs.text);
    expect(step?.thoughts).toBe('Looking it up.');
    expect(step?.response).toEqual(full);
    expect(step?.finishReason).toBe(theirs.candidates?.[0]?.finishReason);
    expect(step?.finishMessage).toBe('Model finished.');
    expect(result.finishMessage).toBe('Model finished.');
    expect(step?.grounding).toEqual(theirs.candidates?.[0]?.groundingMetadata);
    expect(result.grounding).toEqual([theirs.candidates?.[0]?.groundingMetadata]);
    expect(step?.urlContextMetadata).toEqual(theirs.candidates?.[0]?.urlContextMetadata);
    expect(step?.safetyRatings).toEqual(theirs.candidates?.[0]?.safetyRatings);
    expect(step?.citationMetadata).toEqual(candidate.citationMetadata);
    const { promptTokensDetails: _, ...counts } = usageMetadata;
    expect(result.usage).toMatchObject({
      promptTokenCount: theirs.usageMetadata?.promptTokenCount,
      candidatesTokenCount: theirs.usageMetadata?.candidatesTokenCount,
      thoughtsTokenCount: theirs.usageMetadata?.thoughtsTokenCount,
      cachedContentTokenCount: theirs.usageMetadata?.cachedContentTokenCount,
      toolUsePromptTokenCount: theirs.usageMetadata?.toolUsePromptTokenCount,
      totalTokenCount: theirs.usageMetadata?.totalTokenCount,
    });
    expect(counts.totalTokenCount).toBe(25);
  });

  it('SSE: the stream events, the step and the history hold what the SDK chunks carry', async () => {
    script.push(chunks, chunks);
    let sdkText = '';
    let sdkLast: Record<string, unknown> = {};
    for await (const chunk of await genai().models.generateContentStream({
      model: MODEL,
      contents: 'hi',
    })) {
      sdkText += chunk.text ?? '';
      sdkLast = sdkJson(chunk) as Record<string, unknown>;
    }
    const agent = createAgent({ gemini: gemini(), model: MODEL });
    const stream = agent.stream('hi');
    let text = '';
    let thoughts = '';
    for await (const event of stream) {
      if (event.type === 'text-delta') text += event.text;
      if (event.type === 'thought-delta') thoughts += event.text;
    }
    const result = await stream.result;
    const step = result.steps[0];
    expect(text).toBe(sdkText);
    expect(thoughts).toBe('Looking it up.');
    expect(result.contents.at(-1)).toEqual(modelContent);
    const last = chunks.at(-1) as typeof full;
    expect(step?.response.usageMetadata).toEqual(sdkLast['usageMetadata']);
    expect(step?.response.modelVersion).toBe(sdkLast['modelVersion']);
    expect(step?.response.responseId).toBe(sdkLast['responseId']);
    expect(step?.response.candidates?.[0]?.avgLogprobs).toBe(last.candidates[0]?.avgLogprobs);
    expect(step?.response.candidates?.[0]?.logprobsResult).toEqual(
      last.candidates[0]?.logprobsResult,
    );
    expect(step?.finishMessage).toBe('Model finished.');
    expect(step?.grounding).toEqual(candidate.groundingMetadata);
    expect(step?.urlContextMetadata).toEqual(candidate.urlContextMetadata);
    expect(step?.citationMetadata).toEqual(candidate.citationMetadata);
  });

  it('a function call keeps its id and thought signature, and the answer names the id', async () => {
    const call = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              {
                functionCall: { id: 'call-1', name: 'get_weather', args: { city: 'Paris' } },
                thoughtSignature: 'c2lnLTM=',
              },
            ],
          },
          finishReason: 'STOP',
        },
      ],
    };
    const answer = {
      candidates: [{ content: { role: 'model', parts: [{ text: '18 C' }] }, finishReason: 'STOP' }],
    };
    script.push(call, call, answer);
    const theirs = await genai().models.generateContent({ model: MODEL, contents: 'hi' });
    const getWeather = defineTool({
      name: 'get_weather',
      description: 'Weather.',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, temperatureC: 18 }),
    });
    const result = await createAgent({ gemini: gemini(), model: MODEL, tools: [getWeather] }).run(
      'hi',
    );
    const toolCall = result.steps[0]?.toolCalls[0];
    expect(toolCall?.toolCallId).toBe(theirs.functionCalls?.[0]?.id);
    expect(toolCall?.hasWireId).toBe(true);
    expect(toolCall?.toolName).toBe(theirs.functionCalls?.[0]?.name);
    expect(toolCall?.rawArgs).toEqual(theirs.functionCalls?.[0]?.args);
    expect(result.contents[1]).toEqual(call.candidates[0]?.content);
    expect(result.contents[2]?.parts?.[0]?.functionResponse).toMatchObject({
      id: 'call-1',
      name: 'get_weather',
    });
  });

  it('a blocked prompt: the result names the SDK promptFeedback', async () => {
    script.push(blocked, blocked);
    const theirs = await genai().models.generateContent({ model: MODEL, contents: 'hi' });
    const result = await createAgent({ gemini: gemini(), model: MODEL }).run('hi');
    expect(result.blocked).toEqual({
      source: 'prompt',
      reason: theirs.promptFeedback?.blockReason,
      message: theirs.promptFeedback?.blockReasonMessage,
      safetyRatings: theirs.promptFeedback?.safetyRatings,
      citationMetadata: undefined,
    });
    expect(result.steps[0]?.response).toEqual(blocked);
  });

  it('a chat resends the model turn as it came, as the SDK chat does', async () => {
    // The second message of a chat carries the first answer: every part kept (thoughts and
    // their signatures, code, media), so Gemini 3 accepts the history.
    script.push(full, full, full, full);
    const sdkChat = genai().chats.create({ model: MODEL });
    await sdkChat.sendMessage({ message: 'hi' });
    await sdkChat.sendMessage({ message: 'and then?' });
    const chat = createChatSession({ agent: createAgent({ gemini: gemini(), model: MODEL }) });
    await chat.send('hi');
    await chat.send('and then?');
    const [sdkSecond, ourSecond] = [received.at(-3), received.at(-1)] as {
      contents: unknown[];
    }[];
    expect(sdkSecond?.contents[1]).toEqual(modelContent);
    expect(ourSecond?.contents).toEqual(sdkSecond?.contents);
  });

  it('countTokens: the same request, and the same counts read back', async () => {
    const counted = {
      totalTokens: 12,
      cachedContentTokenCount: 4,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }],
    };
    script.push(counted, counted);
    const theirs = await genai().models.countTokens({ model: MODEL, contents: 'hi' });
    const sdkBody = received.at(-1);
    const ours = await gemini().countTokens({ model: MODEL, contents: 'hi' });
    expect(received.at(-1)).toEqual(sdkBody);
    // The SDK's Gemini API converter keeps only the two counts; gemloop the whole answer.
    expect(sdkJson(theirs)).toEqual({ totalTokens: 12, cachedContentTokenCount: 4 });
    expect(JSON.parse(JSON.stringify(ours))).toEqual(counted);
  });
});
