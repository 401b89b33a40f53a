// README: testing an agent offline with the fake Gemini server.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { z } from 'zod';

const getWeather = defineTool({
  name: 'get_weather',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperatureC: 18 }),
});

const fake = createFakeGemini({
  script: [
    turn.calls([{ name: 'get_weather', args: { city: 'Paris' } }]),
    turn.text('18 °C in Paris.'),
  ],
});
try {
  const { url } = await fake.listen();
  const agent = createAgent({
    gemini: createGemini({ baseUrl: url, apiKey: 'test-key' }),
    model: 'gemini-3-flash-preview',
    tools: [getWeather],
  });

  const result = await agent.run('Weather in Paris?');
  console.log(result.text, result.steps[0]?.toolCalls[0]?.output, fake.modelRequests.length);
} finally {
  await fake.close(); // `await using fake = ...` does this on Node 24+, not on Node 20
}
