// README: "Context caching". A long document every run starts with is cached once, with the
// instructions and tools, and reused by every run of the agent.
import { createAgent, createGemini } from '@gemloop/core';

const handbook = 'Hotels above 500 EUR a night need the approval of a team lead. '.repeat(300);

const agent = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview',
  instructions: 'Answer from the travel handbook.',
  cache: { ttlSeconds: 900, contents: handbook }, // or cache: true for the instructions and tools
});

for (const question of ['Who approves a 700 EUR hotel?', 'And a 400 EUR one?']) {
  const result = await agent.run(question);
  console.log(result.cache?.status, result.cache?.savedInputTokens);
}
await agent.close(); // deletes the cache
