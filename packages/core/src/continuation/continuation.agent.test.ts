// Long decode through the agent, against the fake's turn.continued (hand-written from
// @google/genai 3.1.0, @ai-sdk/google 4.0.121 and google/adk-go's continuation.go).
import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { ContinuationError } from '../errors/continuation-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';

const MODEL = 'gemini-3-flash-preview';
const fakes: FakeGemini[] = [];

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(
  script: FakeTurn[],
  options: Parameters<typeof createFakeGemini>[0] = {},
  wrapFetch?: (fake: FakeGemini) => typeof fetch,
) {
  const fake = createFakeGemini({ script, strictHistory: true, chunkSize: 8, ...options });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({
    baseUrl: url,
    apiKey: 'test-key',
    retry: false,
    ...(wrapFetch === undefined ? {} : { fetch: wrapFetch(fake) }),
  });
  return { fake, gemini };
}

const story = () =>
  turn.continued([
    turn.text('Once upon a time, ', { thoughts: 'Plan the story.' }),
    turn.text('a fake model '),
    turn.text('answered in three hops.'),
  ]);

async function collect(stream: AsyncIterable<AgentEvent<unknown>>): Promise<AgentEvent<unknown>[]> {
  const events: AgentEvent<unknown>[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('automatic continuation of long-decode answers', () => {
  it('continues a unary and a streamed step into one model turn with the same contents', async () => {
    const unary = await setup([story()]);
    const unaryResult = await createAgent({ gemini: unary.gemini, model: MODEL }).run('Tell me.');
    const streamed = await setup([story()]);
    const run = createAgent({ gemini: streamed.gemini, model: MODEL }).stream('Tell me.');
    const events = await collect(run);
    const streamedResult = await run.result;

    for (const [{ fake }, result] of [
      [unary, unaryResult],
      [streamed, streamedResult],
    ] as const) {
      expect(result.text).toBe('Once upon a time, a fake model answered in three hops.');
      expect(result.finishReason).toBe('stop');
      expect(result.steps).toHaveLength(1);
      // One model content for the step, every hop's parts kept in order.
      expect(result.newContents.map((content) => content.role)).toEqual(['user', 'model']);
      const requests = fake.modelRequests.map((request) => request.body as Record<string, unknown>);
      expect(requests).toHaveLength(3);
      // The same request each time, plus the previous hop's token.
      expect(requests[0]?.['continuationToken']).toBeUndefined();
      expect(requests[1]?.['continuationToken']).toMatch(/^fake-ct-/);
      expect(requests[2]?.['continuationToken']).toMatch(/^fake-ct-/);
      expect(requests[1]?.['contents']).toEqual(requests[0]?.['contents']);
    }
    expect(streamedResult.contents).toEqual(unaryResult.contents);
    // Each hop's signature stays on the part that carried it (3 hops, 3 signed text parts).
    const parts = unaryResult.newContents[1]?.parts ?? [];
    expect(parts.filter((part) => part.thoughtSignature !== undefined)).toHaveLength(3);

    const continuations = events.filter((event) => event.type === 'continuation');
    expect(continuations.map((event) => [event.kind, event.hop])).toEqual([
      ['continue', 2],
      ['continue', 3],
    ]);
    const deltas = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));
    expect(deltas.join('')).toBe(streamedResult.text);
  });

  it('sums usage over hops, keeps the first prompt count apart, and reports each hop', async () => {
    const { fake, gemini } = await setup([story()]);
    const result = await createAgent({ gemini, model: MODEL }).run('Tell me.');
    const step = result.steps[0];
    const report = step?.continuation;
    expect(report?.hops).toHaveLength(3);
    expect(report?.hops.map((hop) => hop.finishReason)).toEqual([
      'CONTINUATION',
      'CONTINUATION',
      'STOP',
    ]);
    const prompts = report?.hops.map((hop) => hop.usage?.promptTokenCount ?? 0) ?? [];
    // Each resend's prompt counts the output so far: larger than the first.
    expect(prompts[1]).toBeGreaterThan(prompts[0] ?? 0);
    expect(report?.firstPromptTokenCount).toBe(prompts[0]);
    const sum = (key: 'promptTokenCount' | 'candidatesTokenCount' | 'totalTokenCount') =>
      report?.hops.reduce((total, hop) => total + (hop.usage?.[key] ?? 0), 0);
    expect(step?.usage.promptTokenCount).toBe(sum('promptTokenCount'));
    expect(step?.usage.candidatesTokenCount).toBe(sum('candidatesTokenCount'));
    expect(step?.usage.totalTokenCount).toBe(sum('totalTokenCount'));
    expect(result.usage.totalTokenCount).toBe(sum('totalTokenCount'));
    expect(report?.restarted).toBe(false);
    expect(fake.turnsDelivered).toBe(1);
  });

  it("replays the continued turn through the fake's strict history contract", async () => {
    const { fake, gemini } = await setup([story(), turn.text('The end.')]);
    const agent = createAgent({ gemini, model: MODEL });
    const first = await agent.run('Tell me.');
    const second = await agent.run('And then?', { history: first.contents });
    expect(second.text).toBe('The end.');
    // The fourth request carried the whole merged turn back, as received.
    const sent = fake.modelRequests[3]?.body as { contents: unknown[] };
    expect(sent.contents[1]).toEqual(first.newContents[1]);
  });

  it('with continuation: false, ends the run on the first hop (CONTINUATION, other)', async () => {
    const { fake, gemini } = await setup([story()]);
    const result = await createAgent({ gemini, model: MODEL, continuation: false }).run('Tell me.');
    expect(fake.modelRequests).toHaveLength(1);
    expect(result.finishReason).toBe('other');
    expect(result.rawFinishReason).toBe('CONTINUATION');
    expect(result.text).toBe('Once upon a time, ');
    expect(result.steps[0]?.continuation).toBeUndefined();
  });

  it('refuses a bad continuation option with a typed error naming it', () => {
    const gemini = createGemini({ apiKey: 'test-key' });
    expect(() => createAgent({ gemini, model: MODEL, continuation: { maxHops: 0 } })).toThrow(
      /continuation\.maxHops must be an integer from 1/,
    );
    expect(() =>
      createAgent({ gemini, model: MODEL, continuation: { maxHop: 3 } as never }),
    ).toThrow(/Did you mean 'maxHops'/);
  });

  it('ends on the answer so far at maxHops, as adk-go does at its cap', async () => {
    const { fake, gemini } = await setup([story()]);
    const result = await createAgent({ gemini, model: MODEL, continuation: { maxHops: 2 } }).run(
      'Tell me.',
    );
    expect(fake.modelRequests).toHaveLength(2);
    expect(result.rawFinishReason).toBe('CONTINUATION');
    expect(result.text).toBe('Once upon a time, a fake model ');
    expect(result.steps[0]?.continuation?.hops).toHaveLength(2);
  });

  it('counts the billed hops when a later hop fails (unary)', async () => {
    const { fake, gemini } = await setup([story()], {
      faults: [{ fault: { type: 'internal' }, on: 1 }],
    });
    const error = await createAgent({ gemini, model: MODEL })
      .run('Tell me.')
      .catch((thrown: unknown) => thrown);
    expect(ModelCallError.isInstance(error)).toBe(true);
    const firstHop = fake.modelRequests[0];
    expect(firstHop?.status).toBe(200);
    // The first hop was billed: the failed run's usage counts it, marked partial on the error.
    const run = (error as ModelCallError).run;
    expect(run.usage.totalTokenCount).toBeGreaterThan(0);
    expect((error as ModelCallError).partialUsage?.partial).toBe(true);
  });

  it('starts no tool before the final hop', async () => {
    let requestsAtExecute: number | undefined;
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({ q: z.string() }),
      execute: ({ q }) => {
        requestsAtExecute = fake.modelRequests.length;
        return q;
      },
    });
    const { fake, gemini } = await setup([
      turn.continued([turn.text('Let me look that up. '), turn.call('lookup', { q: 'x' })]),
      turn.text('Found it.'),
    ]);
    const run = createAgent({ gemini, model: MODEL, tools: [lookup] }).stream('Look.');
    const order: string[] = [];
    for await (const event of run) {
      if (event.type === 'continuation' || event.type === 'tool-call') order.push(event.type);
    }
    const result = await run.result;
    expect(order).toEqual(['continuation', 'tool-call']);
    // The tool ran once both hops of the call's step were in.
    expect(requestsAtExecute).toBe(2);
    expect(result.text).toBe('Found it.');
    expect(result.steps[0]?.toolCalls).toHaveLength(1);
  });
});

describe('resuming a dropped stream from its last checkpoint', () => {
  const checkpointed = () =>
    turn.continued(
      [turn.text('The first hop is long enough. '), turn.text('The second hop ends it.')],
      { checkpoints: true },
    );

  it('holds back the deltas after the last checkpoint, so nothing shown is regenerated', async () => {
    const { fake, gemini } = await setup([checkpointed()], {
      faults: [{ fault: { type: 'connection-reset', afterChunks: 3 }, on: 0 }],
    });
    const run = createAgent({ gemini, model: MODEL }).stream('Tell me.');
    const events = await collect(run);
    const result = await run.result;
    expect(result.text).toBe('The first hop is long enough. The second hop ends it.');
    const deltas = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));
    expect(deltas.join('')).toBe(result.text);
    const continuations = events.filter((event) => event.type === 'continuation');
    expect(continuations.map((event) => event.kind)).toEqual(['resume', 'continue']);
    // The resend carried the last checkpoint the dropped stream delivered.
    const second = fake.modelRequests[1]?.body as { continuationToken?: string };
    expect(second.continuationToken).toMatch(/^fake-ct-/);
    expect(result.steps[0]?.continuation?.reconnects).toBe(1);
    expect(result.steps[0]?.continuation?.hops.map((hop) => hop.reconnects)).toEqual([1, 0]);
  });

  it('discards the held-back chunks of a dropped stream: the resumed stream regenerates them', async () => {
    // A checkpoint every 2nd chunk; the drop comes after the 3rd, which was held back.
    const { fake, gemini } = await setup(
      [
        turn.continued(
          [turn.text('The first hop is long enough. '), turn.text('The second hop ends it.')],
          { checkpoints: 2 },
        ),
      ],
      { faults: [{ fault: { type: 'connection-reset', afterChunks: 3 }, on: 0 }] },
    );
    const run = createAgent({ gemini, model: MODEL }).stream('Tell me.');
    const events = await collect(run);
    const result = await run.result;
    expect(result.text).toBe('The first hop is long enough. The second hop ends it.');
    const deltas = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));
    expect(deltas.join('')).toBe(result.text);
    // The resumed stream sent the third chunk again.
    const resumed = fake.modelRequests[1]?.body as { continuationToken?: string };
    expect(resumed.continuationToken).toMatch(/^fake-ct-/);
    expect(result.steps[0]?.continuation?.reconnects).toBe(1);
  });

  it('continues a hop whose last chunk arrived before the connection dropped', async () => {
    // One chunk per hop: the drop comes right after the chunk that ends hop 1 with its token.
    const { fake, gemini } = await setup(
      [turn.continued([turn.text('One, '), turn.text('two.')])],
      { faults: [{ fault: { type: 'connection-reset', afterChunks: 1 }, on: 0 }], gemini3: false },
    );
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash' }).stream('Count.').result;
    expect(result.text).toBe('One, two.');
    expect(fake.modelRequests).toHaveLength(2);
    expect(result.steps[0]?.continuation?.reconnects).toBe(0);
  });

  it(`fails with a typed error after ${3} reconnects in a row without a new checkpoint`, async () => {
    // The first call drops after its first checkpoint; every resend drops before any chunk.
    const { fake, gemini } = await setup([checkpointed()], {
      faults: [
        { fault: { type: 'connection-reset', afterChunks: 1 }, on: 0 },
        { fault: { type: 'connection-reset', afterChunks: 0 }, on: (call) => call.callIndex > 0 },
      ],
    });
    const error = await createAgent({ gemini, model: MODEL })
      .stream('Tell me.')
      .result.catch((thrown: unknown) => thrown);
    expect(ModelCallError.isInstance(error)).toBe(true);
    const cause = (error as ModelCallError).cause;
    expect(ContinuationError.isInstance(cause)).toBe(true);
    expect((cause as ContinuationError).reason).toBe('no-progress');
    // 1 call, then 3 resumes, then the 4th drop in a row gives up.
    expect(fake.modelRequests).toHaveLength(5);
  });

  it('without a token yet, a dropped stream fails the step as before', async () => {
    const { fake, gemini } = await setup([story()], {
      faults: [{ fault: { type: 'connection-reset', afterChunks: 1 }, on: 0 }],
    });
    const error = await createAgent({ gemini, model: MODEL })
      .stream('Tell me.')
      .result.catch((thrown: unknown) => thrown);
    expect(ModelCallError.isInstance(error)).toBe(true);
    expect(ContinuationError.isInstance((error as ModelCallError).cause)).toBe(false);
    expect(fake.modelRequests).toHaveLength(1);
  });
});

describe('a refused continuation token', () => {
  for (const streaming of [false, true]) {
    it(`restarts the step once, billed twice (${streaming ? 'streamed' : 'unary'})`, async () => {
      let calls = 0;
      const { fake, gemini } = await setup([story()], {}, (fake) => (input, init) => {
        // The tokens expire between the first and the second hop (a durable run resumed later).
        if (calls++ === 1) fake.expireContinuationTokens();
        return fake.fetch(input, init);
      });
      const agent = createAgent({ gemini, model: MODEL });
      const run = streaming ? agent.stream('Tell me.') : undefined;
      const events = run === undefined ? [] : await collect(run);
      const result = await (run === undefined ? agent.run('Tell me.') : run.result);
      expect(result.text).toBe('Once upon a time, a fake model answered in three hops.');
      // 1 hop, the refused resend, then 3 hops from the start.
      expect(fake.modelRequests.map((request) => request.status)).toEqual([
        200, 400, 200, 200, 200,
      ]);
      const report = result.steps[0]?.continuation;
      expect(report?.restarted).toBe(true);
      expect(report?.hops).toHaveLength(3);
      const discarded = report?.discardedUsage?.totalTokenCount ?? 0;
      expect(discarded).toBeGreaterThan(0);
      const kept = report?.hops.reduce((sum, hop) => sum + (hop.usage?.totalTokenCount ?? 0), 0);
      expect(result.steps[0]?.usage.totalTokenCount).toBe((kept ?? 0) + discarded);
      if (streaming) {
        const kinds = events.flatMap((event) =>
          event.type === 'continuation' ? [event.kind] : [],
        );
        expect(kinds).toEqual(['continue', 'restart', 'continue', 'continue']);
      }
    });
  }
});

describe('a stream cut without a finish signal', () => {
  const cut = (parts: Record<string, unknown>[]) =>
    turn.raw(
      parts.map((part) => ({
        candidates: [{ content: { role: 'model', parts: [part] }, index: 0 }],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 },
      })),
    );

  it('ends the run as interrupted, keeping the text that arrived', async () => {
    const { gemini } = await setup([cut([{ text: 'The answer is' }, { text: ' forty' }])], {
      strictHistory: false,
    });
    const result = await createAgent({ gemini, model: MODEL }).stream('Tell me.').result;
    expect(result.finishReason).toBe('interrupted');
    expect(result.rawFinishReason).toBeUndefined();
    expect(result.text).toBe('The answer is forty');
    expect(result.steps[0]?.interrupted).toBe(true);
    expect(result.newContents.map((content) => content.role)).toEqual(['user', 'model']);
  });

  it('never runs the calls of a cut turn', async () => {
    let executed = 0;
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({ q: z.string() }),
      execute: () => {
        executed++;
        return 'x';
      },
    });
    const { gemini } = await setup(
      [cut([{ text: 'Looking. ' }, { functionCall: { name: 'lookup', args: { q: 'x' } } }])],
      { strictHistory: false },
    );
    const result = await createAgent({ gemini, model: MODEL, tools: [lookup] }).stream('Go.')
      .result;
    expect(result.finishReason).toBe('interrupted');
    expect(executed).toBe(0);
    expect(result.newContents.map((content) => content.role)).toEqual(['user']);
  });
});
