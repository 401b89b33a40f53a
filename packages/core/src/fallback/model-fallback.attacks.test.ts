import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { modelFallback } from './model-fallback.ts';

// Attack (attack-core9): fallback chains a user writes wrong, and a fallback model that cannot
// take the agent's options.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('modelFallback attacked', () => {
  // attack26: a trigger JSON cannot write (a BigInt) threw JSON.stringify's bare TypeError, and a
  // 1 MB one was quoted whole into the message.
  for (const [name, trigger] of [
    ['a BigInt', 10n],
    ['a Symbol', Symbol('rate-limit')],
    ['1 MB of text', 'x'.repeat(1_000_000)],
  ] as const) {
    it(`refuses an \`on\` trigger that is ${name} with an InvalidArgumentError of bounded length`, () => {
      let caught: unknown;
      try {
        modelFallback({ models: ['gemini-3-pro-preview'], on: [trigger as never] });
      } catch (error) {
        caught = error;
      }
      expect(InvalidArgumentError.isInstance(caught)).toBe(true);
      expect((caught as InvalidArgumentError).argument).toBe('modelFallback.on');
      expect((caught as Error).message.length).toBeLessThan(500);
    });
  }

  it('refuses one model listed twice in two spellings', () => {
    expect(() =>
      modelFallback({ models: ['gemini-3-pro-preview', 'models/gemini-3-pro-preview'] }),
    ).toThrow(InvalidArgumentError);
  });

  it('a fallback model that refuses the agent thinking option: the step is sent with the level that model takes', async () => {
    const fake = createFakeGemini({
      script: () => turn.text('ok'),
      faults: [
        { fault: { type: 'overloaded' }, on: ({ model }) => model === 'gemini-3-flash-preview' },
      ],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      thinking: 'minimal',
      plugins: [modelFallback({ models: ['gemini-3-pro-preview'] })],
    });
    const outcome = await agent.run('Hi').then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    // Held: each model's request is resolved for that model ('minimal' is not a level 3 Pro takes;
    // it gets its lowest, LOW), so the step completes on the fallback instead of a 400 there.
    expect('result' in outcome).toBe(true);
    const { result } = outcome as { result: Awaited<ReturnType<typeof agent.run>> };
    expect(result.text).toBe('ok');
    expect(result.steps[0]?.model).toBe('gemini-3-pro-preview');
    expect(
      fake.modelRequests.map((request) => [
        request.model,
        (request.body as { generationConfig?: { thinkingConfig?: unknown } }).generationConfig
          ?.thinkingConfig,
      ]),
    ).toEqual([
      ['gemini-3-flash-preview', { thinkingLevel: 'MINIMAL' }],
      ['gemini-3-pro-preview', { thinkingLevel: 'LOW' }],
    ]);
  });
});
