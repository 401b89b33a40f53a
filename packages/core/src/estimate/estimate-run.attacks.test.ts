import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { estimateRun } from './estimate-run.ts';

// attack62e: estimateRun's assumptions as a careless caller writes them. A run of 2.5 steps on
// average, or 333.3 tokens a step, made a fraction of a token, which no price applies to: the
// band's dollars came back NaN (printed as null), and `reserveBudget({ usd: () => p90 })` then
// refused the run naming nothing of why. A band upside down (p10 over p90) was returned as given,
// and 1e200 steps gave Infinity tokens.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function agentOn(model: string) {
  const fake = createFakeGemini({ models: [model], script: [turn.text('OK')] });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  return createAgent({ gemini, model, instructions: 'You plan trips. '.repeat(50) });
}

const finite = (band: { p10: number; p50: number; p90: number }) =>
  [band.p10, band.p50, band.p90].every((value) => Number.isFinite(value));

describe('estimateRun attacked with odd assumptions', () => {
  it('prices a fractional number of steps or tokens a step, rounded up to whole tokens', async () => {
    const agent = await agentOn('gemini-2.5-flash');
    for (const options of [
      { assumedSteps: { p10: 1, p50: 2.5, p90: 6 } },
      { assumedOutputTokensPerStep: 333.3 },
    ]) {
      const estimate = await estimateRun(agent, 'Plan a week in Lisbon.', options);
      expect(finite(estimate.costUsd)).toBe(true);
      expect(estimate.costUsd.p50).toBeGreaterThan(0);
      for (const tokens of [estimate.tokens.p10, estimate.tokens.p50, estimate.tokens.p90]) {
        expect(Number.isSafeInteger(tokens)).toBe(true);
      }
    }
    // Rounded up, never down: 2.5 steps cost more than 2.
    const two = await estimateRun(agent, 'Plan a week in Lisbon.', {
      assumedSteps: { p10: 1, p50: 2, p90: 6 },
    });
    const twoAndHalf = await estimateRun(agent, 'Plan a week in Lisbon.', {
      assumedSteps: { p10: 1, p50: 2.5, p90: 6 },
    });
    expect(twoAndHalf.costUsd.p50).toBeGreaterThan(two.costUsd.p50);
    expect(twoAndHalf.tokens.p50).toBeGreaterThan(two.tokens.p50);
  });

  it('refuses a band upside down, naming it', async () => {
    const agent = await agentOn('gemini-2.5-flash');
    const error = await estimateRun(agent, 'Hi', {
      assumedSteps: { p10: 6, p50: 2, p90: 1 },
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'estimateRun.assumedSteps' });
    expect((error as Error).message).toMatch(/p10 <= p50 <= p90/);
  });

  it('refuses assumptions past what can be counted, naming them', async () => {
    const agent = await agentOn('gemini-2.5-flash');
    for (const options of [
      { assumedSteps: { p10: 1, p50: 2, p90: 1e200 } },
      { assumedOutputTokensPerStep: 1e300 },
    ]) {
      const error = await estimateRun(agent, 'Hi', options).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/too large/);
    }
  });

  it('says in its assumption when the model has no price, the dollars NaN', async () => {
    const agent = await agentOn('my-gateway-alias');
    const estimate = await estimateRun(agent, 'Hi');
    expect(estimate.costUsd.p50).toBeNaN();
    expect(estimate.tokens.p50).toBeGreaterThan(0);
    expect(estimate.assumption).toMatch(/no price for my-gateway-alias/);
    expect(estimate.assumption).toMatch(/prices option/);
  });
});
