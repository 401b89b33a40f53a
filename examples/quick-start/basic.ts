// Quick start: one tool, one question, one answer.
//
//   node scripts/run-example.mjs quick-start
//
// With GEMINI_API_KEY set (environment or examples/.env) it asks Gemini; without, gemloop's
// built-in fake Gemini plays the model offline.

import { createAgent, defineTool } from '@gemloop/core';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

// A tool is a name, a description the model reads, a zod schema for its arguments, and a function.
// `execute` gets typed, validated arguments: here `{ city: string; unit: 'celsius' | 'fahrenheit' }`.
const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current temperature for a city.',
  parameters: z.object({
    city: z.string().describe('City name, e.g. "Paris"'),
    unit: z.enum(['celsius', 'fahrenheit']).default('celsius'),
  }),
  execute: async ({ city, unit }) => {
    // A stand-in: a real tool would call a weather service here (see examples/demo/open-meteo.ts).
    const celsius = city.toLowerCase().startsWith('paris') ? 18 : 21;
    const temperature = unit === 'celsius' ? celsius : (celsius * 9) / 5 + 32;
    return { city, temperature, unit, note: 'example data, not a live reading' };
  },
});

await run(async ({ gemini, model }) => {
  // `gemini` is createGemini() with your key (or the offline fake); see lib/connect.ts.
  const agent = createAgent({ gemini, model, tools: [getWeather] });

  const result = await agent.run('What is the temperature in Paris?');

  // What the model called, with the arguments it chose and what the tool returned:
  for (const step of result.steps) {
    for (const call of step.toolCalls) {
      console.log(
        `${call.toolName}(${JSON.stringify(call.args)}) -> ${JSON.stringify(call.output)}`,
      );
    }
  }
  console.log(`\n${shownAnswer(result.text)}`);
  console.log(`\n(${result.steps.length} model calls, ${result.usage.totalTokenCount} tokens)`);
});
