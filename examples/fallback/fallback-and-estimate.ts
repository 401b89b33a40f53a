// Loops that don't waste: a run whose model is overloaded goes on on another model (its history
// kept valid across the switch), and a run's cost is estimated, and reserved from a shared budget,
// before it starts.
//
//   node scripts/run-example.mjs fallback
//
// Offline (no GEMINI_API_KEY), gemloop's fake Gemini plays both models and answers 503
// "overloaded" to every call to the first one from its third call on; the fake refuses a thought
// signature sent to a model that did not make it, as the API does. Live, the fallback happens
// only if your model is really overloaded.

import { createAgent, defineTool } from '@gemloop/core';
import { createBudgetPool, reserveBudget } from '@gemloop/core/budget';
import { estimateRun } from '@gemloop/core/estimate';
import { modelFallback } from '@gemloop/core/fallback';
import { turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

const SECOND_MODEL = 'gemini-3-pro-preview';

const lookup = defineTool({
  name: 'lookup',
  description: 'The temperature in a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: 21, note: 'example data' }),
});

await run(
  async ({ gemini, model }) => {
    // 1. Fallback: the same step goes to the next model; the run goes on there.
    const agent = createAgent({
      gemini,
      model,
      tools: [lookup],
      plugins: [modelFallback({ models: [SECOND_MODEL] })],
    });
    const stream = agent.stream('Temperatures in Paris, Oslo and Rome?');
    for await (const event of stream) {
      if (event.type === 'plugin' && event.kind === 'fallback') {
        const { from, to, reason } = event.data as { from: string; to: string; reason: string };
        console.log(`step ${event.stepNumber}: ${from} failed (${reason}), sent to ${to}`);
      }
    }
    const result = await stream.result;
    for (const step of result.steps) {
      console.log(`step ${step.stepNumber}: ${step.model ?? model}, $${step.cost.total}`);
    }
    console.log(`answer: ${shownAnswer(result.text)}`);

    // 2. Before a run: what it will cost (no recordings here, so countTokens and an assumption).
    const estimate = await estimateRun(agent, 'Temperatures in Paris, Oslo and Rome?');
    console.log(
      `estimate (${estimate.source}): p50 $${estimate.costUsd.p50.toFixed(6)}, p90 $${estimate.costUsd.p90.toFixed(6)}`,
    );
    console.log(`assumes: ${estimate.assumption}`);

    // 3. A shared budget: each run holds its p90 before its first call; what does not fit waits.
    const pool = createBudgetPool({ name: 'team', maxCostUsd: estimate.costUsd.p90 * 2.5 });
    const reserved = createAgent({
      gemini,
      model: SECOND_MODEL,
      plugins: [reserveBudget({ pool, usd: estimate.costUsd.p90 })],
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => reserved.run('Say hi.')));
    const started = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    const { spentUsd, reservedUsd } = await pool.read();
    console.log(
      `budget: ${started} of 3 runs started, spent $${spentUsd.toFixed(6)}, still held $${reservedUsd.toFixed(6)}`,
    );
  },
  {
    script: [
      turn.call('lookup', { city: 'Paris' }),
      turn.call('lookup', { city: 'Oslo' }),
      turn.call('lookup', { city: 'Rome' }),
      turn.text('Paris, Oslo and Rome: 21 °C each.'),
      turn.text('Hi!'),
      turn.text('Hi!'),
    ],
    fakeOptions: {
      faults: [
        {
          fault: { type: 'overloaded' },
          on: ({ model, callIndex }) => model === 'gemini-3-flash-preview' && callIndex >= 2,
        },
      ],
    },
  },
);
