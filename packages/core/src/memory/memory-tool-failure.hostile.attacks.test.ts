import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { mapRecorder } from '../agent/__fixtures__/map-recorder.ts';
import type { AgentEvent, PluginEvent } from '../agent/agent-event.ts';
import { agentTurnsOf } from '../agent/agent-turns.ts';
import { createAgent } from '../agent/create-agent.ts';
import { MAX_TOOL_ERROR_MESSAGE_LENGTH } from '../agent/tool-calls/safe-tool-error-message.ts';
import { memoryFake, modelRequests } from './__fixtures__/memory-fake.ts';
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
// (memory-tool-failure.attacks.test.ts). And a store error whose `name` is hostile (a getter that
// throws ended the run with a PluginError; a path or a megabyte went into the event as it was).

const PATH = '/srv/app/data/users/ana/memory.json';
const LOCKED = new MemoryError({
  operation: 'add',
  path: PATH,
  message: `The memory file ${PATH} is locked by process 4242 (10.0.3.7:5432).`,
});

function failingStore(thrown: unknown = LOCKED): MemoryStore {
  const fail = async (): Promise<never> => {
    throw thrown;
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
  recorder: ReturnType<typeof mapRecorder> | undefined,
  thrown?: unknown,
): Promise<{ failed: PluginEvent | undefined; answer: string }> {
  const { fake, gemini } = await memoryFake([
    turn.call('remember', { text: 'Ana likes tea.' }),
    turn.text('ok'),
  ]);
  const memory = createMemory({ store: failingStore(thrown), embed: async () => [1, 0] });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [...memoryTools()] });
  const plugins = [memoryPlugin({ memory, scope: 'ana', recall: false })];
  const stream = agentTurnsOf(agent).stream(
    'Hi',
    { plugins },
    undefined,
    undefined,
    recorder?.record,
  );
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event as AgentEvent);
  await stream.result;
  const failed = events.find(
    (event): event is PluginEvent => event.type === 'plugin' && event.kind === 'tool-failed',
  );
  return { failed, answer: JSON.stringify(modelRequests(fake)[1]?.at(-1)) };
}

describe("a memory tool's failure in a recorded run", () => {
  it('reports the error without its path and address, in the record and on a replay alike', async () => {
    const recorder = mapRecorder();
    const { failed: first } = await failedReport(recorder);
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
    expect((await failedReport(recorder)).failed?.data).toEqual(first?.data);
  });

  it('a megabyte message is stored cut, as a durable tool step records a thrown error', async () => {
    const long = new MemoryError({ operation: 'add', message: `down ${'x'.repeat(1_000_000)}` });
    const { failed } = await failedReport(mapRecorder(), long);
    const message = (failed?.data as { message?: string } | undefined)?.message ?? '';
    expect(message.length).toBeLessThanOrEqual(MAX_TOOL_ERROR_MESSAGE_LENGTH + 3);
    expect(message.startsWith('down xxx')).toBe(true);
  });
});

describe("a memory tool's failure whose error has a hostile name", () => {
  const named = (name: PropertyDescriptor): Error => {
    const error = new Error('the store is down');
    Object.defineProperty(error, 'name', name);
    return error;
  };
  it.each([
    [
      'a getter that throws',
      {
        get: () => {
          throw new Error(`getter at ${PATH}`);
        },
      },
    ],
    ['a path', { value: `Failed at ${PATH}` }],
    ['a megabyte', { value: `E${'e'.repeat(1_000_000)}` }],
    ['not a string', { value: 42 }],
  ] as const)(
    '%s: the model is still told the store failed, the event names it Error',
    async (_, name) => {
      for (const recorder of [undefined, mapRecorder()]) {
        const { failed, answer } = await failedReport(recorder, named(name));
        expect(answer).toContain('The memory store failed, so nothing was remembered');
        expect(failed?.data).toMatchObject({ tool: 'remember', error: 'Error' });
        expect(JSON.stringify(failed)).not.toContain(PATH);
        expect(JSON.stringify(failed).length).toBeLessThan(2_000);
      }
    },
  );

  it("keeps a class's name", async () => {
    const { failed } = await failedReport(undefined, new TypeError('bad'));
    expect(failed?.data).toMatchObject({ error: 'TypeError' });
  });
});
