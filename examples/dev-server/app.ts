// Develop offline against `gemloop fake`: an ordinary app, no test-only code path, pointed at
// the development server by two environment variables.
//
//   terminal 1:  npx gemloop fake                  (prints the line for terminal 2)
//   terminal 2:  GEMINI_BASE_URL=http://127.0.0.1:4320 GEMINI_API_KEY=fake \
//                  pnpm --filter @gemloop/examples run dev-server
//
// `gemloop fake` serves @gemloop/testing's fake Gemini with the demo model (an offline simulator:
// it calls the tools it is given with arguments that fit their schemas and answers from their
// results), and logs one line per request. Unset the two variables and set a real key to run the
// same app against Gemini.

import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';

if (!process.env['GEMINI_BASE_URL']) {
  console.error(
    'Start the dev server first (npx gemloop fake), then run this with the line it prints:\n' +
      '  GEMINI_BASE_URL=http://127.0.0.1:4320 GEMINI_API_KEY=fake',
  );
  process.exit(1);
}

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string().describe('City name, e.g. "Paris"') }),
  execute: async ({ city }) => ({
    city,
    temperatureC: city === 'Paris' ? 18 : 24,
    conditions: 'sunny',
  }),
});

// createGemini() reads GEMINI_API_KEY and GEMINI_BASE_URL.
const agent = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview',
  tools: [getWeather],
});

const stream = agent.stream('What is the weather in Paris and Tokyo?');
for await (const event of stream) {
  if (event.type === 'tool-call')
    console.log(`tool call: ${event.toolName}(${JSON.stringify(event.args)})`);
  if (event.type === 'text-delta') process.stdout.write(event.text);
}
const result = await stream.result;
console.log(`\n(${result.steps.length} model calls, ${result.usage.totalTokenCount} tokens)`);
