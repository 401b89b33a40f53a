import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createBudgetPool } from './budget-pool.ts';
import { reserveBudget } from './reserve-budget.ts';

// Attack (attack-core9): a shared budget used with a model gemloop has no price for (a gateway's
// alias, a tuned model, `models/...-001`). Its steps' costs are unknown; counted as none, every
// run of the pool spent nothing, and the pool's budget bounded nothing at all.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city }),
});

async function agentOn(model: string, usd: number, prices?: never) {
  const fake = createFakeGemini({
    models: ['my-gateway-alias', 'gemini-2.5-flash-001', 'gemini-3-flash-preview'],
    script: [
      turn.call('lookup', { city: 'Paris' }),
      turn.call('lookup', { city: 'Oslo' }),
      turn.call('lookup', { city: 'Rome' }),
      turn.text('Done.'),
    ],
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  const pool = createBudgetPool({ name: 'team', maxCostUsd: 1 });
  const agent = createAgent({
    gemini,
    model,
    tools: [lookup],
    ...(prices === undefined ? {} : { prices }),
    plugins: [reserveBudget({ pool, usd })],
  });
  return { agent, pool, fake };
}

describe('reserveBudget attacked with costs it cannot know', () => {
  for (const model of ['my-gateway-alias', 'models/gemini-2.5-flash-001']) {
    it(`stops a run on ${model} (no price) after its first step and settles the whole hold`, async () => {
      const { agent, pool, fake } = await agentOn(model, 0.25);
      const result = await agent.run('Weather?');
      expect(result.steps[0]?.cost.unknown).toBeDefined();
      // An unknown cost counts as over, as the agent's own maxCostUsd counts it.
      expect(result.finishReason).toBe('plugin');
      expect(result.steps).toHaveLength(1);
      expect(result.stoppedBy?.reason).toMatch(/unknown/);
      expect(fake.modelRequests).toHaveLength(1);
      // The pool is charged what was held, never $0 for a run that spent an unknown amount.
      expect(await pool.read()).toEqual({ spentUsd: 0.25, reservedUsd: 0, maxCostUsd: 1 });
    });
  }

  it('charges the pool with what the prices function made unusable (NaN) as the hold', async () => {
    const prices = (() => ({
      input: Number.NaN,
      output: '1',
      source: 'x',
      checked: '2026-11-27',
    })) as never;
    const { agent, pool } = await agentOn('gemini-3-flash-preview', 0.5, prices);
    const result = await agent.run('Weather?');
    expect(result.steps[0]?.cost.unknown).toMatch(/not usable/);
    expect(result.steps).toHaveLength(1);
    expect((await pool.read()).spentUsd).toBe(0.5);
  });
});
