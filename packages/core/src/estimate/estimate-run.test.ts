import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { costOf } from '../pricing/cost-of.ts';
import { band, estimateRun, type RunSample } from './estimate-run.ts';

const MODEL = 'gemini-3-flash-preview';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function agentOnFake() {
  const fake = createFakeGemini({ script: [turn.text('OK')] });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  return {
    fake,
    agent: createAgent({ gemini, model: MODEL, instructions: 'You plan trips. '.repeat(50) }),
  };
}

const sample = (usd: number, tokens: number): RunSample => ({
  cost: { total: usd.toFixed(6) },
  usage: { totalTokenCount: tokens },
});

describe('estimateRun', () => {
  it('gives the percentiles of the recorded runs when there are enough, and says so', async () => {
    const { agent, fake } = await agentOnFake();
    const recordings = Array.from({ length: 21 }, (_, index) => sample(index / 100, index * 1000));
    const estimate = await estimateRun(agent, 'Plan a week in Lisbon.', { recordings });
    expect(estimate.source).toBe('recordings');
    expect(estimate.runs).toBe(21);
    expect(estimate.costUsd.p50).toBeCloseTo(0.1, 10);
    expect(estimate.costUsd.p10).toBeCloseTo(0.02, 10);
    expect(estimate.costUsd.p90).toBeCloseTo(0.18, 10);
    expect(estimate.tokens.p50).toBe(10_000);
    expect(estimate.assumption).toContain('21 recorded runs');
    // Nothing was sent: the recordings were enough.
    expect(fake.requests).toHaveLength(0);
  });

  it('counts the first request and prices it with a stated assumption when recordings are too few', async () => {
    const { agent, fake } = await agentOnFake();
    const estimate = await estimateRun(agent, 'Plan a week in Lisbon.', {
      recordings: [sample(0.01, 100), { cost: { total: null }, usage: { totalTokenCount: 5 } }],
      assumedSteps: { p10: 1, p50: 2, p90: 4 },
      assumedOutputTokensPerStep: 100,
    });
    expect(estimate.source).toBe('count-tokens');
    expect(estimate.runs).toBe(0);
    const counted = fake.requests.filter((request) => request.method === 'countTokens');
    expect(counted).toHaveLength(1);
    // The instructions were counted with the input.
    const prompt = Number(/\((\d+) tokens\)/.exec(estimate.assumption)?.[1]);
    expect(prompt).toBeGreaterThan(100);
    // Two steps: the first request twice, plus the first step's answer and its tool results.
    const usage = {
      promptTokenCount: 2 * prompt + 200,
      candidatesTokenCount: 200,
      totalTokenCount: 2 * prompt + 400,
    };
    expect(estimate.tokens.p50).toBe(usage.totalTokenCount);
    expect(estimate.costUsd.p50).toBeCloseTo(Number(costOf(usage, MODEL).total), 12);
    expect(estimate.costUsd.p10).toBeLessThan(estimate.costUsd.p50);
    expect(estimate.costUsd.p50).toBeLessThan(estimate.costUsd.p90);
    expect(estimate.assumption).toContain('1 priced recorded runs (fewer than 20)');
    expect(estimate.assumption).toContain('1, 2 and 4 steps');
  });

  it('refuses a bad option with a typed error naming it', async () => {
    const { agent } = await agentOnFake();
    await expect(estimateRun(agent, 'Hi', { minRuns: -1 })).rejects.toSatisfy(
      (error: unknown) =>
        InvalidArgumentError.isInstance(error) && error.argument === 'estimateRun.minRuns',
    );
  });

  it('interpolates percentiles between ranks', () => {
    expect(band([5])).toEqual({ p10: 5, p50: 5, p90: 5 });
    expect(band([0, 10])).toEqual({ p10: 1, p50: 5, p90: 9 });
  });
});
