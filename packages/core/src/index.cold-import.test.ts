import { afterEach, describe, expect, it, vi } from 'vitest';

// Importing the root must stay cheap (bench/README.md, "Cold import"; issue 12): Node's ESM loader
// pays for every module at import, so what only a run, a call or a send needs is loaded by its
// first use. Each mock below records the first import of its module, static or by `import()`; this
// file runs in its own module graph (`CORE_ISOLATED` in vitest.config.ts), so nothing before it
// has loaded them.
const { loaded, track } = await vi.hoisted(async () =>
  (await import('./__fixtures__/import-tracker.ts')).createImportTracker(),
);

vi.mock('./agent/loop/run-loop.ts', track('the run loop'));
vi.mock('./history/validate-history-cached.ts', track('the history checks'));
vi.mock('./prompt-cache/prompt-cache.ts', track('the prompt cache'));
vi.mock('./http/attempts/request-json.ts', track('the unary request path'));
vi.mock('./http/attempts/open-generate-content-stream.ts', track('the streamed request path'));
vi.mock('./http/attempts/check-responses.ts', track('the response checks'));
vi.mock('eventsource-parser', track('eventsource-parser'));
vi.mock('./http/caches/create-caches.ts', track('the caches API'));
vi.mock('./http/vertex/vertex-auth.ts', track('Vertex auth'));
vi.mock('./chat/select-history.ts', track("the chat's history limit"));
vi.mock('./chat/measure-turn-tokens.ts', track("the chat's token counts"));
vi.mock('./chat/chat-conversation.ts', track("the chat's sends and store reads"));
vi.mock('./agent/tool-calls/close-tools.ts', track("closing an agent's tools"));
vi.mock('./steering/steering-plugin.ts', track('the steering plugin'));
vi.mock('./agent/plugins/plugin-engine.ts', track('the plugin seam'));
vi.mock('./budget/tree-budget-plugin.ts', track('the tree budget plugin'));
vi.mock('./errors/api-call/create-api-call-error.ts', track("the API error's description"));
vi.mock('./errors/files-and-batches/file-not-found-of.ts', track("a refused file's error"));

const DEFERRED = [
  'the run loop',
  'the history checks',
  'the prompt cache',
  'the unary request path',
  'the streamed request path',
  'the response checks',
  'eventsource-parser',
  'the caches API',
  'Vertex auth',
  "the chat's history limit",
  "the chat's token counts",
  "the chat's sends and store reads",
  "closing an agent's tools",
  'the steering plugin',
  'the plugin seam',
  'the tree budget plugin',
  "the API error's description",
  "a refused file's error",
];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('importing @gemloop/core', () => {
  it('loads none of what only a run, a call, a send or a close needs', async () => {
    const root = await import('./index.ts');
    expect(typeof root.createAgent).toBe('function');
    expect([...loaded]).toEqual([]);
  });

  it('loads each of them on first use, and the calls work', async () => {
    const { AgentRunError, ApiCallError, createAgent, createChatSession, createGemini } =
      await import('./index.ts');
    type AgentRunError = InstanceType<typeof AgentRunError>;
    const { createFakeGemini, googleError, turn } = await import('@gemloop/testing');
    const fake = createFakeGemini({
      script: () => turn.text('Hello.'),
      accessTokens: ['ya29.token-for-the-cold-import-test'],
    });
    closers.push(() => fake.close());
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    // The `cache` option is sugar for the prompt cache's plugin: it rides on the plugin seam.
    const cached = createAgent({ gemini, model: 'gemini-2.5-flash', cache: { minTokens: 1e9 } });
    expect([...loaded]).toEqual([]);

    expect((await agent.run('Hi')).text).toBe('Hello.');
    const chat = createChatSession({ agent, limit: { maxTokens: 10_000 } });
    // A session answers its id, store and spend at once; its sends and reads load the rest.
    expect(chat.usage.totalTokenCount).toBe(0);
    expect(chat.cost.total).toBe('0');
    expect(loaded.has("the chat's sends and store reads")).toBe(false);
    expect((await chat.send('Hi again')).text).toBe('Hello.');
    expect(loaded.has("the chat's sends and store reads")).toBe(true);
    // A stream (and a chat send) nobody steers loads nothing of steering nor of the plugin seam.
    const unsteered = agent.stream('Stream it');
    for await (const _ of unsteered);
    expect((await unsteered.result).steering).toBeUndefined();
    expect(loaded.has('the steering plugin') || loaded.has('the plugin seam')).toBe(false);
    // Nor of the prompt cache: an agent with the option loads it (and the seam) on its first run.
    expect(loaded.has('the prompt cache')).toBe(false);
    expect((await cached.run('Hi')).cache?.status).toBe('too-small');
    expect(loaded.has('the prompt cache') && loaded.has('the plugin seam')).toBe(true);
    // The `budget` run option's plugin comes with the first run that has a budget.
    expect(loaded.has('the tree budget plugin')).toBe(false);
    expect((await agent.run('Hi', { budget: { maxSteps: 5 } })).text).toBe('Hello.');
    expect(loaded.has('the tree budget plugin')).toBe(true);
    // Its first steer() loads the plugin, which joins the run and applies the message.
    const steered = agent.stream('Stream it');
    steered.steer('In French.');
    for await (const _ of steered);
    expect((await steered.result).steering?.map((report) => report.status)).toEqual(['applied']);
    const chunks: unknown[] = [];
    for await (const chunk of gemini.streamGenerateContent({
      model: 'gemini-2.5-flash',
      contents: 'Stream',
    })) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(0);
    expect((await gemini.caches.list()).cachedContents).toEqual([]);
    const vertex = createGemini({
      baseUrl: url,
      vertex: {
        project: 'cold-import',
        location: 'us-central1',
        getAccessToken: () => 'ya29.token-for-the-cold-import-test',
      },
      retry: false,
    });
    const answer = await vertex.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(answer.candidates?.[0]?.content?.parts?.[0]?.text).toBe('Hello.');
    // Runs, streams, sends and calls that succeed never describe an API error: the first
    // failed response loads what writes its message, and the error is as typed as ever.
    expect(loaded.has("the API error's description")).toBe(false);
    fake.failNext({ type: 'http-error', error: googleError(429, 'Resource has been exhausted.') });
    const failure = await agent.run('Fail once').catch((error: unknown) => error);
    expect(loaded.has("the API error's description")).toBe(true);
    expect(AgentRunError.isInstance(failure)).toBe(true);
    const apiError = (failure as AgentRunError).cause;
    expect(ApiCallError.isInstance(apiError)).toBe(true);
    expect(apiError).toMatchObject({ status: 429, googleStatus: 'RESOURCE_EXHAUSTED' });
    await agent.close();
    await cached.close();

    expect([...loaded].sort()).toEqual([...DEFERRED].sort());
  });
});
