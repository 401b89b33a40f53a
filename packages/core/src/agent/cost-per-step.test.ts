import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../http/create-gemini.ts';
import { addCosts } from '../models/add-costs.ts';
import type { Cost } from '../models/cost.ts';
import * as usd from '../models/usd.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';

// Issue 27: each model call was priced as decimal strings of dollars that the run's running
// total then parsed back into pico-dollars (five parses a step, 1.5 KB of garbage and a few
// microseconds in the bench's seq5 loop). A step's cost is now added in pico-dollars: no string
// of dollars is parsed per step, and the sums stay exact. (core-isolated: it mocks usd.ts.)
vi.mock('../models/usd.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../models/usd.ts')>();
  return { ...actual, dollarsToPicos: vi.fn(actual.dollarsToPicos) };
});

const step = defineTool({
  name: 'step',
  description: 'One more step.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n }),
});

async function priceRun(steps: number, streaming: boolean) {
  const fake = createFakeGemini({
    script: [
      ...Array.from({ length: steps - 1 }, (_, index) => turn.call('step', { n: index })),
      turn.text('done'),
    ],
  });
  const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [step], maxSteps: steps });
  const parses = vi.mocked(usd.dollarsToPicos);
  parses.mockClear();
  const result = streaming ? await agent.stream('Take the steps.').result : await agent.run('Go.');
  expect(result.steps).toHaveLength(steps);
  return { parses: parses.mock.calls.length, result };
}

describe("a run adds its steps' costs in pico-dollars", () => {
  for (const streaming of [false, true]) {
    it(`parses no dollars per step, and the total is the exact sum of the steps (${streaming ? 'stream' : 'run'})`, async () => {
      const short = await priceRun(2, streaming);
      const long = await priceRun(20, streaming);
      expect(long.parses).toBe(short.parses);
      const steps: Cost[] = long.result.steps.map((each) => each.cost as Cost);
      expect(steps.every((cost) => cost.total !== null && cost.total !== '0')).toBe(true);
      const summed = steps.reduce((sum, cost) => addCosts(sum, cost));
      expect(long.result.cost).toEqual(summed);
    });
  }
});
