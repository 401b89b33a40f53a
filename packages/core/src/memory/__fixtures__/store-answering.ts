import { turn } from '@gemloop/testing';
import type { AgentEvent, PluginEvent } from '../../agent/agent-event.ts';
import { createAgent } from '../../agent/create-agent.ts';
import { createMemory } from '../create-memory.ts';
import { type MemoryPluginOptions, memoryPlugin } from '../memory-plugin.ts';
import type { ScoredMemory } from '../memory-record.ts';
import type { MemoryStore } from '../memory-store.ts';
import { memoryTools } from '../memory-tools.ts';
import { memoryFake, modelRequests } from './memory-fake.ts';

const MODEL = 'gemini-2.5-flash';

/**
 * A store of an app's own that answers every search and list with `rows`, whatever the scope and
 * limit asked (the hostile store of the recall attacks); its other methods are not used.
 */
export function storeAnswering(rows: readonly ScoredMemory[]): MemoryStore {
  const refuse = async (): Promise<never> => {
    throw new Error('not used');
  };
  return {
    add: refuse,
    search: async () => [...rows],
    list: async () => [...rows],
    get: refuse,
    update: refuse,
    delete: refuse,
    deleteAll: refuse,
  };
}

/**
 * One run of Ana's (`agent.run` or `agent.stream`) with memoryPlugin over
 * {@link storeAnswering}: the recalled note its first model call was sent, and the `recalled`
 * event (streamed runs only).
 */
export async function recallNote(
  rows: readonly ScoredMemory[],
  mode: 'run' | 'stream',
  recall?: MemoryPluginOptions['recall'],
): Promise<{ note: string; recalled: PluginEvent | undefined }> {
  const { fake, gemini } = await memoryFake([turn.text('Noted.')]);
  const memory = createMemory({ store: storeAnswering(rows), embed: async () => [1, 0] });
  const agent = createAgent({ gemini, model: MODEL });
  const plugins = [
    memoryPlugin({ memory, scope: 'ana', ...(recall === undefined ? {} : { recall }) }),
  ];
  const events: AgentEvent[] = [];
  if (mode === 'run') await agent.run('What do you know of me?', { plugins });
  else {
    const stream = agent.stream('What do you know of me?', { plugins });
    for await (const event of stream) events.push(event as AgentEvent);
    await stream.result;
  }
  return {
    note: modelRequests(fake)[0]?.[0]?.parts?.[0]?.text ?? '',
    recalled: events.find(
      (event): event is PluginEvent => event.type === 'plugin' && event.kind === 'recalled',
    ),
  };
}

/** What the model got back for its `recall` tool call in Ana's run (no recalled note), as JSON. */
export async function recallToolAnswer(rows: readonly ScoredMemory[]): Promise<string> {
  const { fake, gemini } = await memoryFake([
    turn.call('recall', { query: 'travel' }),
    turn.text('ok'),
  ]);
  const memory = createMemory({ store: storeAnswering(rows), embed: async () => [1, 0] });
  const agent = createAgent({ gemini, model: MODEL, tools: [...memoryTools()] });
  await agent.run('What do you know?', {
    plugins: [memoryPlugin({ memory, scope: 'ana', recall: false })],
  });
  return JSON.stringify(modelRequests(fake)[1]?.at(-1));
}
