// README: quick start. Kept verbatim here so it is typechecked and run by the tests (against a
// local fake through GEMINI_BASE_URL); with GEMINI_API_KEY set it calls Gemini.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, temperatureC: 18, conditions: 'sunny' }),
});

const agent = createAgent({
  gemini: createGemini(), // GEMINI_API_KEY (or GOOGLE_API_KEY), GEMINI_BASE_URL
  model: 'gemini-3-flash-preview',
  tools: [getWeather],
});

const result = await agent.run('What is the weather in Paris?');
console.log(result.text);
