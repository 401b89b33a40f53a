// Continuation as a default plugin (issue 53 item 2): every agent lists it unless its option turns
// it off, it wraps the requests of one model call inside every plugin's wrapModelCall, and an
// agent without it streams exactly as the plugin's first hop does (the loop's own fold).
import {
  createFakeGemini,
  type FakeGemini,
  type FakeTurn,
  routeByAgent,
  turn,
} from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { toolOutput } from '../compaction/tool-output.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { AgentStep } from '../run/agent-result.ts';
import { CONTINUATION_DEFAULTS } from '../run/continuation-options.ts';

const MODEL = 'gemini-3-flash-preview';
const fakes: FakeGemini[] = [];

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(script: FakeTurn[], options: Parameters<typeof createFakeGemini>[0] = {}) {
  const fake = createFakeGemini({ script, chunkSize: 8, ...options });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const story = () =>
  turn.continued([
    turn.text('Once upon a time, '),
    turn.text('a fake model '),
    turn.text('answered in three hops.'),
  ]);

async function collect(stream: AsyncIterable<AgentEvent<unknown>>): Promise<AgentEvent<unknown>[]> {
  const events: AgentEvent<unknown>[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The event types of a stream, deltas folded into one entry each run of them. */
function shape(events: readonly AgentEvent<unknown>[]): string[] {
  const types: string[] = [];
  for (const event of events)
    if (types[types.length - 1] !== event.type || event.type !== 'text-delta')
      types.push(event.type);
  return types;
}

describe('agent.plugins', () => {
  const gemini = createGemini({ apiKey: 'test-key' });

  it('lists continuation by default, with the settings it runs with', () => {
    const optionsOf = (plugins: readonly unknown[] | undefined) =>
      plugins?.map((plugin) => (plugin as { options?: unknown }).options);
    const agent = createAgent({ gemini, model: MODEL });
    // Pricing, the other default plugin, is listed after it (pricing/pricing-plugin.test.ts).
    expect(agent.plugins?.map((plugin) => plugin.name)).toEqual(['continuation', 'pricing']);
    expect(optionsOf(agent.plugins)).toEqual([CONTINUATION_DEFAULTS, undefined]);
    expect(
      optionsOf(createAgent({ gemini, model: MODEL, continuation: { maxHops: 16 } }).plugins),
    ).toEqual([{ ...CONTINUATION_DEFAULTS, maxHops: 16 }, undefined]);
  });

  it('leaves it out when the option turns it off', () => {
    const names = (agent: { plugins?: readonly { name: string }[] | undefined }) =>
      agent.plugins?.map((plugin) => plugin.name);
    expect(names(createAgent({ gemini, model: MODEL, continuation: false }))).toEqual(['pricing']);
    expect(names(createAgent({ gemini, model: MODEL, continuation: { enabled: false } }))).toEqual([
      'pricing',
    ]);
  });

  it("lists the agent's plugins first, then the sugar options', then the defaults", () => {
    const mine = definePlugin({ name: 'mine', afterModelCall: () => {} });
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [mine],
      toolOutput: toolOutput({ maxTokens: 1_000 }),
    });
    expect(agent.plugins?.map((plugin) => plugin.name)).toEqual([
      'mine',
      'gemloop.tool-output',
      'continuation',
      'pricing',
    ]);
    expect(agent.plugins?.[0]).toBe(mine);
  });

  it("refuses the default plugin in another agent's plugins, saying how to configure it", async () => {
    const [continuation] = createAgent({ gemini, model: MODEL }).plugins ?? [];
    expect(() =>
      createAgent({ gemini, model: MODEL, plugins: [continuation as AgentPlugin] }),
    ).toThrow(
      /plugins\[0\] is a plugin every agent has by default; set it with the createAgent option "continuation"/,
    );
    const agent = createAgent({ gemini, model: MODEL });
    await expect(agent.run('Hi.', { plugins: [continuation as AgentPlugin] })).rejects.toThrow(
      /options\.plugins\[0\] is a plugin every agent has by default; .*"continuation", not in options\.plugins/,
    );
  });

  it("shows the prompt cache's plugin once the agent's first run made it", async () => {
    const { gemini } = await setup([turn.text('One.'), turn.text('Two.')]);
    const agent = createAgent({ gemini, model: MODEL, cache: { minTokens: 0 } });
    expect(agent.plugins?.map((plugin) => plugin.name)).toEqual(['continuation', 'pricing']);
    await agent.run('Hi.');
    expect(agent.plugins?.map((plugin) => plugin.name)).toEqual([
      'prompt-cache',
      'continuation',
      'pricing',
    ]);
    expect(agent.plugins).toBe(agent.plugins);
    await agent.close();
  });

  it('cannot be changed through the list', () => {
    const plugins = createAgent({ gemini, model: MODEL }).plugins as unknown[];
    expect(() => plugins.push(definePlugin({ name: 'late' }))).toThrow(TypeError);
    const continuation = plugins[0] as { options: { maxHops: number } };
    expect(() => {
      continuation.options.maxHops = 1;
    }).toThrow(TypeError);
    // Nothing but its name and options shows in a copy or a JSON view.
    expect(JSON.parse(JSON.stringify(plugins[0]))).toEqual({
      name: 'continuation',
      options: CONTINUATION_DEFAULTS,
    });
  });
});

describe('continuation inside the plugins of the seam', () => {
  for (const streaming of [false, true]) {
    it(`is one call to a wrapModelCall however many requests it takes (${streaming ? 'streamed' : 'unary'})`, async () => {
      const { fake, gemini } = await setup([story()]);
      const seen: AgentStep[] = [];
      const watcher = definePlugin({
        name: 'watcher',
        wrapModelCall: async (call, next) => {
          const step = await next(call);
          seen.push(step);
          return step;
        },
      });
      const agent = createAgent({ gemini, model: MODEL, plugins: [watcher] });
      const result = await (streaming ? agent.stream('Tell me.').result : agent.run('Tell me.'));
      expect(fake.modelRequests).toHaveLength(3);
      expect(result.text).toBe('Once upon a time, a fake model answered in three hops.');
      expect(seen).toHaveLength(1);
      expect(seen[0]?.continuation?.hops).toHaveLength(3);
      expect(seen[0]?.text).toBe(result.text);
    });
  }

  it('continues the calls a wrapper sends to another model too', async () => {
    const { fake, gemini } = await setup([story()]);
    const fallback = definePlugin({
      name: 'elsewhere',
      wrapModelCall: (call, next) => next({ ...call, model: 'gemini-2.5-flash' }),
    });
    const result = await createAgent({ gemini, model: MODEL, plugins: [fallback] }).run('Tell me.');
    expect(fake.modelRequests.map((request) => request.model)).toEqual([
      'gemini-2.5-flash',
      'gemini-2.5-flash',
      'gemini-2.5-flash',
    ]);
    expect(result.steps[0]?.model).toBe('gemini-2.5-flash');
    expect(result.steps[0]?.continuation?.hops).toHaveLength(3);
  });
});

describe('a streamed run without continuation', () => {
  for (const continuation of [true, false]) {
    const label = continuation ? 'on' : 'off';

    it(`streams an ordinary answer as with it (continuation ${label})`, async () => {
      const { gemini } = await setup([turn.text('A short answer that comes in several chunks.')]);
      const run = createAgent({ gemini, model: MODEL, continuation }).stream('Tell me.');
      const events = await collect(run);
      const result = await run.result;
      expect(result.text).toBe('A short answer that comes in several chunks.');
      expect(result.finishReason).toBe('stop');
      expect(result.steps[0]?.continuation).toBeUndefined();
      expect(result.steps[0]?.interrupted).toBeUndefined();
      expect(result.usage.totalTokenCount).toBeGreaterThan(0);
      const deltas = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe(result.text);
      expect(shape(events)).toEqual(['step-start', 'text-delta', 'step-end', 'run-end']);
    });

    it(`ends a stream cut without a finish signal as interrupted (continuation ${label})`, async () => {
      const cut = turn.raw(
        ['The answer is', ' forty'].map((text) => ({
          candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }],
          usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 },
        })),
      );
      const { gemini } = await setup([cut]);
      const result = await createAgent({ gemini, model: MODEL, continuation }).stream('Tell me.')
        .result;
      expect(result.finishReason).toBe('interrupted');
      expect(result.text).toBe('The answer is forty');
      expect(result.steps[0]?.interrupted).toBe(true);
    });

    it(`fails a dropped stream with the usage it was billed (continuation ${label})`, async () => {
      const chunks = turn.raw(
        [1, 2, 3].map((chunk) => ({
          candidates: [{ content: { role: 'model', parts: [{ text: `part ${chunk} ` }] } }],
          usageMetadata: {
            promptTokenCount: 5,
            candidatesTokenCount: chunk * 4,
            totalTokenCount: 5 + chunk * 4,
          },
        })),
      );
      const { fake, gemini } = await setup([chunks], {
        faults: [{ fault: { type: 'connection-reset', afterChunks: 2 }, on: 0 }],
      });
      const run = createAgent({ gemini, model: MODEL, continuation }).stream('Tell me.');
      const events = await collect(run).catch(() => []);
      const error = await run.result.catch((thrown: unknown) => thrown);
      expect(ModelCallError.isInstance(error)).toBe(true);
      expect((error as ModelCallError).partialUsage).toMatchObject({
        candidatesTokenCount: 8,
        partial: true,
      });
      expect((error as ModelCallError).run.usage.totalTokenCount).toBe(13);
      expect(fake.modelRequests).toHaveLength(1);
      expect(events.filter((event) => event.type === 'continuation')).toEqual([]);
    });

    it(`stops a stream aborted between chunks (continuation ${label})`, async () => {
      const { gemini } = await setup([turn.text('A long answer, chunk after chunk, slowly.')], {
        chunkDelayMs: 2_000,
      });
      const controller = new AbortController();
      const run = createAgent({ gemini, model: MODEL, continuation }).stream('Tell me.', {
        signal: controller.signal,
      });
      const events: AgentEvent<unknown>[] = [];
      const reading = (async () => {
        for await (const event of run) {
          events.push(event);
          if (event.type === 'text-delta') controller.abort(new Error('enough'));
        }
      })().catch(() => {});
      const error = await run.result.catch((thrown: unknown) => thrown);
      await reading;
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      expect((error as AgentAbortedError).phase).toBe('model-call');
      expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(1);
    });
  }
});

describe('continuation in a subagent and a chat', () => {
  it("continues a subagent's answer with the child's own plugin, its hops in the parent's stream", async () => {
    const { gemini } = await setup([], {
      script: routeByAgent([
        {
          match: 'You coordinate',
          script: [turn.call('writer', { task: 'Tell a story' }), turn.text('Here it is.')],
        },
        { match: 'You write', script: [story()] },
      ]),
    });
    const child = createAgent({ gemini, model: MODEL, instructions: 'You write.' });
    const parent = createAgent({
      gemini,
      model: MODEL,
      instructions: 'You coordinate.',
      tools: [subagent(child, { name: 'writer', description: 'Writes stories.' })],
      // The parent's own continuation is off: the child continues with its own.
      continuation: false,
    });
    expect(parent.plugins?.map((plugin) => plugin.name)).toEqual(['pricing']);
    const run = parent.stream('A story, please.');
    const events = await collect(run);
    const result = await run.result;
    const hops = events.filter((event) => event.type === 'continuation');
    expect(hops.map((event) => event.path)).toEqual([['writer#1'], ['writer#1']]);
    const output = result.steps[0]?.toolCalls[0]?.output;
    expect(JSON.stringify(output)).toContain(
      'Once upon a time, a fake model answered in three hops.',
    );
    expect(result.text).toBe('Here it is.');
  });

  it('continues a chat turn, streamed and unary, into one model turn of the history', async () => {
    const { fake, gemini } = await setup([story(), story()]);
    const chat = createChatSession({ agent: createAgent({ gemini, model: MODEL }) });
    const first = await chat.send('Tell me.');
    const stream = chat.sendStream('Again.');
    await collect(stream);
    const second = await stream.result;
    expect(fake.modelRequests).toHaveLength(6);
    for (const turnResult of [first, second]) {
      expect(turnResult.text).toBe('Once upon a time, a fake model answered in three hops.');
      expect(turnResult.steps[0]?.continuation?.hops).toHaveLength(3);
    }
    expect((await chat.history()).filter((content) => content.role === 'model')).toHaveLength(2);
  });
});
