import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createFileHistoryStore } from '../chat/create-file-history-store.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { AgentApi } from '../interactions/agent-api.ts';
import { interactionsApi } from '../interactions/interactions-api.ts';
import { silentLogger } from '../logging/logger.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';

// The same behaviours on both backends against the fake (issue 34): an agent switched to the
// Interactions API with one option keeps its tools, parallel calls, streaming events, structured
// output, approvals and abort. The fake answers both APIs from the same script and contract checks.

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
  turn.text('Paris is sunny, Oslo has snow, Rome too.'),
];

const MODEL = 'gemini-3-flash-preview';
const backends: Array<[string, AgentApi]> = [
  ['generateContent', 'generateContent'],
  ['interactions', interactionsApi()],
  ['interactions without server state', interactionsApi({ store: false })],
  // Each call a background interaction polled until done (the fake answers on the first get).
  ['interactions in the background', interactionsApi({ background: { pollIntervalMs: 1 } })],
];

describe.each(backends)('the agent on %s', (_name, api) => {
  it("sends a user's image with the question", async () => {
    // What the fake's model reads, whichever API carried it.
    const seen: unknown[] = [];
    const { gemini } = await serve({
      script: (request) => {
        seen.push(request.body.contents?.at(-1)?.parts);
        return turn.text('A cat.');
      },
    });
    const image = { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } };
    const result = await createAgent({ gemini, model: MODEL, api }).run([
      { text: 'What is this?' },
      image,
    ]);
    expect(result.text).toBe('A cat.');
    expect(seen).toEqual([[{ text: 'What is this?' }, image]]);
  });

  it('prices the cached part of the prompt at the cached rate', async () => {
    const { gemini } = await serve({
      script: [
        turn.text('Hi.', {
          usage: {
            promptTokenCount: 100_000,
            cachedContentTokenCount: 90_000,
            candidatesTokenCount: 10,
          },
        }),
      ],
    });
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash', api }).run('Hi');
    expect(result.usage.cachedContentTokenCount).toBe(90_000);
    // 10,000 tokens at $0.30/M and 90,000 at $0.03/M, and 10 output tokens at $2.50/M.
    expect(result.cost).toMatchObject({ input: '0.003', cachedInput: '0.0027' });
  });

  it('runs a parallel tool round trip, unary', async () => {
    const { gemini } = await serve({ script: script() });
    const result = await createAgent({ gemini, model: MODEL, tools: [weather], api }).run(
      'Weather in Paris, Oslo, Rome?',
    );
    expect(result.text).toBe('Paris is sunny, Oslo has snow, Rome too.');
    expect(result.steps.map((step) => step.toolCalls.map((call) => call.args))).toEqual([
      [{ city: 'Paris' }, { city: 'Oslo' }],
      [{ city: 'Rome' }],
      [],
    ]);
    expect(result.steps[0]?.toolCalls.map((call) => call.response.response)).toEqual([
      { city: 'Paris', forecast: 'sunny' },
      { city: 'Oslo', forecast: 'snow' },
    ]);
  });

  it('streams the same run with its events', async () => {
    const { gemini } = await serve({ script: script(), chunkSize: 5 });
    const stream = createAgent({ gemini, model: MODEL, tools: [weather], api }).stream(
      'Weather in Paris, Oslo, Rome?',
    );
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'text-delta') text += event.text;
    }
    const result = await stream.result;
    expect(text).toBe('Paris is sunny, Oslo has snow, Rome too.');
    expect(result.text).toBe(text);
    expect(types.filter((type) => type === 'tool-call')).toHaveLength(3);
    expect(types.filter((type) => type === 'tool-result')).toHaveLength(3);
    expect(types.filter((type) => type === 'step-end')).toHaveLength(3);
    expect(types.at(-1)).toBe('run-end');
  });

  it('parses structured output', async () => {
    const { gemini } = await serve({
      script: [turn.json({ city: 'Mexico City', country: 'Mexico' })],
    });
    const City = z.object({ city: z.string(), country: z.string() });
    const result = await createAgent({ gemini, model: MODEL, output: City, api }).run(
      'Largest city in Mexico?',
    );
    expect(result.output).toEqual({ city: 'Mexico City', country: 'Mexico' });
  });

  it('answers a denied call with the approval message and does not run it', async () => {
    let ran = 0;
    const sendEmail = defineTool({
      name: 'send_email',
      parameters: z.object({ to: z.string() }),
      execute: () => {
        ran++;
        return 'sent';
      },
    });
    const { gemini } = await serve({
      script: [
        turn.call('send_email', { to: 'boss@example.com' }),
        (_request, { functionResponses }) =>
          turn.text(`model saw: ${JSON.stringify(functionResponses[0]?.response)}`),
      ],
    });
    const result = await createAgent({
      gemini,
      model: MODEL,
      tools: [sendEmail],
      api,
      beforeToolCall: () => ({ type: 'deny', message: 'The user declined.' }),
    }).run('Email my boss');
    expect(ran).toBe(0);
    expect(result.text).toContain('The user declined.');
  });

  it('continues a long decode, unary and streamed', async () => {
    const hops = () => [
      turn.continued([turn.text('Part one. '), turn.text('Part two. '), turn.text('The end.')]),
    ];
    const unary = await serve({ script: hops() });
    const result = await createAgent({ gemini: unary.gemini, model: MODEL, api }).run('Story');
    expect(result.text).toBe('Part one. Part two. The end.');
    const streamed = await serve({ script: hops(), chunkSize: 4 });
    const stream = createAgent({ gemini: streamed.gemini, model: MODEL, api }).stream('Story');
    let text = '';
    for await (const event of stream) if (event.type === 'text-delta') text += event.text;
    expect(text).toBe('Part one. Part two. The end.');
    expect((await stream.result).text).toBe(text);
  });

  it('shows in the OpenTelemetry spans and the recorder, usage and cost included', async () => {
    const { gemini } = await serve({
      script: [
        turn.call(
          'get_weather',
          { city: 'Paris' },
          { usage: { promptTokenCount: 1000, candidatesTokenCount: 10 } },
        ),
        turn.text('Sunny.', { usage: { promptTokenCount: 1100, candidatesTokenCount: 20 } }),
      ],
    });
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-both-apis-'));
    try {
      const recorder = createRunRecorder({ dir });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [weather],
        api,
        name: 'a',
        recorder,
        telemetry: { tracerProvider, conventions: 'latest' },
      });
      await agent.run('Weather in Paris?');
      await recorder.flush();
      const calls = exporter
        .getFinishedSpans()
        .filter((span) => span.name === 'generate_content gemini-2.5-flash');
      expect(calls.map((span) => span.attributes['gen_ai.usage.input_tokens'])).toEqual([
        1000, 1100,
      ]);
      expect(calls.every((span) => typeof span.attributes['gemloop.cost.usd'] === 'number')).toBe(
        true,
      );
      const [file] = await readdir(dir);
      const lines = (await readFile(join(dir, file as string), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { type: string }).type);
      expect(lines.filter((type) => type === 'model-call-end')).toHaveLength(2);
      expect(lines.filter((type) => type === 'tool-call-end')).toHaveLength(1);
      expect(lines.at(-1)).toBe('run-end');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops on abort while a tool runs, sending nothing after', async () => {
    const controller = new AbortController();
    const slow = defineTool({
      name: 'slow',
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          controller.abort(new Error('user stopped'));
        }),
    });
    const { fake, gemini } = await serve({ script: [turn.call('slow', {}), turn.text('never')] });
    const error = await createAgent({ gemini, model: MODEL, tools: [slow], api })
      .run('Go', { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(String(error)).toMatch(/user stopped|abort/i);
    const modelCalls = fake.requests.filter(
      (request) => request.method === 'interactions.create' || request.method === 'generateContent',
    );
    expect(modelCalls).toHaveLength(1);
  });
});

describe('the agent on the Interactions API: server state', () => {
  it('with store (the default) each step sends only the new function results, with previous_interaction_id', async () => {
    const { fake, gemini } = await serve({ script: script() });
    await createAgent({ gemini, model: MODEL, tools: [weather], api: interactionsApi() }).run(
      'Weather in Paris, Oslo, Rome?',
    );
    const creates = fake.requests.filter((request) => request.method === 'interactions.create');
    const bodies = creates.map((request) => request.body as Record<string, unknown>);
    expect(bodies[0]?.['previous_interaction_id']).toBeUndefined();
    expect(bodies[1]?.['previous_interaction_id']).toEqual(expect.any(String));
    expect(bodies[2]?.['previous_interaction_id']).toEqual(expect.any(String));
    expect(
      bodies
        .slice(1)
        .map((body) => (body['input'] as Array<{ type: string }>).map((step) => step.type)),
    ).toEqual([['function_result', 'function_result'], ['function_result']]);
  });

  it('resumes a decode on the server: the token and the stopped interaction, no input', async () => {
    const { fake, gemini } = await serve({
      script: [turn.continued([turn.text('One. '), turn.text('Two.')])],
    });
    await createAgent({ gemini, model: MODEL, api: interactionsApi() }).run('Story');
    const bodies = fake.requests
      .filter((request) => request.method === 'interactions.create')
      .map((request) => request.body as Record<string, unknown>);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toMatchObject({
      continuation_token: expect.any(String),
      previous_interaction_id: expect.any(String),
    });
    expect(bodies[1]?.['input']).toBeUndefined();
  });

  it('without store every step sends the whole history as steps', async () => {
    const { fake, gemini } = await serve({ script: script() });
    await createAgent({
      gemini,
      model: MODEL,
      tools: [weather],
      api: interactionsApi({ store: false }),
    }).run('Weather in Paris, Oslo, Rome?');
    const bodies = fake.requests
      .filter((request) => request.method === 'interactions.create')
      .map((request) => request.body as Record<string, unknown>);
    expect(bodies.every((body) => body['previous_interaction_id'] === undefined)).toBe(true);
    expect(bodies.every((body) => body['store'] === false)).toBe(true);
    expect(
      ((bodies[2]?.['input'] ?? []) as Array<{ type: string }>).map((step) => step.type),
    ).toEqual([
      'user_input',
      'function_call',
      'function_call',
      'function_result',
      'function_result',
      'function_call',
      'function_result',
    ]);
  });

  it('a chat session sends only the new message on its next turn, from another process too (the store keeps the interaction id), and the whole history when the store has none', async () => {
    for (const kind of ['memory', 'file'] as const) {
      const { fake, gemini } = await serve({
        script: (_request, { lastUserText }) => turn.text(`echo ${lastUserText}`),
      });
      const directory = await mkdtemp(join(tmpdir(), 'gemloop-both-apis-'));
      const memory = createMemoryHistoryStore();
      const openStore = () => (kind === 'memory' ? memory : createFileHistoryStore({ directory }));
      const agent = createAgent({ gemini, model: MODEL, api: interactionsApi() });
      const chat = createChatSession({ agent, id: 'user-1', store: openStore() });
      await chat.send('first');
      const second = await chat.send('second');
      expect(second.text).toBe('echo second');
      await chat.close();
      const bodies = () =>
        fake.requests
          .filter((request) => request.method === 'interactions.create')
          .map((request) => request.body as Record<string, unknown>);
      expect(bodies()[1]).toMatchObject({
        previous_interaction_id: expect.any(String),
        input: [{ type: 'user_input', content: [{ type: 'text', text: 'second' }] }],
      });
      // The turn keeps the interaction that answered it.
      const turnsOf = async () => {
        const reader = createChatSession({ agent, id: 'user-1', store: openStore() });
        const turns = await reader.turns();
        await reader.close();
        return turns;
      };
      const stored = await turnsOf();
      expect(stored[1]?.interactionId).toMatch(/^[A-Za-z0-9._~-]+$/);
      // Another process (a new agent: nothing remembered in memory) continues from the stored id.
      const reopened = createChatSession({
        agent: createAgent({ gemini, model: MODEL, api: interactionsApi() }),
        id: 'user-1',
        store: openStore(),
      });
      expect((await reopened.send('third')).text).toBe('echo third');
      await reopened.close();
      expect(bodies()[2]).toMatchObject({
        previous_interaction_id: stored[1]?.interactionId,
        input: [{ type: 'user_input', content: [{ type: 'text', text: 'third' }] }],
      });
      // A store without the id (turns saved before it was kept): the whole history, as steps.
      const turns = await turnsOf();
      const bare = createMemoryHistoryStore();
      for (const saved of turns) {
        const { interactionId: _dropped, ...rest } = saved;
        bare.append('user-1', rest, { logger: silentLogger });
      }
      await createChatSession({
        agent: createAgent({ gemini, model: MODEL, api: interactionsApi() }),
        id: 'user-1',
        store: bare,
      }).send('fourth');
      const fourth = bodies()[3];
      expect(fourth?.['previous_interaction_id']).toBeUndefined();
      expect(
        ((fourth?.['input'] ?? []) as Array<{ type: string }>).map((step) => step.type),
      ).toEqual([
        // Each answer's thought step goes back before its output, with its signature (the
        // fake refuses one it did not issue, so the send succeeding proves them whole).
        'user_input',
        'thought',
        'model_output',
        'user_input',
        'thought',
        'model_output',
        'user_input',
        'thought',
        'model_output',
        'user_input',
      ]);
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('refuses an api it does not know, naming the choices', () => {
    expect(() =>
      createAgent({
        gemini: createGemini({ apiKey: 'k' }),
        model: MODEL,
        api: 'responses' as never,
      }),
    ).toThrow(
      /api must be 'generateContent' or interactionsApi\(\) from '@gemloop\/core\/interactions'/,
    );
  });

  it.each([
    ['the string', 'interactions'],
    ['the old object', { name: 'interactions', store: false }],
  ])(
    'refuses %s spelling of the Interactions API with the migration to interactionsApi()',
    (_, api) => {
      expect(() =>
        createAgent({ gemini: createGemini({ apiKey: 'k' }), model: MODEL, api: api as never }),
      ).toThrow(
        /import \{ interactionsApi \} from '@gemloop\/core\/interactions' and pass api: interactionsApi\(\)/,
      );
    },
  );

  it('refuses interactionsApi options that are not { store: boolean }', () => {
    expect(() => interactionsApi({ store: 'no' as never })).toThrow(
      /options\.store must be true or false/,
    );
  });
});
