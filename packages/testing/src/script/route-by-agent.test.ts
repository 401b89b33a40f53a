import { createAgent, createGemini } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from './fake-turn.ts';
import { routeByAgent } from './route-by-agent.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('routeByAgent', () => {
  it('answers each agent of a team from its own script, and the strict contract accepts every history the team sends', async () => {
    const fake = createFakeGemini({
      script: routeByAgent([
        {
          match: 'You route',
          script: [turn.call('ask_expert', { task: 'Why?' }), turn.call('transfer_to_billing')],
        },
        { match: 'You are an expert', script: [turn.text('Because.')] },
        { match: 'You handle billing', script: [turn.text('Refund issued.')] },
      ]),
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const model = 'gemini-3-flash-preview';
    const expert = createAgent({ gemini, model, instructions: 'You are an expert.' });
    const billing = createAgent({
      gemini,
      model,
      name: 'billing',
      instructions: 'You handle billing.',
    });
    const triage = createAgent({
      gemini,
      model,
      name: 'triage',
      instructions: 'You route questions.',
      tools: [
        subagent(expert, { name: 'ask_expert', description: 'Asks an expert.' }),
        handoff(billing),
      ],
    });
    const stream = triage.stream('Refund, and why?');
    for await (const _event of stream) {
      // drained
    }
    const result = await stream.result;
    expect(result.text).toBe('Refund issued.');
    expect(result.handoffs).toEqual(['billing']);
    expect(
      fake.requests.filter((request) => request.method === 'streamGenerateContent'),
    ).toHaveLength(4);
  });

  it('plays a turn again after a fault broke its answer, as an array script does', async () => {
    // Faults never use up a scripted turn; a broken stream or body still ran the script
    // function, and the route moved on: the retry got the route's second turn.
    const fake = createFakeGemini({
      script: routeByAgent([
        { match: 'You answer', script: [turn.text('first'), turn.text('second')] },
      ]),
      faults: [
        { fault: { type: 'connection-reset', afterChunks: 0 }, on: 0 },
        { fault: { type: 'truncated-stream', afterChunks: 0 }, on: 2 },
      ],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const gemini = createGemini({
      baseUrl: url,
      apiKey: 'test-key',
      retry: { initialDelayMs: 0, jitter: false },
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      instructions: 'You answer.',
    });
    expect((await agent.run('One?')).text).toBe('first');
    const stream = agent.stream('Two?');
    for await (const _event of stream) {
      // drained
    }
    expect((await stream.result).text).toBe('second');
    expect(fake.modelRequests.map((request) => request.fault)).toEqual([
      'connection-reset',
      undefined,
      'truncated-stream',
      undefined,
    ]);
  });

  it('fails a call no route matches with a message naming it', async () => {
    const fake = createFakeGemini({ script: routeByAgent([{ match: 'nobody', script: [] }]) });
    fakes.push(fake);
    const { url } = await fake.listen();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-3-flash-preview',
      instructions: 'Someone.',
    });
    await expect(agent.run('Hi')).rejects.toThrow(/routeByAgent: no route matches call 1/);
  });
});

describe('routeByAgent with an emoji instruction no route matches', () => {
  it('quotes the instruction cut at 80 characters, never inside an emoji', () => {
    const script = routeByAgent([{ match: 'nobody', script: [] }]);
    // 79 units of "x" then emoji: the 80-unit cut falls inside the first pair.
    const text = `${'x'.repeat(79)}${'😀'.repeat(10)}`;
    const request = { body: { systemInstruction: { parts: [{ text }] } } };
    let message = '';
    try {
      script(request as never, { callIndex: 0 } as never);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^routeByAgent: no route matches call 1 \(system instruction: "x{79}"\)$/,
    );
  });
});
