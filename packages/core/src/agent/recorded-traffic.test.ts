import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readFixtureJson, readFixtureText } from '../__fixtures__/recorded-gemini.ts';
import { createGemini } from '../http/create-gemini.ts';
import { googleSearch } from '../tools/builtin/built-in-tools.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { createRecordedGeminiServer } from './__fixtures__/recorded-gemini-server.ts';
import { createAgent } from './create-agent.ts';

// Real recorded Gemini traffic (test/fixtures/gemini/SOURCES.md) through real HTTP: the client
// sends what the loop builds, msw answers with the recorded bytes, and each test asserts the exact
// request the loop sends next.

const { server, received, answerWith } = createRecordedGeminiServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  received.length = 0;
});
afterAll(() => server.close());

const gemini = createGemini({ apiKey: 'test-key', retry: false });

function recordedContent(path: string): Content {
  const response = readFixtureJson<GenerateContentResponse>(path);
  return response.candidates?.[0]?.content as Content;
}

const text = (value: string): GenerateContentResponse => ({
  candidates: [
    { content: { role: 'model', parts: [{ text: value }] }, finishReason: 'STOP', index: 0 },
  ],
});

// The proto field names the Python SDK wrote in snake_case in recorded requests (the API takes
// both spellings); free-form values (`response`, `args`) keep their own keys.
const protoFields: Record<string, string> = {
  tool_type: 'toolType',
  parameters_json_schema: 'parametersJsonSchema',
};

/** snake_case proto fields → camelCase, base64url → base64: how the Python SDK re-encoded requests. */
function normalizeRecordedRequest(value: unknown, freeForm = false): unknown {
  if (Array.isArray(value)) return value.map((item) => normalizeRecordedRequest(item, freeForm));
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = freeForm ? key : (protoFields[key] ?? key);
    result[name] =
      name === 'thoughtSignature' && typeof inner === 'string'
        ? inner.replaceAll('-', '+').replaceAll('_', '/')
        : normalizeRecordedRequest(
            inner,
            freeForm || ['response', 'args', 'parametersJsonSchema'].includes(name),
          );
  }
  return result;
}

describe('the loop on recorded Gemini traffic', () => {
  it('echoes three parallel calls (only the first signed) byte for byte and answers them in one user content', async () => {
    const fixture = 'responses/gemini3-flash__parallel-3-calls-only-first-signed.json';
    answerWith(fixture, text('Here are three jokes...'));
    // By the call's place in the turn (the ids gemloop gives calls without one end with it), not
    // by the order the three parallel calls happen to start in: that is the scheduler's to decide.
    const topics = ['cars', 'penguins', 'cars'];
    const generateTopic = defineTool({
      name: 'generate_topic',
      description: '',
      execute: (_args, { toolCallId }) => ({
        return_value: topics[Number(toolCallId.split('_').at(-1))],
      }),
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      instructions: 'Tell three jokes. Generate topics with the generate_topic tool.',
      tools: [generateTopic],
    });

    const result = await agent.run('');

    expect(result.text).toBe('Here are three jokes...');
    const next = received[1] as { text: string; body: GenerateContentBody };
    const modelContent = recordedContent(fixture);
    // The model's content goes back exactly as it came: same parts, same signature, same bytes.
    expect(next.body.contents[1]).toEqual(modelContent);
    expect(next.text).toContain(JSON.stringify(modelContent));
    expect(
      next.body.contents[1]?.parts.filter((part) => part.thoughtSignature !== undefined),
    ).toHaveLength(1);
    // What pydantic-ai sent for the same turn (accepted with 200), without its client-made ids.
    const recorded = readFixtureJson<GenerateContentBody>(
      'requests/gemini3-flash__parallel-functionResponses-one-user-turn.request.json',
    );
    const withoutIds = (content: Content | undefined) => ({
      ...content,
      parts: content?.parts.map(({ functionResponse }) => {
        const { id: _id, ...rest } = functionResponse ?? { name: '', response: {} };
        return { functionResponse: rest };
      }),
    });
    expect(next.body.contents[2]).toEqual(withoutIds(recorded.contents[2]));
    expect(next.body.contents).toHaveLength(3);
    expect(next.body.systemInstruction).toEqual({
      parts: [{ text: 'Tell three jokes. Generate topics with the generate_topic tool.' }],
    });
  });

  it('echoes a server call id on the response', async () => {
    answerWith(
      'responses/gemini3-flash__function-call-with-server-id.json',
      text('You are in Mexico.'),
    );
    const getUserCountry = defineTool({ name: 'get_user_country', execute: () => 'Mexico' });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [getUserCountry] });

    await agent.run('What is the largest city in the user country?');

    expect(received[1]?.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'What is the largest city in the user country?' }] },
      recordedContent('responses/gemini3-flash__function-call-with-server-id.json'),
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              id: 'w71i0cbt',
              name: 'get_user_country',
              response: { output: 'Mexico' },
            },
          },
        ],
      },
    ]);
  });

  it('sends search with a function, echoes toolCall/toolResponse verbatim and surfaces the grounding', async () => {
    const first =
      'responses/gemini3-flash__search-plus-function__functionCall-toolCall-toolResponse.json';
    const grounded = 'responses/gemini3-flash__grounded-text-after-combined-tools.json';
    answerWith(first, grounded);
    const calculator = defineTool({
      name: 'calculator',
      description: '',
      parameters: z.object({ expression: z.string() }).strict(),
      execute: () => ({ return_value: '4' }),
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [googleSearch(), calculator],
    });

    const result = await agent.run('What is 2+2? Also search for the current weather in Tokyo.');

    const [firstRequest, next] = received;
    expect(firstRequest?.body.toolConfig).toEqual({ includeServerSideToolInvocations: true });
    expect(firstRequest?.body.tools).toEqual([
      { googleSearch: {} },
      { functionDeclarations: [calculator.declaration] },
    ]);
    const modelContent = recordedContent(first);
    expect(next?.text).toContain(JSON.stringify(modelContent));
    // The request pydantic-ai sent for this turn, accepted with 200 (its snake_case keys and
    // base64url signatures normalised): the same contents, tool config and tools.
    const recorded = normalizeRecordedRequest(
      readFixtureJson(
        'requests/gemini3-flash__echo-toolCall-toolResponse-plus-functionResponse-id.request.json',
      ),
    ) as GenerateContentBody;
    expect(next?.body.contents).toEqual(recorded.contents);
    expect(next?.body.toolConfig).toEqual(recorded.toolConfig);
    expect(next?.body.tools?.map((tool) => Object.keys(tool))).toEqual(
      recorded.tools?.map((tool) => Object.keys(tool)),
    );
    expect(next?.body.tools?.[1]?.functionDeclarations?.[0]?.parametersJsonSchema).toEqual(
      recorded.tools?.[1]?.functionDeclarations?.[0]?.parametersJsonSchema,
    );
    const groundingMetadata =
      readFixtureJson<GenerateContentResponse>(grounded).candidates?.[0]?.groundingMetadata;
    expect(result.grounding).toEqual([groundingMetadata]);
    expect(result.steps[1]?.grounding).toEqual(groundingMetadata);
    expect(result.text).toMatch(/^2 \+ 2 is \*\*4\*\*/);
  });

  it('answers a call to an undeclared function with an error listing the tools', async () => {
    answerWith(
      'responses/gemini3-flash__calls-undeclared-function.json',
      text('Let me use get_file.'),
    );
    const getFile = defineTool({ name: 'get_file', execute: () => 'file' });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [getFile] });

    const result = await agent.run('Use the get_file tool now to retrieve a image file.');

    expect(received[1]?.body.contents[2]).toEqual({
      role: 'user',
      parts: [
        {
          functionResponse: {
            name: 'list_files',
            response: {
              error:
                "Unknown function 'list_files'. Available functions: get_file. Call one of these, or answer without a function.",
            },
          },
        },
      ],
    });
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('unknown-tool');
  });

  it('streams a call with an id and a JSON answer whose signature arrives on an empty final chunk', async () => {
    answerWith(
      'streams/gemini3-flash__function-call-with-id.sse',
      'streams/gemini3-flash__json-output-signature-in-final-empty-chunk.sse',
    );
    const getUserCountry = defineTool({ name: 'get_user_country', execute: () => 'Mexico' });
    const CityLocation = z.object({ city: z.string(), country: z.string() });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [getUserCountry],
      output: CityLocation,
    });

    const stream = agent.stream('What is the largest city in the user country?');
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.text);
    const result = await stream.result;

    expect(received.map((request) => request.stream)).toEqual([true, true]);
    const callChunk = JSON.parse(
      readFixtureText('streams/gemini3-flash__function-call-with-id.sse')
        .split('\r\n\r\n')[0]
        ?.slice(6) ?? '',
    );
    const callPart = callChunk.candidates[0].content.parts[0];
    // The folded turn is what generateContent would have returned: the call part whole (id and
    // signature), the empty-text STOP chunk dropped.
    expect(received[1]?.body.contents[1]).toEqual({ role: 'model', parts: [callPart] });
    expect(received[1]?.text).toContain(JSON.stringify(callPart));
    expect(received[1]?.body.contents[2]).toEqual({
      role: 'user',
      parts: [
        {
          functionResponse: {
            id: '96c1su3s',
            name: 'get_user_country',
            response: { output: 'Mexico' },
          },
        },
      ],
    });
    expect(deltas.join('')).toBe('{\n  "city": "Mexico City",\n  "country": "Mexico"\n} ');
    expect(result.output).toEqual({ city: 'Mexico City', country: 'Mexico' });

    // The signature from the empty final chunk rides on the answer's text part, and goes back.
    const lastChunk = readFixtureText(
      'streams/gemini3-flash__json-output-signature-in-final-empty-chunk.sse',
    )
      .split('\r\n\r\n')
      .filter((event) => event.startsWith('data: '))
      .at(-1);
    const signature = JSON.parse(lastChunk?.slice(6) ?? '').candidates[0].content.parts[0]
      .thoughtSignature as string;
    expect(result.contents[3]).toEqual({
      role: 'model',
      parts: [{ text: deltas.join(''), thoughtSignature: signature }],
    });
    answerWith({ ...text('{"city":"Mexico City","country":"Mexico"}') });
    await agent.run('And its country again?', { history: result.contents });
    expect(received[2]?.body.contents[3]).toEqual(result.contents[3]);
    expect(received[2]?.text).toContain(`"thoughtSignature":"${signature}"`);
  });

  it('streams Gemini 2.5 thought summaries as thought deltas, never as answer text', async () => {
    const fixture = 'streams/gemini25-pro__thought-chunks-then-text-signature-on-first-text.sse';
    answerWith(fixture);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-pro',
      thinking: { includeThoughts: true },
    });

    const stream = agent.stream('How do I cross the street safely?');
    let thoughts = '';
    let answer = '';
    for await (const event of stream) {
      if (event.type === 'thought-delta') thoughts += event.text;
      if (event.type === 'text-delta') answer += event.text;
    }
    const result = await stream.result;

    expect(received[0]?.body.generationConfig).toEqual({
      thinkingConfig: { includeThoughts: true },
    });
    const chunks = readFixtureText(fixture)
      .split(/\r?\n\r?\n/)
      .filter((event) => event.startsWith('data: '))
      .map((event) => JSON.parse(event.slice(6)) as GenerateContentResponse);
    const parts = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
    const expectedThoughts = parts
      .filter((part) => part.thought === true)
      .map((part) => part.text)
      .join('');
    const expectedAnswer = parts
      .filter((part) => part.thought !== true)
      .map((part) => part.text)
      .join('');
    const signature = parts.find((part) => part.thoughtSignature !== undefined)?.thoughtSignature;
    expect(thoughts).toBe(expectedThoughts);
    expect(answer).toBe(expectedAnswer);
    expect(result.text).toBe(expectedAnswer);
    expect(result.steps[0]?.thoughts).toBe(expectedThoughts);
    expect(result.contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: expectedThoughts, thought: true },
        { text: expectedAnswer, thoughtSignature: signature },
      ],
    });
    expect(result.usage.thoughtsTokenCount).toBe(chunks.at(-1)?.usageMetadata?.thoughtsTokenCount);
  });

  it('streams Google Search alone on Gemini 3: toolCall/toolResponse kept, grounding surfaced, JSON parsed', async () => {
    const fixture = 'streams/gemini3-flash__builtin-search-toolCall-toolResponse.sse';
    answerWith(fixture);
    const CityLocation = z.object({ city: z.string(), country: z.string() });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [googleSearch()],
      output: CityLocation,
    });

    const stream = agent.stream('What is the largest city in Mexico?');
    const groundingSources: string[] = [];
    for await (const event of stream)
      if (event.type === 'grounding') groundingSources.push(event.source);
    const result = await stream.result;

    expect(received[0]?.body.tools).toEqual([{ googleSearch: {} }]);
    expect(received[0]?.body.toolConfig).toBeUndefined();
    expect(received[0]?.body.generationConfig?.responseMimeType).toBe('application/json');
    expect(result.output).toEqual({ city: 'Mexico City', country: 'Mexico' });
    const appended = result.contents[1];
    expect(appended?.parts.map((part) => Object.keys(part).sort())).toEqual([
      ['thoughtSignature', 'toolCall'],
      ['thoughtSignature', 'toolResponse'],
      ['text', 'thoughtSignature'],
    ]);
    expect(groundingSources).toEqual(['model']);
    expect(result.grounding[0]?.webSearchQueries).toEqual(expect.any(Array));
    expect(result.steps[0]?.toolCalls).toEqual([]);
  });
});
