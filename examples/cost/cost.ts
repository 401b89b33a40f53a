// Cost in dollars: what each step and the run cost, prices of your own (a gateway's) or a pricer
// of your own, a cost budget on a run, on a chat session, and on a tree of agents (subagents
// count into the top run's).
//
//   node scripts/run-example.mjs cost
//
// With GEMINI_API_KEY set (environment or examples/.env) it asks Gemini; without, gemloop's
// built-in fake Gemini plays the model offline (its token counts are estimates; the prices are
// gemloop's table, read from ai.google.dev/gemini-api/docs/pricing).

import { createAgent, createChatSession, defineTool } from '@gemloop/core';
import { costAbove } from '@gemloop/core/agent';
import { subagent } from '@gemloop/core/composition';
import { AgentAbortedError, ChatBudgetExceededError, TreeBudgetError } from '@gemloop/core/errors';
import { type Cost, type Pricer, priceOf } from '@gemloop/core/models';
import { z } from 'zod';
import { run } from '../lib/run.ts';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current temperature for a city.',
  parameters: z.object({ city: z.string().describe('City name, e.g. "Paris"') }),
  execute: ({ city }) => ({ city, celsius: 18, note: 'example data, not a live reading' }),
});

/** `$0.000123`, or why it is unknown. Amounts are exact decimal strings, never floats. */
function dollars(cost: Cost): string {
  return cost.total === null ? `unknown (${cost.unknown})` : `$${cost.total}`;
}

await run(async ({ gemini, model }) => {
  const price = priceOf(model);
  console.log(
    price === undefined
      ? `${model}: no price in gemloop's table (costs will be unknown; pass prices).`
      : `${model}: $${price.input} in / $${price.output} out per 1M tokens (${price.checked}).`,
  );

  // 1. Each step's cost and the run's, at the tier that served each call.
  const agent = createAgent({ gemini, model, tools: [getWeather] });
  const result = await agent.run('What is the temperature in Paris?');
  for (const step of result.steps) {
    console.log(
      `step ${step.stepNumber}: ${step.usage.totalTokenCount} tokens, ${dollars(step.cost)}`,
    );
  }
  console.log(
    `run: ${dollars(result.cost)} (output ${result.cost.output}, thinking ${result.cost.thinking})`,
  );

  // 2. Prices of your own: a gateway that bills $0.10 / $0.40 per 1M tokens for every model.
  const gateway = createAgent({
    gemini,
    model,
    prices: () => ({ input: '0.10', output: '0.40', source: 'my gateway', checked: '2026-11-23' }),
  });
  console.log(`at gateway prices: ${dollars((await gateway.run('Say hi.')).cost)}`);

  // 2b. A pricer of your own replaces gemloop's `pricing` plugin (agent.plugins lists it): here a
  // gateway that bills a flat $0.0001 a model call, whatever the tokens, which no price table says.
  const perCall: Pricer = {
    name: 'per-call',
    price: () => ({
      currency: 'USD',
      total: '0.0001',
      input: '0.0001',
      cachedInput: '0',
      output: '0',
      thinking: '0',
    }),
  };
  const flat = createAgent({ gemini, model, tools: [getWeather], prices: perCall });
  const flatResult = await flat.run('What is the temperature in Paris?');
  console.log(
    `per-call pricer (${flat.plugins?.map((plugin) => plugin.name).join(', ')}): ${flatResult.steps.length} calls, ${dollars(flatResult.cost)}`,
  );

  // 3. A budget: the run stops after the step that goes over it...
  const capped = await agent.run('What is the temperature in Paris?', {
    stopWhen: costAbove(0.000001),
  });
  console.log(`budget $0.000001: ${capped.finishReason} after ${capped.steps.length} step(s)`);

  // ...and a chat session refuses to send once its budget is spent.
  const chat = createChatSession({ agent, budget: { maxCostUsd: 0.000001 } });
  const first = await chat.send('Hello!');
  console.log(`chat turn 1: ${dollars(first.cost)}, session ${dollars(chat.cost)}`);
  try {
    await chat.send('And again?');
  } catch (error) {
    if (!ChatBudgetExceededError.isInstance(error)) throw error;
    console.log(`chat turn 2 refused: ${error.message}`);
  }

  // 4. A budget over a tree of agents: every model call of the run and of its subagents counts
  // into one total, and the run about to call the model past it fails with a TreeBudgetError.
  const lead = createAgent({
    gemini,
    model,
    tools: [subagent(agent, { name: 'weather_desk', description: 'Answers weather questions.' })],
  });
  try {
    await lead.run('Ask the weather desk about Paris.', { budget: { maxCostUsd: '0.000001' } });
  } catch (error) {
    if (!TreeBudgetError.isInstance(error)) throw error;
    const where = error.path.length === 0 ? 'the top run' : error.path.join(' > ');
    console.log(
      `tree budget $0.000001: ${where} stopped (${error.limit}), tree spent ${dollars(error.cost)}`,
    );
  }

  // 5. Spent is spent: a subagent stopped midway (here the user presses stop while it looks the
  // weather up) still counts what its model calls cost, in the call, the step and the error's run.
  const stop = new AbortController();
  const stoppedDesk = createAgent({
    gemini,
    model,
    tools: [
      defineTool({
        name: 'get_weather',
        description: 'Current temperature for a city.',
        parameters: z.object({ city: z.string() }),
        execute: ({ city }, { signal }) => {
          stop.abort(new Error('the user pressed stop'));
          signal.throwIfAborted();
          return { city, celsius: 18 };
        },
      }),
    ],
  });
  const impatient = createAgent({
    gemini,
    model,
    tools: [subagent(stoppedDesk, { name: 'weather_desk', description: 'Answers weather.' })],
  });
  try {
    await impatient.run('Ask the weather desk about Paris.', { signal: stop.signal });
  } catch (error) {
    if (!AgentAbortedError.isInstance(error)) throw error;
    const call = error.run.steps[0]?.toolCalls[0];
    console.log(
      `stopped: the desk's call ${call?.outcome}, it had spent ${call?.usage?.totalTokenCount} tokens (${call?.cost === undefined ? 'no cost' : dollars(call.cost)}), the run ${error.run.usage.totalTokenCount} tokens (${dollars(error.run.cost)})`,
    );
  }
});
