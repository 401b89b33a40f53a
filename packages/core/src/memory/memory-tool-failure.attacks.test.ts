import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import type { AgentEvent, PluginEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { recordingLogger } from '../chat/__fixtures__/chat-fixtures.ts';
import { memoryFake, modelRequests } from './__fixtures__/memory-fake.ts';
import { createMemory } from './create-memory.ts';
import { MemoryError } from './memory-error.ts';
import { memoryPlugin } from './memory-plugin.ts';
import type { MemoryStore } from './memory-store.ts';
import { memoryTools } from './memory-tools.ts';

// leftovers79b (attack63b's leftover): a `remember`, `recall` or `forget` whose store failed
// answered the model with the store error's message: the file store's path, a held lock's holder
// (`process 4242 on "db-host-7"`), a gateway's address. The model reads the tool's answer and
// may repeat it to the user's page. These are the framework's own tools over its own store: the
// model now gets what failed and what it can do; the full error (redacted) goes to the log and a
// `tool-failed` plugin event, as a thrown tool's error reaches the events.

// The client's key of memoryFake, which a store's message quoted.
const KEY = 'secret-test-key';
const PATH = '/srv/app/data/users/ana/memory.json';
const LOCKED = new MemoryError({
  operation: 'add',
  path: PATH,
  message: `The memory file ${PATH} is locked by process 4242 on "db-host-7" (10.0.3.7:5432); key ${KEY}.`,
});

function failingStore(error: unknown): MemoryStore {
  const fail = async (): Promise<never> => {
    throw error;
  };
  return {
    add: fail,
    search: fail,
    list: fail,
    get: fail,
    update: fail,
    delete: fail,
    deleteAll: fail,
  };
}

const calls = [
  ['remember', { text: 'Ana likes tea.' }, 'remembered'],
  ['recall', { query: 'tea' }, 'recalled'],
  ['forget', { id: 'm1' }, 'forgotten'],
] as const;

describe('a memory tool whose store failed', () => {
  for (const [tool, args, verb] of calls) {
    it(`${tool}: the model is told what failed and what to do, not the store's internals`, async () => {
      const { fake, gemini } = await memoryFake([turn.call(tool, args), turn.text('ok')]);
      const memory = createMemory({ store: failingStore(LOCKED), embed: async () => [1, 0] });
      const logger = recordingLogger();
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [...memoryTools()],
        logger,
      });
      const events: AgentEvent[] = [];
      const stream = agent.stream('Hi', {
        plugins: [memoryPlugin({ memory, scope: 'ana', recall: false })],
      });
      for await (const event of stream) events.push(event as AgentEvent);
      await stream.result;

      const answer = JSON.stringify(modelRequests(fake)[1]?.at(-1));
      expect(answer).toContain('"error"');
      expect(answer).toContain(`The memory store failed, so nothing was ${verb}`);
      expect(answer).toMatch(/try again later, or go on without/i);
      for (const leak of [PATH, 'db-host-7', '4242', '10.0.3.7', KEY, 'locked by']) {
        expect(answer).not.toContain(leak);
      }

      // The developer keeps the whole error (redacted) in the log and in an event.
      const logged = JSON.stringify(logger.lines);
      expect(logged).toContain(PATH);
      expect(logged).toContain('db-host-7');
      expect(logged).not.toContain(KEY);
      const failed = events.find(
        (event): event is PluginEvent => event.type === 'plugin' && event.kind === 'tool-failed',
      );
      expect(failed?.data).toMatchObject({ tool, error: 'MemoryError' });
      expect(JSON.stringify(failed)).toContain(PATH);
      expect(JSON.stringify(failed)).not.toContain(KEY);
    });
  }

  it("a bad argument of the model's is still the model's to fix", async () => {
    const { fake, gemini } = await memoryFake([
      turn.call('remember', { text: ' ' }),
      turn.text('ok'),
    ]);
    const memory = createMemory({ store: failingStore(LOCKED), embed: async () => [1, 0] });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [...memoryTools()] });
    await agent.run('Hi', { plugins: [memoryPlugin({ memory, scope: 'ana', recall: false })] });
    const answer = JSON.stringify(modelRequests(fake)[1]?.at(-1));
    expect(answer).toContain('`text` must be a non-empty string.');
  });

  it('a thrown non-error (a string naming a path) is answered the same way', async () => {
    const { fake, gemini } = await memoryFake([
      turn.call('recall', { query: 'x' }),
      turn.text('ok'),
    ]);
    const memory = createMemory({
      store: failingStore(`EACCES ${PATH}`),
      embed: async () => [1, 0],
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [...memoryTools()] });
    await agent.run('Hi', { plugins: [memoryPlugin({ memory, scope: 'ana', recall: false })] });
    const answer = JSON.stringify(modelRequests(fake)[1]?.at(-1));
    expect(answer).not.toContain(PATH);
    expect(answer).toContain('The memory store failed, so nothing was recalled');
  });
});
