import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { mapRecorder } from '../agent/__fixtures__/map-recorder.ts';
import type { AgentEvent, PluginEvent } from '../agent/agent-event.ts';
import { agentTurnsOf } from '../agent/agent-turns.ts';
import { createAgent } from '../agent/create-agent.ts';
import { memoryFake } from './__fixtures__/memory-fake.ts';
import { createMemory } from './create-memory.ts';
import { MemoryError } from './memory-error.ts';
import { memoryPlugin } from './memory-plugin.ts';
import type { MemoryStore } from './memory-store.ts';
import { memoryTools } from './memory-tools.ts';

// attack65b: in a recorded run (a durable one: @gemloop/dbos's recorder), the `tool-failed` report
// of a memory tool whose store failed is stored with the hook's record and written to the run's
// event stream in Postgres, which every `runs.events()` client reads (a browser's page). It held
// the store's file path and the lock holder's address there, where a durable tool's thrown error
// is stored without them (recorded-error.ts, redact39). The recorder stood in for by a map that
// keeps what a durable runner keeps (map-recorder.ts); in process the event keeps the whole error
// (memory-tool-failure.attacks.test.ts).

const PATH = '/srv/app/data/users/ana/memory.json';
const LOCKED = new MemoryError({
  operation: 'add',
  path: PATH,
  message: `The memory file ${PATH} is locked by process 4242 (10.0.3.7:5432).`,
});

function failingStore(): MemoryStore {
  const fail = async (): Promise<never> => {
    throw LOCKED;
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

async function failedReport(
  recorder: ReturnType<typeof mapRecorder>,
): Promise<PluginEvent | undefined> {
  const { gemini } = await memoryFake([
    turn.call('remember', { text: 'Ana likes tea.' }),
    turn.text('ok'),
  ]);
  const memory = createMemory({ store: failingStore(), embed: async () => [1, 0] });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [...memoryTools()] });
  const plugins = [memoryPlugin({ memory, scope: 'ana', recall: false })];
  const stream = agentTurnsOf(agent).stream(
    'Hi',
    { plugins },
    undefined,
    undefined,
    recorder.record,
  );
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event as AgentEvent);
  await stream.result;
  return events.find(
    (event): event is PluginEvent => event.type === 'plugin' && event.kind === 'tool-failed',
  );
}

describe("a memory tool's failure in a recorded run", () => {
  it('reports the error without its path and address, in the record and on a replay alike', async () => {
    const recorder = mapRecorder();
    const first = await failedReport(recorder);
    expect(first?.data).toEqual({
      tool: 'remember',
      error: 'MemoryError',
      message: 'The memory file <path> is locked by process 4242 (<host>).',
    });
    const stored = JSON.stringify([...recorder.stored.values()]);
    expect(stored).toContain('tool-failed');
    expect(stored).not.toContain(PATH);
    expect(stored).not.toContain('10.0.3.7');
    // The replay emits the recorded report: the same event, not the store's whole error.
    recorder.replay();
    expect((await failedReport(recorder))?.data).toEqual(first?.data);
  });
});
