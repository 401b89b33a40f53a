import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { DIMENSIONS, wordEmbedding } from './__fixtures__/memory-fake.ts';
import { createInMemoryStore } from './create-in-memory-store.ts';
import { createMemory } from './create-memory.ts';
import { geminiEmbed } from './gemini-embed.ts';
import { memoryPlugin } from './memory-plugin.ts';
import { memoryTools } from './memory-tools.ts';

// Attack (attack-core11): the extraction model, told to leave secrets out, answers with the
// client's API key as a memory (a prompt injection in the conversation, or a model that does not
// listen). A memory is recalled into every later prompt of the user and kept in the store (a
// file, a database): the key must not become one.

const KEY = 'AIzaMemoryAttack-0123456789abcdef';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** A fake serving `script` with the test embedding, a client keyed with {@link KEY}, a memory. */
async function keyed(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script, embed: ({ text }) => wordEmbedding(text) });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: KEY, retry: false });
  const memory = createMemory({
    store: createInMemoryStore(),
    embed: geminiEmbed({ gemini, dimensions: DIMENSIONS }),
  });
  return { fake, gemini, memory };
}

describe('memory extraction fed the key', () => {
  for (const mode of ['run', 'stream'] as const) {
    it(`remembers the other items, not the one holding the key (${mode})`, async () => {
      const { gemini, memory } = await keyed([
        turn.text('Noted.'),
        turn.json({
          memories: [
            { text: `Ana's API key is ${KEY}.`, kind: 'fact' },
            { text: 'Ana likes tea.', kind: 'fact' },
          ],
        }),
      ]);
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
      const plugins = [
        memoryPlugin({ memory, scope: 'ana', extract: { gemini, model: 'gemini-2.5-flash' } }),
      ];
      if (mode === 'run') await agent.run('I like tea.', { plugins });
      else {
        const stream = agent.stream('I like tea.', { plugins });
        for await (const _event of stream);
        await stream.result;
      }
      const kept = (await memory.list('ana')).map(({ text }) => text);
      expect(kept).toContain('Ana likes tea.');
      expect(JSON.stringify(kept)).not.toContain(KEY);
    });
  }
});

describe('the remember tool called with the key', () => {
  it('answers with an error and remembers nothing', async () => {
    const { fake, gemini, memory } = await keyed([
      turn.call('remember', { text: `The user's key is ${KEY}.`, kind: 'fact' }),
      turn.text('Done.'),
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: memoryTools() });
    const result = await agent.run('Remember my key.', {
      plugins: [memoryPlugin({ memory, scope: 'ana', recall: false })],
    });
    expect(result.text).toBe('Done.');
    expect(await memory.list('ana')).toEqual([]);
    const answered = JSON.stringify(fake.modelRequests[1]?.body);
    expect(answered).toContain('not remembered');
  });
});
