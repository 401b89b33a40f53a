// Develop offline against `gemloop fake`: an ordinary app, no test-only code path, pointed at
// the development server by two environment variables.
//
//   terminal 1:  npx gemloop fake                  (prints the line for terminal 2)
//   terminal 2:  GEMINI_BASE_URL=http://127.0.0.1:4320 GEMINI_API_KEY=fake \
//                  node scripts/run-example.mjs dev-server      (from the repository root)
//
// `gemloop fake` serves @gemloop/testing's fake Gemini with the demo model (an offline simulator:
// it calls the tools it is given with arguments that fit their schemas and answers from their
// results), and logs one line per request. Unset the two variables and set a real key to run the
// same app against Gemini.

import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';
import { runScript } from '../lib/run.ts';
import { shownText } from '../lib/trace-printer.ts';

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

// runScript prints a mistake (no key, the dev server not running) as a message that says what to
// do, not as a stack trace, and exits with 1.
await runScript(async () => {
  // Neither the dev server nor a real key: say how to start the dev server. With a real key and
  // no GEMINI_BASE_URL, the same app calls Gemini.
  const { GEMINI_BASE_URL, GEMINI_API_KEY, GOOGLE_API_KEY } = process.env;
  if (!GEMINI_BASE_URL && !GEMINI_API_KEY && !GOOGLE_API_KEY) {
    console.error(
      'Start the dev server first (npx gemloop fake), then run this with the line it prints:\n' +
        '  GEMINI_BASE_URL=http://127.0.0.1:4320 GEMINI_API_KEY=fake',
    );
    process.exitCode = 1;
    return;
  }

  // createGemini() reads GEMINI_API_KEY and GEMINI_BASE_URL.
  const agent = createAgent({
    gemini: createGemini(),
    model: 'gemini-3-flash-preview',
    tools: [getWeather],
  });

  const stream = agent.stream('What is the weather in Paris and Tokyo?');
  for await (const event of stream) {
    if (event.type === 'tool-call')
      console.log(
        `tool call: ${shownText(event.toolName)}(${shownText(JSON.stringify(event.args))})`,
      );
    if (event.type === 'text-delta') process.stdout.write(event.text);
  }
  const result = await stream.result;
  console.log(`\n(${result.steps.length} model calls, ${result.usage.totalTokenCount} tokens)`);
});
