// Guide "Migrating from the AI SDK": the gemloop side of each comparison.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';

// The provider and a tool
const gemini = createGemini(); // GEMINI_API_KEY (the AI SDK reads GOOGLE_GENERATIVE_AI_API_KEY)

const getWeather = defineTool({
  name: 'get_weather', // AI SDK: the key in the tools object
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }), // AI SDK: inputSchema
  execute: async ({ city }) => ({ city, temperatureC: 18 }),
});

// generateText with tools and a step limit
const agent = createAgent({
  gemini,
  model: 'gemini-3-flash-preview',
  instructions: 'You are a concise weather assistant.', // AI SDK: system
  tools: [getWeather],
  maxSteps: 5, // AI SDK: stopWhen: stepCountIs(5); default 10
});
const result = await agent.run('What is the weather in Paris?');
console.log(result.text, result.usage.totalTokenCount);

// streamText
const stream = agent.stream('And in Tokyo?');
for await (const event of stream) {
  if (event.type === 'text-delta') process.stdout.write(event.text); // AI SDK: textStream
}
const { finishReason } = await stream.result;
console.log(`\n${finishReason}`);

// generateObject / Output.object
const extractor = createAgent({
  gemini,
  model: 'gemini-3-flash-preview',
  output: z.object({ name: z.string(), email: z.string() }),
});
const { output } = await extractor.run('Ada Lovelace, ada@example.com');
console.log(output?.name);

// messages: a conversation you keep yourself
const first = await agent.run('Hi, I am Ada.');
const second = await agent.run([
  ...first.contents,
  { role: 'user', parts: [{ text: 'What is my name?' }] },
]);
console.log(second.text);
