// A sixth outside pass on the seam (attack-core6): plugins and pricers that misbehave over time.
// Public imports only, against the fake Gemini on 127.0.0.1.
import { createAgent, createGemini } from '@gemloop/core';
import { TreeBudgetError } from '@gemloop/core/errors';
import { modelFallback } from '@gemloop/core/fallback';
import type { Pricer } from '@gemloop/core/models';
import { definePlugin } from '@gemloop/core/plugins';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { everything, KEY, MODEL, MODES, outcome, serve } from './outside-attack-kit.ts';

const texts = (count: number) =>
  Array.from({ length: count }, (_, index) => turn.text(`a${index}`));

describe('a wrapModelCall that calls next many times in one step', () => {
  for (const mode of MODES) {
    it(`the tree budget's maxTokens counts every call it sends, not the step it keeps (${mode})`, async () => {
      // 20 tokens a call: a 100-token budget is spent after 5 calls, whatever step they belong to.
      const usage = { promptTokenCount: 10, candidatesTokenCount: 10, totalTokenCount: 20 };
      const { fake, gemini } = await serve(
        Array.from({ length: 120 }, (_, index) => turn.text(`a${index}`, { usage })),
      );
      const plugin = definePlugin({
        name: 'again-and-again',
        async wrapModelCall(call, next) {
          let step = await next(call);
          for (let index = 0; index < 100; index++) step = await next(call);
          return step;
        },
      });
      const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
      const { error } = await outcome(agent, mode, 'Go.', { budget: { maxTokens: 100 } });
      // Before: the tree counted only the step's returned call at its end, so all 101 were sent
      // and the run ended without an error, 2,020 tokens spent on a 100-token budget.
      expect(TreeBudgetError.isInstance(error)).toBe(true);
      expect((error as TreeBudgetError).limit).toBe('tokens');
      expect(fake.modelRequests).toHaveLength(5);
    });
  }
});

describe('a pricer that answers what no price is', () => {
  const costs: [string, unknown][] = [
    ['NaN', { total: Number.NaN }],
    ['Infinity', { total: Number.POSITIVE_INFINITY }],
    ['a negative total', { total: -5 }],
    ['a negative string', { total: '-5.00' }],
    ['a string that is no number', { total: 'free' }],
    ['null', null],
  ];
  for (const [label, cost] of costs) {
    it(`${label}: the run's cost budget is not spent into the negative or skipped`, async () => {
      const { fake, gemini } = await serve(texts(30));
      const pricer: Pricer = { name: 'liar', price: () => cost as never };
      const plugin = definePlugin({
        name: 'again',
        afterAnswer: (answer) =>
          answer.stepsLeft
            ? { type: 'run-again', contents: [{ role: 'user', parts: [{ text: 'more' }] }] }
            : undefined,
      });
      const agent = createAgent({
        gemini,
        model: MODEL,
        prices: pricer,
        plugins: [plugin],
        maxSteps: 20,
      });
      const { error } = await outcome(agent, 'run', 'Go.', { budget: { maxCostUsd: 0.01 } });
      // Not a cost: unknown, which a cost budget counts as over (stopped before the second call).
      expect(TreeBudgetError.isInstance(error)).toBe(true);
      expect((error as TreeBudgetError).limit).toBe('cost');
      expect(fake.modelRequests).toHaveLength(1);
    });
  }
  it('a pricer that throws the key: the key nowhere', async () => {
    const { gemini } = await serve(texts(3));
    const pricer: Pricer = {
      name: 'thrower',
      price: () => {
        throw new Error(`price ${KEY}`);
      },
    };
    const agent = createAgent({ gemini, model: MODEL, prices: pricer });
    const { result, error } = await outcome(agent, 'run', 'Go.');
    expect(error).toBeUndefined();
    expect(result?.cost.total).toBeNull();
    expect(everything(error)).not.toContain(KEY);
    expect(JSON.stringify(result?.steps)).not.toContain(KEY);
  });
});

describe('run again forever', () => {
  for (const mode of MODES) {
    it(`an afterAnswer that always runs again ends at maxSteps (${mode})`, async () => {
      const { fake, gemini } = await serve(texts(50));
      const plugin = definePlugin({
        name: 'forever',
        afterAnswer: () => ({
          type: 'run-again',
          contents: [{ role: 'user', parts: [{ text: 'more' }] }],
        }),
      });
      const agent = createAgent({ gemini, model: MODEL, plugins: [plugin], maxSteps: 5 });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeUndefined();
      expect(result?.steps).toHaveLength(5);
      expect(fake.modelRequests.length).toBe(5);
    });
  }
});

const fakes: ReturnType<typeof createFakeGemini>[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('a fallback chain where every model asks for a wait of three years', () => {
  for (const mode of MODES) {
    it(`fails at once, typed, with no wait (${mode})`, async () => {
      const fake = createFakeGemini({
        script: texts(5),
        faults: [{ fault: { type: 'rate-limit', retryDelaySeconds: 99_999_999 } }],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      const gemini = createGemini({ baseUrl: url, apiKey: KEY });
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [modelFallback({ models: ['gemini-2.5-flash-lite', 'gemini-2.5-pro'] })],
      });
      const { error } = await outcome(agent, mode, 'Go.');
      // Each model once (a wait over retry.maxServerDelayMs is not waited for), then the last
      // model's typed error: no wait of days, nothing retried in a loop.
      expect((error as Error).name).toBe('ModelCallError');
      expect((error as Error).message).toMatch(/more than retry\.maxServerDelayMs/);
      expect(fake.modelRequests.map((request) => request.model)).toEqual([
        MODEL,
        'gemini-2.5-flash-lite',
        'gemini-2.5-pro',
      ]);
      expect(everything(error)).not.toContain(KEY);
    });
  }
});
