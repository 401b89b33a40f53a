import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { subagent } from '../composition/subagent.ts';
import { InteractionFailedError } from '../errors/files-and-batches/interaction-failed-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createInteractions } from './create-interactions.ts';
import { interactionsApi } from './interactions-api.ts';

// An agent on `api: interactionsApi({ background })`: each model call a background
// interaction (create answered at once, then polls), cancelled on the server when the run stops.

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const MODEL = 'gemini-3-flash-preview';

const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, forecast: 'sunny' }),
});

async function serve(
  backgroundPolls: number,
  onRequest?: (request: { method: string; url: string }) => void,
) {
  fake = createFakeGemini({
    script: [turn.call('get_weather', { city: 'Paris' }), turn.text('Paris is sunny.')],
    interactions: { backgroundPolls },
    ...(onRequest === undefined ? {} : { onRequest }),
  });
  const { url } = await fake.listen();
  return createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
}

const methods = () => (fake as FakeGemini).requests.map((request) => request.method);

describe('an agent on background interactions', () => {
  it('creates each call in the background and polls it until done, unary and streamed', async () => {
    const gemini = await serve(2);
    const api = interactionsApi({ background: { pollIntervalMs: 1 } });
    const result = await createAgent({ gemini, model: MODEL, tools: [weather], api }).run(
      'Weather in Paris?',
    );
    expect(result.text).toBe('Paris is sunny.');
    // Two model calls, each: one create (background), two polls still running, one that finds it done.
    const get = 'interactions.get';
    const create = 'interactions.create';
    expect(methods()).toEqual([create, get, get, get, create, get, get, get]);
    for (const request of fake?.requests ?? []) {
      if (request.method === create) expect(request.body).toMatchObject({ background: true });
    }
  });

  it('streams the finished answer as the run events', async () => {
    const gemini = await serve(1);
    const stream = createAgent({
      gemini,
      model: MODEL,
      tools: [weather],
      api: interactionsApi({ background: { pollIntervalMs: 1 } }),
    }).stream('Weather in Paris?');
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect((await stream.result).text).toBe('Paris is sunny.');
    expect(types).toContain('tool-result');
    expect(types).toContain('text-delta');
    expect(methods().filter((method) => method === 'interactions.stream')).toEqual([]);
  });

  it('cancels the interaction on the server when the run is aborted while it polls', async () => {
    const controller = new AbortController();
    let gets = 0;
    const gemini = await serve(1_000, (request) => {
      if (request.method === 'interactions.get' && ++gets === 2) controller.abort();
    });
    const run = createAgent({
      gemini,
      model: MODEL,
      api: interactionsApi({ background: { pollIntervalMs: 1 } }),
    }).run('Weather in Paris?', { signal: controller.signal });
    await expect(run).rejects.toThrow();
    const id = (
      fake?.requests.find((request) => request.method === 'interactions.cancel')?.url ?? ''
    )
      .split('/')
      .at(-2);
    expect(id).toMatch(/^i/);
    const remote = await createInteractions(gemini).get(id as string);
    expect(remote.status).toBe('cancelled');
  });

  it('gives up past maxWaitMs of pauses: TimeoutError, and the interaction cancelled', async () => {
    const gemini = await serve(1_000);
    const run = createAgent({
      gemini,
      model: MODEL,
      api: interactionsApi({ background: { pollIntervalMs: 1, maxWaitMs: 3 } }),
    }).run('Weather in Paris?');
    const error = await run.catch((caught: unknown) => caught);
    const timeout = [error, (error as { cause?: unknown }).cause].find((value) =>
      TimeoutError.isInstance(value),
    );
    expect(timeout).toMatchObject({ operation: 'interactions.background', timeoutMs: 3 });
    // Pauses of 1 and 2 ms make 3: two polls, then the cancel.
    expect(methods()).toEqual([
      'interactions.create',
      'interactions.get',
      'interactions.get',
      'interactions.cancel',
    ]);
  });

  it('a background interaction that failed on the server fails the call, typed, not an empty answer', async () => {
    fake = createFakeGemini({
      script: [turn.text('never read')],
      interactions: { backgroundPolls: 0 },
      faults: [{ fault: { type: 'internal' }, times: 1 }],
    });
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const error = await createAgent({
      gemini,
      model: MODEL,
      api: interactionsApi({ background: { pollIntervalMs: 1 } }),
    })
      .run('Weather in Paris?')
      .catch((caught: unknown) => caught);
    const failed = [error, (error as { cause?: unknown }).cause].find((value) =>
      InteractionFailedError.isInstance(value),
    );
    expect(failed).toMatchObject({ status: 'failed', interactionId: expect.stringMatching(/^i/) });
  });

  it('a chat session on background interactions continues on the server', async () => {
    fake = createFakeGemini({
      script: (_request, { lastUserText }) => turn.text(`echo ${lastUserText}`),
      interactions: { backgroundPolls: 1 },
    });
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const agent = createAgent({
      gemini,
      model: MODEL,
      api: interactionsApi({ background: { pollIntervalMs: 1 } }),
    });
    const chat = createChatSession({ agent, id: 'user-1', store: createMemoryHistoryStore() });
    await chat.send('first');
    expect((await chat.send('second')).text).toBe('echo second');
    const creates = fake.requests.filter((request) => request.method === 'interactions.create');
    expect(creates[1]?.body).toMatchObject({
      background: true,
      previous_interaction_id: expect.stringMatching(/^i/),
      input: [{ type: 'user_input', content: [{ type: 'text', text: 'second' }] }],
    });
  });

  it('a subagent on background interactions, under a parent on generateContent', async () => {
    fake = createFakeGemini({
      script: (request, { lastUserText, functionResponses }) =>
        // The parent has the subagent's tool; the subagent (over Interactions) has none.
        (request.body.tools?.length ?? 0) > 0
          ? functionResponses.length > 0
            ? turn.text(`parent heard: ${JSON.stringify(functionResponses[0]?.response)}`)
            : turn.call('research', { task: 'tides' })
          : turn.text(`researched ${lastUserText}`),
      interactions: { backgroundPolls: 1 },
    });
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const researcher = createAgent({
      gemini,
      model: MODEL,
      api: interactionsApi({ background: { pollIntervalMs: 1 } }),
    });
    const parent = createAgent({
      gemini,
      model: MODEL,
      tools: [subagent(researcher, { name: 'research', description: 'Researches.' })],
    });
    const result = await parent.run('Tides?');
    expect(result.text).toContain('researched tides');
    expect(methods()).toEqual([
      'generateContent',
      'interactions.create',
      'interactions.get',
      'interactions.get',
      'generateContent',
    ]);
  });

  it('tells beforeSend the model of each create (a per-model rate limit counts it), and none for polls', async () => {
    const gemini = await serve(1);
    const seen: Array<[string, string | undefined]> = [];
    const interactions = createInteractions(gemini);
    const beforeSend = async ({
      method,
      model,
    }: {
      method: string;
      model?: string | undefined;
    }) => {
      seen.push([method, model]);
      return undefined;
    };
    const created = await interactions.create(
      { model: MODEL, input: 'Paris?', background: true },
      { beforeSend },
    );
    await interactions.get(created.id, { beforeSend });
    for await (const _event of interactions.stream(
      { model: MODEL, input: 'Rome?' },
      { beforeSend },
    )) {
      // drained
    }
    expect(seen).toEqual([
      ['interactions.create', MODEL],
      ['interactions.get', undefined],
      ['interactions.stream', MODEL],
    ]);
  });

  it('refuses polling settings out of bounds, naming the option', async () => {
    const gemini = createGemini({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' });
    for (const background of [{ pollIntervalMs: 0 }, { maxWaitMs: 1.5 }, { every: 5 }, 'yes']) {
      expect(() => interactionsApi({ background } as never)).toThrow(InvalidArgumentError);
      expect(() => interactionsApi({ background } as never)).toThrow(/options\.background must be/);
    }
    // The old spelling is refused with the migration to interactionsApi({ background }).
    expect(() =>
      createAgent({
        gemini,
        model: MODEL,
        api: { name: 'interactions', background: true } as never,
      }),
    ).toThrow(/interactionsApi\(\{ background: true \}\)/);
  });
});
