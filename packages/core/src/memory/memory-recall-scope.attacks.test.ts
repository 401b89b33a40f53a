import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import type { AgentEvent, PluginEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { memoryFake, modelRequests } from './__fixtures__/memory-fake.ts';
import { createMemory } from './create-memory.ts';
import { memoryPlugin } from './memory-plugin.ts';
import type { ScoredMemory } from './memory-record.ts';
import type { MemoryStore } from './memory-store.ts';
import { memoryTools } from './memory-tools.ts';

// Attack (attack63b): a store of the app's own that answers a search with more than it was asked
// for. One that left out its `WHERE scope = $1` (or a cache keyed without the user) handed Bo's
// memory, stamped `scope: 'bo'`, to Ana's run, and the plugin put it in Ana's prompt; one that
// ignored `limit` had the plugin send all 2,000 of its rows with every model call. The plugin now
// leaves out a memory whose scope is not the run's (counted as refused) and keeps `limit` at most.

const MODEL = 'gemini-2.5-flash';
const row = (id: string, scope: string, text: string, score: number): ScoredMemory => ({
  id,
  scope,
  kind: 'fact',
  text,
  createdAt: '2026-11-28T00:00:00.000Z',
  updatedAt: '2026-11-28T00:00:00.000Z',
  score,
});
const rows = [
  row('bo-1', 'bo', 'Bo is allergic to nuts.', 0.99),
  ...Array.from({ length: 2000 }, (_, index) =>
    row(`ana-${index}`, 'ana', `Ana memory ${index}.`, 0.9 - index / 10_000),
  ),
];

/** A store of the app's own answering every search with every user's rows. */
function leakyStore(): MemoryStore {
  const refuse = async (): Promise<never> => {
    throw new Error('not used');
  };
  return {
    add: refuse,
    search: async () => rows,
    list: async () => rows,
    get: refuse,
    update: refuse,
    delete: refuse,
    deleteAll: refuse,
  };
}

describe("memoryPlugin given a store that answers with other users' rows and past the limit", () => {
  for (const mode of ['run', 'stream'] as const) {
    it(`recalls only the run's scope, at most limit memories (${mode})`, async () => {
      const { fake, gemini } = await memoryFake([turn.text('Noted.')]);
      const memory = createMemory({ store: leakyStore(), embed: async () => [1, 0] });
      const agent = createAgent({ gemini, model: MODEL });
      const plugins = [memoryPlugin({ memory, scope: 'ana', recall: { limit: 3 } })];
      const events: AgentEvent[] = [];
      if (mode === 'run') await agent.run('What do I eat?', { plugins });
      else {
        const stream = agent.stream('What do I eat?', { plugins });
        for await (const event of stream) events.push(event as AgentEvent);
        await stream.result;
      }
      const note = modelRequests(fake)[0]?.[0]?.parts?.[0]?.text ?? '';
      expect(note).not.toContain('Bo is allergic');
      expect(note.match(/"id":"ana-\d+"/g)).toEqual([
        '"id":"ana-0"',
        '"id":"ana-1"',
        '"id":"ana-2"',
      ]);
      if (mode === 'stream') {
        const recalled = events.find(
          (event): event is PluginEvent => event.type === 'plugin' && event.kind === 'recalled',
        );
        expect(recalled?.data).toMatchObject({
          ids: ['ana-0', 'ana-1', 'ana-2'],
          count: 3,
          refused: 1,
        });
      }
    });
  }

  it('answers the recall tool the same way', async () => {
    const { fake, gemini } = await memoryFake([
      turn.call('recall', { query: 'food' }),
      turn.text('ok'),
    ]);
    const memory = createMemory({ store: leakyStore(), embed: async () => [1, 0] });
    const agent = createAgent({ gemini, model: MODEL, tools: [...memoryTools()] });
    await agent.run('What do you know?', {
      plugins: [memoryPlugin({ memory, scope: 'ana', recall: false })],
    });
    const answer = JSON.stringify(modelRequests(fake)[1]?.at(-1));
    expect(answer).not.toContain('Bo is allergic');
    // recall: false leaves the tool its default limit of 5.
    expect(answer.match(/\\"id\\":\\"ana-\d+\\"|"id":"ana-\d+"/g)).toHaveLength(5);
  });
});
