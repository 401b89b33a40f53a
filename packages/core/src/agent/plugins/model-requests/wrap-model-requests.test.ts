import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatSession } from '../../../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../../../chat/create-memory-history-store.ts';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import { createGemini } from '../../../http/create-gemini.ts';
import type { ModelCallEntry } from '../../../http/model-call-entry.ts';
import { interactionsApi } from '../../../interactions/interactions-api.ts';
import { resolveAgentConfig } from '../../config/resolve-agent-config.ts';
import { createAgent } from '../../create-agent.ts';
import { definePlugin } from '../define-plugin.ts';

// The request level of the seam (AgentPlugin.wrapModelRequest): a plugin wraps each request the
// agent sends, inside a step (continuation's hops are one request each), streamed and unary; the
// Interactions backend is such a plugin, innermost, and answers what the others pass on.

const MODEL = 'gemini-3-flash-preview';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

/** A plugin that logs each request as `name:kind` and passes it on. */
function logging(name: string, log: string[]) {
  return definePlugin({
    name,
    wrapModelRequest: (next) => ({
      generate: (input) => {
        log.push(`${name}:generate`);
        return next.generate(input);
      },
      stream: (input) => {
        log.push(`${name}:stream`);
        return next.stream(input);
      },
    }),
  });
}

async function runIn(mode: 'run' | 'stream', agent: ReturnType<typeof createAgent>, input: string) {
  if (mode === 'run') return agent.run(input);
  const stream = agent.stream(input);
  for await (const _ of stream) {
    // drain
  }
  return stream.result;
}

describe.each(['run', 'stream'] as const)('a request-level plugin (%s)', (mode) => {
  it('sees each request of a step, a long decode’s hops included, and may rewrite it', async () => {
    const { fake, gemini } = await serve([
      turn.continued([turn.text('One, '), turn.text('two, '), turn.text('three.')]),
    ]);
    const tokens: Array<string | undefined> = [];
    const kinds: string[] = [];
    const tagging = definePlugin({
      name: 'tag-requests',
      wrapModelRequest: (next) => ({
        ...next,
        generate: (input) => {
          kinds.push('generate');
          tokens.push(input.request.continuationToken);
          return next.generate({
            ...input,
            request: { ...input.request, generationConfig: { temperature: 0.25 } },
          });
        },
        stream: (input) => {
          kinds.push('stream');
          tokens.push(input.request.continuationToken);
          return next.stream({
            ...input,
            request: { ...input.request, generationConfig: { temperature: 0.25 } },
          });
        },
      }),
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [tagging] });
    const result = await runIn(mode, agent, 'Count.');
    expect(result.text).toBe('One, two, three.');
    expect(result.steps).toHaveLength(1);
    // Three requests (continuation's hops), each through the plugin, each with its token.
    expect(kinds).toEqual(Array(3).fill(mode === 'run' ? 'generate' : 'stream'));
    expect(tokens[0]).toBeUndefined();
    expect(tokens.slice(1)).toEqual([expect.stringMatching(/^fake-ct-/), expect.any(String)]);
    expect(
      fake.modelRequests.map(
        (request) => (request.body as { generationConfig?: unknown }).generationConfig,
      ),
    ).toEqual(Array(3).fill({ temperature: 0.25 }));
  });

  it('nests with the first registered outermost, around the Interactions plugin, which answers them', async () => {
    const { fake, gemini } = await serve([turn.text('Hello from interactions.')]);
    const log: string[] = [];
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [logging('outer', log), logging('inner', log)],
      api: interactionsApi(),
    });
    expect((agent.plugins ?? []).map((plugin) => plugin.name)).toEqual([
      'outer',
      'inner',
      'interactions',
      'continuation',
      'pricing',
    ]);
    const result = await runIn(mode, agent, 'Hi');
    expect(result.text).toBe('Hello from interactions.');
    const kind = mode === 'run' ? 'generate' : 'stream';
    expect(log).toEqual([`outer:${kind}`, `inner:${kind}`]);
    expect(fake.requests.map((request) => request.method)).toEqual(['interactions.create']);
    expect(fake.requests[0]?.body).toMatchObject(mode === 'run' ? {} : { stream: true });
    expect(fake.modelRequests.filter((request) => request.method === 'generateContent')).toEqual(
      [],
    );
  });

  it('is told the model of a call a wrapModelCall sends elsewhere (a fallback)', async () => {
    const { gemini } = await serve([turn.text('first'), turn.text('second')]);
    const models: string[] = [];
    const elsewhere = definePlugin({
      name: 'elsewhere',
      wrapModelCall: async (call, next) => {
        await next(call);
        return next({ ...call, model: 'gemini-2.5-flash' });
      },
      wrapModelRequest: (next, agent) => ({
        generate: (input) => {
          models.push(agent.model);
          return next.generate(input);
        },
        stream: (input) => {
          models.push(agent.model);
          return next.stream(input);
        },
      }),
    });
    const result = await runIn(
      mode,
      createAgent({ gemini, model: MODEL, plugins: [elsewhere] }),
      'Hi',
    );
    expect(result.text).toBe('second');
    expect(models).toEqual([MODEL, 'gemini-2.5-flash']);
  });
});

describe('the Interactions backend as a plugin', () => {
  it('api: interactionsApi() lists it; given in plugins it is refused, naming the option', async () => {
    const { fake, gemini } = await serve([turn.text('Same.')]);
    const agent = createAgent({ gemini, model: MODEL, api: interactionsApi() });
    expect((agent.plugins ?? []).map((plugin) => plugin.name)).toEqual([
      'interactions',
      'continuation',
      'pricing',
    ]);
    expect((await agent.run('Hi')).text).toBe('Same.');
    expect(fake.requests.map((request) => request.method)).toEqual(['interactions.create']);
    const misplaced = () =>
      createAgent({ gemini, model: MODEL, plugins: [interactionsApi() as never] });
    expect(misplaced).toThrow(InvalidArgumentError);
    expect(misplaced).toThrow(/plugins\[0\] goes in the createAgent option api/);
  });

  it('a chat goes on from the stored interaction through a wrapper that leaves resumeFrom out', async () => {
    const { fake, gemini } = await serve((_request, { lastUserText }) =>
      turn.text(`echo ${lastUserText}`),
    );
    const store = createMemoryHistoryStore();
    const log: string[] = [];
    const make = () =>
      createAgent({ gemini, model: MODEL, plugins: [logging('log', log)], api: interactionsApi() });
    const first = createChatSession({ agent: make(), id: 'user-1', store });
    await first.send('first');
    await first.close();
    // Another agent (nothing remembered in memory) continues from the stored interaction id.
    const second = createChatSession({ agent: make(), id: 'user-1', store });
    expect((await second.send('second')).text).toBe('echo second');
    await second.close();
    const bodies = fake.requests
      .filter((request) => request.method === 'interactions.create')
      .map((request) => request.body as Record<string, unknown>);
    expect(bodies[1]).toMatchObject({
      previous_interaction_id: expect.any(String),
      input: [{ type: 'user_input', content: [{ type: 'text', text: 'second' }] }],
    });
    expect(log).toEqual(['log:generate', 'log:generate']);
  });

  it('starts no plugin engine: a plugin that only wraps requests is not a run hook', () => {
    const gemini = createGemini({ apiKey: 'test-key' });
    const only = definePlugin({ name: 'only', wrapModelRequest: (next: ModelCallEntry) => next });
    const config = resolveAgentConfig({ gemini, model: MODEL, plugins: [only] });
    expect(config.plugins).toBeUndefined();
    expect(config.requestPlugins).toEqual([only]);
    // The default agent's entry is the client's own, not a wrapper of it.
    const bare = resolveAgentConfig({ gemini, model: MODEL });
    expect(config.modelCall).toBe(bare.modelCall);
    expect(bare.requestPlugins).toEqual([]);
    const onInteractions = resolveAgentConfig({ gemini, model: MODEL, api: interactionsApi() });
    expect(onInteractions.plugins).toBeUndefined();
    expect(onInteractions.modelCall).not.toBe(bare.modelCall);
    expect(typeof onInteractions.modelCall.resumeFrom).toBe('function');
  });
});

describe('a request-level plugin that is wrong', () => {
  const gemini = createGemini({ apiKey: 'test-key' });

  it('is refused at createAgent, naming the plugin and the fix', () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        definePlugin({ name: 'not-a-function', wrapModelRequest: 'no' as never }),
        /plugins\[0\]\.wrapModelRequest \(plugin "not-a-function"\) must be a function/,
      ],
      [
        definePlugin({ name: 'nothing', wrapModelRequest: () => undefined as never }),
        /plugin "nothing": wrapModelRequest must return an entry \{ generate\(input\), stream\(input\) \}.*got undefined/,
      ],
      [
        definePlugin({ name: 'interactions', wrapModelRequest: (next) => next }),
        /api: a plugin named "interactions" is already among the agent's plugins/,
      ],
      [
        definePlugin({ name: 'wrapModelrequest', wrapModelrequest: () => {} } as never),
        /is not a hook; did you mean wrapModelRequest\?/,
      ],
    ];
    for (const [plugin, message] of cases) {
      const make = () =>
        createAgent({ gemini, model: MODEL, plugins: [plugin as never], api: interactionsApi() });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(message);
    }
  });

  it('is refused as a run’s own plugin (a chat session’s), where it would do nothing', async () => {
    const agent = createAgent({ gemini, model: MODEL });
    const log: string[] = [];
    const error = await agent
      .run('Hi', { plugins: [logging('late', log)] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(String(error)).toMatch(
      /plugin "late" has wrapModelRequest.*give it to createAgent\(\{ plugins \}\)/,
    );
    expect(log).toEqual([]);
    const interactions = await agent
      .run('Hi', { plugins: [interactionsApi() as never] })
      .catch((caught: unknown) => caught);
    expect(interactions).toBeInstanceOf(InvalidArgumentError);
    expect(String(interactions)).toMatch(
      /options\.plugins\[0\] goes in the createAgent option api/,
    );
  });

  it('is refused as the api when nothing made it (no definePlugin), rather than ignored', () => {
    const plain = { name: 'plain', wrapModelRequest: (next: ModelCallEntry) => next };
    expect(() => createAgent({ gemini, model: MODEL, api: plain })).toThrow(
      /api must be 'generateContent' or interactionsApi\(\)/,
    );
    expect(() => createAgent({ gemini, model: MODEL, plugins: [plain as never] })).toThrow(
      /plugins\[0\] must be a plugin made by definePlugin\(\)/,
    );
  });
});
