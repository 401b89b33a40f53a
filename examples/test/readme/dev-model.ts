import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { demoModel } from '@gemloop/testing/dev-model';
import { z } from 'zod';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperatureC: 18, conditions: 'sunny' }),
});

// No script to write: the dev model calls get_weather for Paris, then answers from its result.
const fake = createFakeGemini({ script: demoModel() });
try {
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'fake' });
  const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [getWeather] });
  console.log((await agent.run('What is the weather in Paris?')).text);
} finally {
  await fake.close();
}
