// Parallel tool calls: when the model asks for several calls in one turn, gemloop runs them at
// the same time (keeping their order in the history). Three slow lookups take about as long as one.
// `toolConcurrency` limits how many run at once (8 by default, `Infinity` for no limit); with 1
// they queue, and the difference shows.
//
//   node scripts/run-example.mjs parallel-tools

import { setTimeout as sleep } from 'node:timers/promises';
import { createAgent, defineTool } from '@gemloop/core';
import { z } from 'zod';
import { simulateWeather } from '../demo/simulated-weather.ts';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

const LOOKUP_MS = 300;

await run(async ({ gemini, model, style }) => {
  let started = 0;
  const at = () => `+${String(Math.round(performance.now() - started)).padStart(4)} ms`;

  const getWeather = defineTool({
    name: 'get_weather',
    description: 'Current weather for one city. Call it once per city.',
    parameters: z.object({ city: z.string().describe('City name, e.g. "Paris"') }),
    execute: async ({ city }, { signal }) => {
      console.log(style.dim(`  ${at()}  ${city}: lookup started`));
      // A slow weather service (simulated data, labelled as such in the result).
      await sleep(LOOKUP_MS, undefined, { signal });
      console.log(style.dim(`  ${at()}  ${city}: lookup finished`));
      return simulateWeather(city);
    },
  });

  const question = "What's the weather in Paris, Tokyo and Lima?";
  for (const toolConcurrency of [undefined, 1]) {
    const agent = createAgent({ gemini, model, tools: [getWeather], toolConcurrency });
    console.log(
      style.bold(
        toolConcurrency === 1
          ? '\nOne at a time (toolConcurrency: 1):'
          : '\nIn parallel (the default, up to 8 at once):',
      ),
    );
    started = performance.now();
    const result = await agent.run(question);
    const step = result.steps.find((candidate) => candidate.toolCalls.length > 0);
    if (step === undefined) {
      console.log(`The model called no tool. It said: ${shownAnswer(result.text)}`);
      continue;
    }
    const sum = step.toolCalls.reduce((total, call) => total + call.durationMs, 0);
    console.log(
      `  ${step.toolCalls.length} calls in one model turn: tools took ${step.toolsMs} ms (the calls add up to ${sum} ms)`,
    );
    if (toolConcurrency === 1) console.log(`\n${shownAnswer(result.text)}`);
  }
});
