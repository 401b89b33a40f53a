// Guide "Migrating from @google/genai": the gemloop side of each comparison.
import { createAgent, createChatSession, createGemini, defineTool } from '@gemloop/core';
import { createStreamAccumulator } from '@gemloop/core/streaming';
import { z } from 'zod';

// The client
const gemini = createGemini(); // GEMINI_API_KEY (or GOOGLE_API_KEY), GEMINI_BASE_URL

// One call: the request is the REST body, with `model` beside it
const response = await gemini.generateContent({
  model: 'gemini-3-flash-preview',
  contents: 'Say hello in French.',
  systemInstruction: 'Answer in one word.',
  generationConfig: { temperature: 0.2 },
});
const parts = response.candidates?.[0]?.content?.parts ?? [];
console.log(parts.map((part) => part.text ?? '').join(''));

// Streaming
const accumulator = createStreamAccumulator();
for await (const chunk of gemini.streamGenerateContent({
  model: 'gemini-3-flash-preview',
  contents: 'Count to five.',
})) {
  for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
    if (!part.thought) process.stdout.write(part.text ?? '');
  }
  accumulator.push(chunk);
}
const whole = accumulator.response(); // what generateContent would have returned
console.log('', whole.usageMetadata?.totalTokenCount);

// Function calling: the tool and the loop
const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, temperatureC: 18 }),
});
const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [getWeather] });
const result = await agent.run('What is the weather in Paris?');
console.log(result.text, result.steps.length);

// Structured output
const contact = await createAgent({
  gemini,
  model: 'gemini-3-flash-preview',
  output: z.object({ name: z.string(), email: z.string() }),
}).run('Ada Lovelace, ada@example.com');
console.log(contact.output?.email);

// Chat
const chat = createChatSession({ agent });
await chat.send('Hi, I am Ada.');
const reply = await chat.send('What is my name?');
console.log(reply.text);
