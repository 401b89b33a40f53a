// Guide "Streaming a run to a browser": the agent every server below streams.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, temperatureC: 18, conditions: 'sunny' }),
});

export const agent = createAgent({
  gemini: createGemini(), // GEMINI_API_KEY, GEMINI_BASE_URL
  model: 'gemini-3-flash-preview',
  tools: [getWeather],
});
