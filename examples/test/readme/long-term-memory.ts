// README: "Long-term memory". One agent for every user; each run gets the user's memoryPlugin,
// which recalls by meaning before the model calls and answers the memory tools in that user's
// scope; then what is remembered is listed and forgotten. Run against the fake.
import { createAgent, createGemini } from '@gemloop/core';
import {
  createInMemoryStore,
  createMemory,
  geminiEmbed,
  memoryPlugin,
  memoryTools,
} from '@gemloop/core/memory';

const gemini = createGemini();
const memory = createMemory({
  store: createInMemoryStore(), // or createFileMemoryStore({ path }), createPostgresMemoryStore(...)
  embed: geminiEmbed({ gemini, model: 'gemini-embedding-2', dimensions: 768 }),
});
const agent = createAgent({
  gemini,
  model: 'gemini-3-flash-preview',
  tools: [...memoryTools()], // remember, recall, forget: answered in the run's scope
});

await memory.remember('user-42', 'Prefers trains to planes.', { kind: 'fact' });
const result = await agent.run('How should I get to Porto?', {
  plugins: [memoryPlugin({ memory, scope: 'user-42' })], // the user's id, per run or chat session
});
console.log(result.text.length > 0);

// What a user sees of what is remembered about them, and how they delete it.
console.log((await memory.list('user-42')).map((remembered) => remembered.text));
console.log(await memory.forgetAll('user-42'));
