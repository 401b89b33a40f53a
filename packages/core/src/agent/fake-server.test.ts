import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { googleSearch } from '../tools/builtin/built-in-tools.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { createAgent } from './create-agent.ts';

// End to end through the fake Gemini server on 127.0.0.1, which enforces the real contract
// (function call/response pairing, Gemini 3 signatures, tool combinations) and answers 400 as the
// API would when a request breaks it.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(options: Parameters<typeof createFakeGemini>[0]) {
  const fake = createFakeGemini(options);
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, forecast: city === 'Paris' ? 'sunny' : 'snow' }),
});

const script = () => [
  turn.calls([
    { name: 'get_weather', args: { city: 'Paris' } },
    { name: 'get_weather', args: { city: 'Oslo' } },
  ]),
  turn.call('get_weather', { city: 'Rome' }),
  turn.text('Paris is sunny, Oslo has snow, Rome is fine. '.repeat(3), {
    thoughts: 'Comparing the three cities.',
  }),
];

describe('the loop against the fake Gemini server', () => {
  it('runs a Gemini 3 multi-step loop the contract accepts, streamed and not, with the same history', async () => {
    const unstreamed = await serve({ script: script(), seed: 42 });
    const streamed = await serve({ script: script(), seed: 42, chunkSize: 7 });
    const options = {
      model: 'gemini-3-flash-preview',
      tools: [weather],
      thinking: { includeThoughts: true },
    } as const;

    const runResult = await createAgent({ gemini: unstreamed.gemini, ...options }).run(
      'Weather in Paris, Oslo, Rome?',
    );
    const stream = createAgent({ gemini: streamed.gemini, ...options }).stream(
      'Weather in Paris, Oslo, Rome?',
    );
    const thoughts: string[] = [];
    let answer = '';
    for await (const event of stream) {
      if (event.type === 'thought-delta') thoughts.push(event.text);
      if (event.type === 'text-delta') answer += event.text;
    }
    const streamResult = await stream.result;

    expect(unstreamed.fake.modelRequests.map((request) => request.status)).toEqual([200, 200, 200]);
    expect(streamed.fake.modelRequests.map((request) => [request.status, request.alt])).toEqual([
      [200, 'sse'],
      [200, 'sse'],
      [200, 'sse'],
    ]);
    expect(streamResult.contents).toEqual(runResult.contents);
    expect(streamResult.text).toBe(runResult.text);
    expect(answer).toBe(runResult.text);
    expect(thoughts.join('')).toBe('Comparing the three cities.');
    expect(runResult.text).not.toContain('Comparing');
    // Gemini 3: server ids on the calls, echoed on the responses; signatures kept.
    const firstResponses = runResult.contents[2]?.parts.map((part) => part.functionResponse?.id);
    expect(firstResponses).toEqual(
      runResult.contents[1]?.parts.map((part) => part.functionCall?.id),
    );
    expect(firstResponses?.every((id) => typeof id === 'string' && id.length === 8)).toBe(true);
    expect(runResult.contents[1]?.parts[0]?.thoughtSignature).toEqual(expect.any(String));
  });

  it('fills the dummy signature the contract needs into foreign history', async () => {
    const { fake, gemini } = await serve({ script: [turn.text('It is snowing in Oslo.')] });
    // History from another vendor: calls without signatures.
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'Weather in Oslo?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }] },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'get_weather', response: { forecast: 'snow' } } }],
      },
    ];
    // Sent as it is, the contract refuses it, as Gemini 3 does.
    const refused = await gemini
      .generateContent({ model: 'gemini-3-flash-preview', contents: history })
      .catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(refused) && refused.status).toBe(400);
    expect((refused as ApiCallError).apiMessage).toMatch(/missing a thought_signature/);

    const result = await createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [weather],
    }).run(history);

    expect(result.text).toBe('It is snowing in Oslo.');
    const sent = fake.lastRequest?.body as GenerateContentBody;
    expect(sent.contents[1]?.parts[0]?.thoughtSignature).toBe('skip_thought_signature_validator');
  });

  it('gives Gemini 2.5 search as a function backed by a grounded call, which the contract accepts', async () => {
    const { fake, gemini } = await serve({
      script: [
        turn.calls([
          { name: 'google_search', args: { query: 'Oslo weather today' } },
          { name: 'get_weather', args: { city: 'Oslo' } },
        ]),
        turn.grounded('Oslo: -3 °C and snow.', {
          sources: [{ uri: 'https://www.yr.no/en/forecast/oslo', title: 'yr.no' }],
          queries: ['Oslo weather today'],
        }),
        turn.text('It is -3 °C with snow in Oslo.'),
      ],
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [googleSearch(), weather],
    });

    const result = await agent.run('Weather in Oslo, with a web source?');

    expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200, 200]);
    const [first, grounded] = fake.modelRequests.map(
      (request) => request.body as GenerateContentBody,
    );
    expect(first?.tools).toHaveLength(1);
    expect(first?.tools?.[0]?.functionDeclarations?.map((declaration) => declaration.name)).toEqual(
      ['get_weather', 'google_search'],
    );
    expect(grounded?.tools).toEqual([{ googleSearch: {} }]);
    expect(result.contents[2]?.parts[0]?.functionResponse?.response).toEqual({
      answer: 'Oslo: -3 °C and snow.',
      sources: [{ title: 'yr.no', uri: 'https://www.yr.no/en/forecast/oslo' }],
      searchQueries: ['Oslo weather today'],
    });
    expect(result.grounding).toHaveLength(1);
    expect(result.text).toBe('It is -3 °C with snow in Oslo.');
  });

  it('sends built-ins beside functions on Gemini 3 with server-side invocations, which the contract accepts', async () => {
    const { fake, gemini } = await serve({
      script: [turn.call('get_weather', { city: 'Rome' }), turn.text('Rome: fine.')],
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [googleSearch(), weather],
    });
    await agent.run('Weather in Rome?');
    expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200]);
    const body = fake.modelRequests[0]?.body as GenerateContentBody;
    expect(body.toolConfig).toEqual({ includeServerSideToolInvocations: true });
    expect(body.tools?.[0]).toEqual({ googleSearch: {} });
  });

  it.each([
    ['gemini-3-pro-preview', 'low', { thinkingLevel: 'LOW' }],
    ['gemini-3-flash-preview', 'off', { thinkingLevel: 'MINIMAL' }],
    ['gemini-2.5-pro', 'minimal', { thinkingBudget: 512 }],
    ['gemini-2.5-flash', 'off', { thinkingBudget: 0 }],
  ] as const)(
    'sends thinking for %s as the contract wants it (%s)',
    async (model, thinking, expected) => {
      const { fake, gemini } = await serve({ script: [turn.text('ok')] });
      await createAgent({ gemini, model, thinking }).run('Hi');
      expect(fake.lastRequest?.status).toBe(200);
      expect(
        (fake.lastRequest!.body as GenerateContentBody).generationConfig?.thinkingConfig,
      ).toEqual(expected);
    },
  );

  it('surfaces an API error (after the client’s retries) as a typed error with the history', async () => {
    const { fake, gemini } = await serve({
      script: [turn.call('get_weather', { city: 'Rome' }), turn.text('never')],
    });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [weather] });
    fake.addFault({ fault: { type: 'overloaded' }, on: 1 });
    const error = await agent.run('Weather in Rome?').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'model-call' });
    expect(ApiCallError.isInstance((error as Error).cause)).toBe(true);
    expect((error as { run: { contents: Content[] } }).run.contents).toHaveLength(3);
  });
});
