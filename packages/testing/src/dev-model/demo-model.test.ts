import type { Content, Part } from '@gemloop/core';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createFakeGemini } from '../create-fake-gemini.ts';
import type { FakeScriptFunction } from '../script/fake-types.ts';
import { postToFake } from './__fixtures__/post-to-fake.ts';
import { satisfiesSchema } from './__fixtures__/validate-json.ts';
import { DEMO_MODEL_VERSION, demoModel } from './demo-model.ts';

const weather = {
  name: 'get_weather',
  description: 'Get the current weather for a city.',
  parametersJsonSchema: {
    type: 'object',
    properties: { city: { type: 'string', description: 'City name' } },
    required: ['city'],
  },
};
const convert = {
  name: 'convert_temperature',
  description: 'Convert a temperature between Celsius and Fahrenheit.',
  parameters: {
    type: 'OBJECT',
    properties: {
      value: { type: 'NUMBER' },
      from: { type: 'STRING', enum: ['C', 'F'] },
      to: { type: 'STRING', enum: ['C', 'F'] },
    },
    required: ['value', 'from', 'to'],
  },
};
const calculator = {
  name: 'calculator',
  description: 'Evaluates an arithmetic expression.',
  parametersJsonSchema: {
    type: 'object',
    properties: { expression: { type: 'string' } },
    required: ['expression'],
  },
};
const currentTime = {
  name: 'current_time',
  description: 'Returns the current date and time in a time zone.',
  parametersJsonSchema: { type: 'object', properties: { timeZone: { type: 'string' } } },
};
const webFetch = {
  name: 'web_fetch',
  description: 'Fetches a web page and returns it as markdown.',
  parametersJsonSchema: {
    type: 'object',
    properties: { url: { type: 'string' } },
    required: ['url'],
  },
};

type Body = {
  contents: Content[];
  tools?: unknown[];
  generationConfig?: unknown;
  toolConfig?: unknown;
  systemInstruction?: unknown;
};

async function ask(body: Body, model = 'gemini-3-flash-preview'): Promise<GenerateContentResponse> {
  const fake = createFakeGemini({ script: demoModel() });
  const result = await postToFake(fake, body, model);
  expect(result.status, result.text).toBe(200);
  return result.json as GenerateContentResponse;
}

function partsOf(response: GenerateContentResponse): Part[] {
  return response.candidates?.[0]?.content?.parts ?? [];
}

function calls(response: GenerateContentResponse) {
  return partsOf(response).flatMap((part) =>
    part.functionCall === undefined
      ? []
      : [{ name: part.functionCall.name, args: part.functionCall.args }],
  );
}

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });

/** Runs the loop: the demo's calls are answered by `results`, then its final answer is returned. */
async function runLoop(
  question: string,
  tools: unknown[],
  results: (name: string, args: Record<string, unknown>) => Record<string, unknown>,
  extra: Partial<Body> = {},
) {
  const fake = createFakeGemini({ script: demoModel() });
  const body: Body = {
    contents: [user(question)],
    tools: [{ functionDeclarations: tools }],
    ...extra,
  };
  const first = (await postToFake(fake, body)).json as GenerateContentResponse;
  const modelContent = first.candidates?.[0]?.content as Content;
  const responses = modelContent.parts.flatMap((part) =>
    part.functionCall === undefined
      ? []
      : [
          {
            functionResponse: {
              name: part.functionCall.name,
              id: part.functionCall.id,
              response: results(part.functionCall.name, part.functionCall.args ?? {}),
            },
          },
        ],
  );
  body.contents.push(modelContent, { role: 'user', parts: responses });
  const second = await postToFake(fake, body);
  expect(second.status, second.text).toBe(200);
  return { first, final: second.json as GenerateContentResponse };
}

describe('demoModel', () => {
  it('is a script function for the fake (its type checked by tsc -b)', () => {
    expectTypeOf(demoModel()).toEqualTypeOf<FakeScriptFunction>();
    expect(demoModel()).toBeTypeOf('function');
  });

  it('calls the matching tools in parallel with values taken from the question', async () => {
    const response = await ask({
      contents: [user("What's the weather in Paris and Tokyo, and convert 20 C to F")],
      tools: [{ functionDeclarations: [weather, convert, calculator] }],
    });
    expect(calls(response)).toEqual([
      { name: 'get_weather', args: { city: 'Paris' } },
      { name: 'get_weather', args: { city: 'Tokyo' } },
      { name: 'convert_temperature', args: { value: 20, from: 'C', to: 'F' } },
    ]);
    expect(response.modelVersion).toBe(DEMO_MODEL_VERSION);
    // Signed and given ids like a Gemini 3 turn, so agents exercise the real paths.
    expect(partsOf(response)[0]?.thoughtSignature).toEqual(expect.any(String));
  });

  it('answers from the tool results in plain sentences, one per call', async () => {
    const { final } = await runLoop(
      'Weather in Paris and Tokyo, and convert 20 C to F',
      [weather, convert],
      (name, args) =>
        name === 'get_weather'
          ? {
              output: {
                city: args['city'],
                celsius: args['city'] === 'Paris' ? 18 : 24,
                conditions: 'sunny',
              },
            }
          : { output: { result: 68, unit: 'F' } },
    );
    expect(partsOf(final)[0]?.text).toBe(
      [
        'Here is what I found:',
        '',
        'Paris: 18 °C, sunny.',
        'Tokyo: 24 °C, sunny.',
        '20 °C is 68 °F.',
        '',
        'Let me know if you need anything else.',
      ].join('\n'),
    );
    expect(final.modelVersion).toBe(DEMO_MODEL_VERSION);
  });

  it('says which calls failed', async () => {
    const { final } = await runLoop('Weather in Paris', [weather], () => ({
      error: 'service down',
    }));
    expect(partsOf(final)[0]?.text).toBe('Weather (Paris) failed: service down.');
  });

  it('calls a tool whose parameters are objects with arguments that satisfy its schema', async () => {
    // A nested object, a union of objects, and a recursive type whose zod id has a "%": the demo
    // sent the question as a string for each object (every call failed its argument check), and
    // the "%" made the script throw "URI malformed" (a 400 from the fake).
    const parametersJsonSchema = {
      type: 'object',
      properties: {
        where: {
          type: 'object',
          properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
          required: ['city', 'days'],
        },
        unit: {
          anyOf: [
            { type: 'object', properties: { kind: { const: 'metric' } }, required: ['kind'] },
            { type: 'object', properties: { kind: { const: 'imperial' } }, required: ['kind'] },
          ],
        },
        route: { $ref: '#/$defs/50%' },
        hours: { type: 'integer', minimum: 6, maximum: 48 },
        hourly: { type: 'number', exclusiveMinimum: 0 },
      },
      required: ['where', 'unit', 'route', 'hours', 'hourly'],
      $defs: {
        '50%': {
          type: 'object',
          properties: { stop: { type: 'string' }, next: { $ref: '#/$defs/50%' } },
          required: ['stop'],
        },
      },
    };
    const forecast = {
      name: 'get_forecast',
      description: 'The weather forecast for a city.',
      parametersJsonSchema,
    };
    const response = await ask({
      contents: [user('What is the weather forecast in Paris?')],
      tools: [{ functionDeclarations: [forecast] }],
    });
    const [call] = calls(response);
    expect(call?.name).toBe('get_forecast');
    expect(call?.args?.['where']).toEqual({ city: 'Paris', days: 1 });
    // No number in the question: the smallest each bound allows, not 0.
    expect(call?.args?.['hours']).toBe(6);
    expect(call?.args?.['hourly']).toBeGreaterThan(0);
    expect(satisfiesSchema(parametersJsonSchema, call?.args)).toBe(true);
  });

  it('answers JSON that satisfies the requested schema, filled from the results', async () => {
    const schema = {
      type: 'object',
      properties: {
        reports: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            properties: {
              city: { type: 'string' },
              celsius: { type: 'number', minimum: -90, maximum: 60 },
              conditions: { type: 'string', enum: ['sunny', 'rainy', 'cloudy'] },
            },
            required: ['city', 'celsius', 'conditions'],
            additionalProperties: false,
          },
        },
        summary: { type: 'string' },
        confident: { type: 'boolean' },
      },
      required: ['reports', 'summary', 'confident'],
      additionalProperties: false,
    };
    const { final } = await runLoop(
      'Weather in Paris and Tokyo?',
      [weather],
      (_, args) => ({
        output: {
          city: args['city'],
          celsius: args['city'] === 'Paris' ? 18 : 24,
          conditions: 'rainy',
        },
      }),
      { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema } },
    );
    const value = JSON.parse(partsOf(final)[0]?.text ?? 'null');
    expect(satisfiesSchema(schema, value)).toBe(true);
    expect(value.reports).toEqual([
      { city: 'Paris', celsius: 18, conditions: 'rainy' },
      { city: 'Tokyo', celsius: 24, conditions: 'rainy' },
    ]);
  });

  it('answers JSON without tools, following $ref, anyOf and the OpenAPI responseSchema', async () => {
    const schema = {
      $defs: {
        point: {
          type: 'object',
          properties: { x: { type: 'integer' }, y: { type: ['number', 'null'] } },
          required: ['x', 'y'],
        },
      },
      type: 'object',
      properties: {
        origin: { $ref: '#/$defs/point' },
        label: { anyOf: [{ type: 'null' }, { type: 'string', minLength: 3 }] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
      },
      required: ['origin', 'label', 'tags'],
    };
    const response = await ask({
      contents: [user('Give me a point near 3 and 4')],
      generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema },
    });
    const value = JSON.parse(partsOf(response)[0]?.text ?? 'null');
    expect(satisfiesSchema(schema, value)).toBe(true);
    const openApi = await ask(
      {
        contents: [user('Rate Paris')],
        generationConfig: {
          responseMimeType: 'application/json',
          responseSchema: {
            type: 'OBJECT',
            properties: { city: { type: 'STRING' }, score: { type: 'INTEGER' } },
          },
        },
      },
      'gemini-2.5-flash',
    );
    expect(JSON.parse(partsOf(openApi)[0]?.text ?? 'null')).toEqual({ city: 'Paris', score: 0 });
  });

  it('never calls a tool that is not declared, and answers directly when none fits', async () => {
    const response = await ask({
      contents: [user('Write me a haiku about autumn leaves')],
      tools: [{ functionDeclarations: [weather, convert] }],
    });
    expect(calls(response)).toEqual([]);
    expect(partsOf(response)[0]?.text).toContain(
      'None of my tools (get_weather, convert_temperature) fits',
    );
    const noTools = await ask({ contents: [user("What's the weather in Paris?")] });
    expect(calls(noTools)).toEqual([]);
    expect(partsOf(noTools)[0]?.text).toContain('gemloop demo simulator');
  });

  it('computes plain arithmetic itself without a calculator, and uses one when declared', async () => {
    const direct = await ask({ contents: [user('What is (2 + 3) * 4?')] });
    expect(partsOf(direct)[0]?.text).toBe('(2 + 3) × 4 = 20.');
    const withTool = await ask({
      contents: [user('What is (2 + 3) * 4?')],
      tools: [{ functionDeclarations: [weather, calculator] }],
    });
    expect(calls(withTool)).toEqual([{ name: 'calculator', args: { expression: '(2 + 3) * 4' } }]);
  });

  it('fills time zones, URLs and quoted text from the question', async () => {
    const response = await ask({
      contents: [user('What time is it in Tokyo, and fetch https://example.com/news please')],
      tools: [{ functionDeclarations: [currentTime, webFetch, weather] }],
    });
    expect(calls(response)).toEqual([
      { name: 'current_time', args: { timeZone: 'Asia/Tokyo' } },
      { name: 'web_fetch', args: { url: 'https://example.com/news' } },
    ]);
  });

  it('respects mode NONE and allowedFunctionNames, and must call something in mode ANY', async () => {
    const question = [user("What's the weather in Paris?")];
    const tools = [{ functionDeclarations: [weather, calculator] }];
    const none = await ask({
      contents: question,
      tools,
      toolConfig: { functionCallingConfig: { mode: 'NONE' } },
    });
    expect(calls(none)).toEqual([]);
    const restricted = await ask({
      contents: question,
      tools,
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['calculator'] } },
    });
    expect(calls(restricted).map((call) => call.name)).toEqual(['calculator']);
  });

  it('reads snake_case requests and adds a thought summary when thoughts are asked for', async () => {
    const fake = createFakeGemini({ script: demoModel() });
    const body = {
      contents: [{ role: 'user', parts: [{ text: 'weather in Rio de Janeiro' }] }],
      tools: [
        {
          function_declarations: [
            { name: 'get_weather', parameters_json_schema: weather.parametersJsonSchema },
          ],
        },
      ],
      generation_config: { thinking_config: { include_thoughts: true } },
    };
    const response = (await postToFake(fake, body)).json as GenerateContentResponse;
    expect(partsOf(response)[0]).toMatchObject({
      thought: true,
      text: expect.stringContaining('get_weather'),
    });
    expect(calls(response)).toEqual([{ name: 'get_weather', args: { city: 'Rio de Janeiro' } }]);
  });

  it('answers any text, however odd or long, with a turn the fake accepts', async () => {
    const odd = [
      '',
      '((((((((',
      '.*+?^$ {}()|[]\\',
      '"an unclosed quote, and the weather in Paris',
      'Weather in 東京 and Москва 🙂',
      `weather in ${'Paris, '.repeat(20_000)}`,
      `${'('.repeat(50_000)}1`,
      'x'.repeat(100_000),
    ];
    for (const text of odd) {
      const response = await ask({
        contents: [user(text)],
        tools: [{ functionDeclarations: [weather, convert, calculator, currentTime, webFetch] }],
      });
      expect(partsOf(response).length, text.slice(0, 40)).toBeGreaterThan(0);
      expect(response.modelVersion).toBe(DEMO_MODEL_VERSION);
    }
  });

  it('continues the last turn’s tool for a follow-up that only names a place', async () => {
    const history: Content[] = [
      user('Weather in Paris?'),
      {
        role: 'model',
        parts: [{ functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris' } } }],
      },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              id: 'c1',
              name: 'get_weather',
              response: { output: { celsius: 18 } },
            },
          },
        ],
      },
      { role: 'model', parts: [{ text: 'Paris: 18 °C.' }] },
    ];
    const tools = [{ functionDeclarations: [weather, calculator] }];
    for (const followUp of ['And in Tokyo?', 'What about Lima and Oslo', 'for Berlin']) {
      const response = await ask({ contents: [...history, user(followUp)], tools });
      expect(calls(response).length, followUp).toBeGreaterThan(0);
      expect(calls(response).every((call) => call.name === 'get_weather')).toBe(true);
    }
    const lima = await ask({ contents: [...history, user('What about Lima and Oslo')], tools });
    expect(calls(lima)).toEqual([
      { name: 'get_weather', args: { city: 'Lima' } },
      { name: 'get_weather', args: { city: 'Oslo' } },
    ]);
    // A new question that merely names someone is not a follow-up.
    const other = await ask({ contents: [...history, user('Who is Taylor Swift?')], tools });
    expect(calls(other)).toEqual([]);
  });

  it('obeys a system instruction that names the one word to reply with', async () => {
    const system = (text: string) => ({ parts: [{ text }] });
    const obeyed = await ask({
      contents: [user('What is the capital of France?')],
      systemInstruction: system(
        'Whatever the user says, reply with exactly the word PINEAPPLE and nothing else.',
      ),
    });
    expect(partsOf(obeyed).map((part) => part.text)).toEqual(['PINEAPPLE']);
    // Any other instruction leaves the answer to the question.
    const other = await ask({
      contents: [user('What is 2 + 3?')],
      systemInstruction: system('You are a helpful assistant. Reply in one word.'),
    });
    expect(partsOf(other).map((part) => part.text)).toEqual(['2 + 3 = 5.']);
  });

  it('answers with Google Search grounding when search is declared and no function fits', async () => {
    const question = 'Search the web: who won the most recent Nobel Prize in Literature?';
    const response = await ask({
      contents: [user(question)],
      tools: [{ googleSearch: {} }, { functionDeclarations: [weather] }],
      toolConfig: { includeServerSideToolInvocations: true },
    });
    expect(calls(response)).toEqual([]);
    const grounding = response.candidates?.[0]?.groundingMetadata;
    expect(grounding?.webSearchQueries).toEqual([question]);
    expect(grounding?.groundingChunks?.[0]?.web?.uri).toBe(
      `https://www.google.com/search?q=${encodeURIComponent(question)}`,
    );
    expect(partsOf(response)[0]?.text).toMatch(/simulat/);
    // A question a declared function fits still gets the call, search or not.
    const called = await ask({
      contents: [user('What is the weather in Paris?')],
      tools: [{ googleSearch: {} }, { functionDeclarations: [weather] }],
      toolConfig: { includeServerSideToolInvocations: true },
    });
    expect(calls(called)).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
  });

  it('is deterministic', async () => {
    const body = {
      contents: [user('Weather in Paris and Tokyo')],
      tools: [{ functionDeclarations: [weather] }],
    };
    const first = await ask(body);
    const second = await ask(body);
    expect(calls(second)).toEqual(calls(first));
  });
});

describe('demoModel options', () => {
  it('refuses options that are not an object with a typed error', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the point is a wrong value at run time.
    expect(() => demoModel(null as any)).toThrow(/options object/);
  });
});
