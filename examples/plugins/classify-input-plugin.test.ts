import { type AgentEvent, createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyInput } from './classify-input-plugin.ts';

// A third party's side model call (`run.generate`), public imports only (issue 53: the built-in
// compaction's summary goes through the same method): it goes through the agent's client with the
// model asked for, is billed to the run, and is no step of it; streamed and unary.

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

describe('a side model call of a plugin (run.generate)', () => {
  it.each(['run', 'stream'] as const)(
    'goes through the agent’s client, is billed to the run and is no step (%s)',
    async (mode) => {
      const { fake, gemini } = await serve([turn.text('Billing'), turn.text('Refund issued.')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        plugins: [classifyInput({ labels: ['billing', 'support'], model: 'gemini-2.5-flash' })],
      });
      const events: AgentEvent<unknown>[] = [];
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (mode === 'run') result = await agent.run('I want my money back.');
      else {
        const stream = agent.stream('I want my money back.');
        for await (const event of stream) events.push(event);
        result = await stream.result;
      }
      expect(result.text).toBe('Refund issued.');
      // The side call went first, unary, to the model it asked for, with the agent's key.
      const [side, step] = fake.requests;
      expect(side?.method).toBe('generateContent');
      expect(side?.model).toBe('gemini-2.5-flash');
      expect(JSON.stringify(side?.body)).toContain('I want my money back.');
      expect(JSON.stringify(side?.body)).toContain('one of: billing, support');
      expect(step?.model).toBe('gemini-3-flash-preview');
      // No step of the run: one step, and the history holds the user's turn and the answer only.
      expect(result.steps).toHaveLength(1);
      expect(result.contents).toHaveLength(2);
      // Billed to the run: its usage is the step's and the side call's.
      const stepTokens = result.steps[0]?.usage.totalTokenCount ?? 0;
      expect(result.usage.totalTokenCount).toBeGreaterThan(stepTokens);
      if (mode === 'stream') {
        const classified = events.flatMap((event) =>
          event.type === 'plugin' && event.kind === 'classified' ? [event.data] : [],
        );
        expect(classified).toEqual([
          { label: 'billing', tokens: result.usage.totalTokenCount - stepTokens },
        ]);
      }
    },
  );

  it('is refused with a typed error for a request that is not one (the hook’s PluginError)', async () => {
    const { gemini } = await serve([turn.text('Hi.')]);
    const { definePlugin, PluginError } = await import('@gemloop/core/plugins');
    const sloppy = definePlugin({
      name: 'sloppy',
      beforeModelCall: async (_call, run) => {
        await run.generate('Summarize.' as never);
      },
    });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', plugins: [sloppy] });
    const error = await agent.run('Hi.').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('run.generate() (plugin "sloppy") takes a request');
  });
});
