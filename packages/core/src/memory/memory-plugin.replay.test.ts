// What a durable runner (@gemloop/dbos) relies on: every memory hook that touches the network
// (embeddings, the store, the extractor) is `recorded`, so a replay after a crash, fed the
// recorded results, embeds nothing, writes nothing and extracts nothing again, and sends the
// model the same note. The recorder here stores results as JSON, as the durable one does.

import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { agentTurnsOf } from '../agent/agent-turns.ts';
import { createAgent } from '../agent/create-agent.ts';
import type { PluginHookRecorder } from '../agent/plugins/run-plugins.ts';
import { memoryFake, modelRequests } from './__fixtures__/memory-fake.ts';
import { memoryPlugin } from './memory-plugin.ts';
import { memoryTools } from './memory-tools.ts';

const script = () => [
  turn.call('remember', { text: 'Kim drinks tea.' }),
  turn.text('Noted.'),
  turn.json({ memories: [{ text: 'Kim asked about coffee and tea.', kind: 'episode' }] }),
];

describe('memoryPlugin in a durable run', () => {
  it('records its network hooks: a replay fed the records embeds, writes and extracts nothing again', async () => {
    const first = await memoryFake(script());
    await first.memory.remember('kim', 'Kim likes tea.');
    const records: { name: string; value: string }[] = [];
    const recording: PluginHookRecorder = async (name, call) => {
      const value = await call();
      records.push({ name, value: JSON.stringify(value ?? null) });
      return value;
    };
    const run = async (gemini: typeof first.gemini, recordHook: PluginHookRecorder) => {
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [...memoryTools()] });
      const stream = agentTurnsOf(agent).stream(
        'I drink tea.',
        {
          plugins: [
            memoryPlugin({
              memory: first.memory,
              scope: 'kim',
              extract: { gemini, model: 'gemini-2.5-flash' },
            }),
          ],
        },
        undefined,
        undefined,
        recordHook,
      );
      for await (const _event of stream);
      return stream.result;
    };
    await run(first.gemini, recording);
    expect(records.map(({ name }) => name)).toEqual([
      expect.stringMatching(/beforeModelCall/),
      expect.stringMatching(/beforeToolCall/),
      expect.stringMatching(/beforeModelCall/),
      expect.stringMatching(/afterAnswer/),
    ]);
    const kept = await first.memory.list('kim');
    expect(kept.map(({ text }) => text)).toEqual([
      'Kim likes tea.',
      'Kim drinks tea.',
      'Kim asked about coffee and tea.',
    ]);

    // The replay: the same model turns, the hooks' results from the records.
    const replay = await memoryFake(script().slice(0, 2));
    const queue = [...records];
    const replaying: PluginHookRecorder = async (name) => {
      const next = queue.shift();
      expect(next?.name).toBe(name);
      return JSON.parse(next?.value ?? 'null') ?? undefined;
    };
    const result = await run(replay.gemini, replaying);
    expect(result.text).toBe('Noted.');
    expect(queue).toEqual([]);
    expect(replay.fake.requests.filter(({ method }) => method === 'embedContent')).toEqual([]);
    expect(modelRequests(replay.fake)).toEqual(modelRequests(first.fake).slice(0, 2));
    expect(await first.memory.list('kim')).toEqual(kept);
  });
  it('a run resumed mid-way (its first hook replayed, the rest run fresh) keeps its recalled note without recalling again', async () => {
    const first = await memoryFake(script());
    await first.memory.remember('kim', 'Kim likes tea.');
    const run = async (gemini: typeof first.gemini, recordHook: PluginHookRecorder) => {
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [...memoryTools()] });
      const stream = agentTurnsOf(agent).stream(
        'I drink tea.',
        {
          plugins: [memoryPlugin({ memory: first.memory, scope: 'kim', recall: { minScore: -1 } })],
        },
        undefined,
        undefined,
        recordHook,
      );
      for await (const _event of stream);
      return stream.result;
    };
    const records: string[] = [];
    await run(first.gemini, async (_name, call) => {
      const value = await call();
      records.push(JSON.stringify(value ?? null));
      return value;
    });
    // The crash came after the first model call: its hook is replayed from the record (as JSON,
    // as the durable recorder keeps it), every later hook runs.
    const resumed = await memoryFake(script().slice(0, 2));
    let replayed = 0;
    await run(resumed.gemini, async (_name, call) =>
      replayed++ === 0 ? (JSON.parse(records[0] as string) ?? undefined) : call(),
    );
    const recalls = resumed.fake.requests.filter(
      ({ method, body }) =>
        method === 'embedContent' && JSON.stringify(body).includes('I drink tea.'),
    );
    expect(recalls).toEqual([]);
    // Both calls carried the note, as the first run's did.
    const notes = (fake: typeof first.fake) =>
      modelRequests(fake).map((contents) => JSON.stringify(contents[0]));
    expect(notes(resumed.fake)).toEqual(notes(first.fake).slice(0, 2));
    expect(notes(resumed.fake)[1]).toContain('Kim likes tea.');
    // The `remember` ran again (its record was lost with the crash): under the same id, so the
    // store kept the fact once and the model got the same answer (it got a second memory's id).
    expect(modelRequests(resumed.fake)).toEqual(modelRequests(first.fake).slice(0, 2));
    expect((await first.memory.list('kim')).map(({ text }) => text)).toEqual([
      'Kim likes tea.',
      'Kim drinks tea.',
    ]);
  });
});
