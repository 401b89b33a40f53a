import { describe, expect, it } from 'vitest';
import { mapRecorder } from '../../__fixtures__/map-recorder.ts';
import { createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../../agent-turns.ts';
import { createAgent } from '../../create-agent.ts';
import type { AgentPlugin } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';
import type { PluginHookRecorder } from '../run-plugins.ts';

// What a `recorded` hook's `run.generate` calls spend is part of its outcome: a durable runner's
// replay does not call the hook, so before, a run taken over after such a hook's record ended
// with less usage and cost than it spent (the side call counted on the first run only; the tree's
// budget likewise). The record now carries each call's `{ usage, cost }` and a replay counts it
// again. A durable runner's recorder stood in for by a map (JSON, as a DBOS step's output).

/** A classifier: a recorded beforeModelCall that asks the model a side question at each step. */
const classifier: AgentPlugin = definePlugin({
  name: 'classifier',
  recorded: ['beforeModelCall'],
  beforeModelCall: async (_call, run) => {
    await run.generate({ contents: 'Is this about an order?' });
  },
});

async function runWith(record: PluginHookRecorder, turns = [textTurn('yes'), textTurn('Answer.')]) {
  const gemini = createScriptedGemini(turns);
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', plugins: [classifier] });
  const stream = agentTurnsOf(agent).stream('Where is order 7?', {}, undefined, undefined, record);
  for await (const _event of stream) {
    // drained: the result settles once the events are read
  }
  return { result: await stream.result, calls: gemini.calls.length };
}

describe("a recorded hook's run.generate in a run with a recorder", () => {
  it('is counted again on a replay: the same usage and cost, the side call not made', async () => {
    const recorder = mapRecorder();
    const first = await runWith(recorder.record);
    expect(first.calls).toBe(2);
    expect(recorder.stored.get('plugin:classifier:beforeModelCall:1')).toMatchObject({
      spent: [{ usage: { totalTokenCount: expect.any(Number) }, cost: { currency: 'USD' } }],
    });
    recorder.replay();
    const replayed = await runWith(recorder.record, [textTurn('Answer.')]);
    expect(replayed.calls).toBe(1);
    expect(replayed.result.usage).toEqual(first.result.usage);
    expect(replayed.result.cost).toEqual(first.result.cost);
  });

  it('fails as the plugin when what the record says it spent was changed', async () => {
    for (const spent of [
      [{ usage: { totalTokenCount: -1 }, cost: { currency: 'USD' } }],
      'much',
      [{ usage: {}, cost: { currency: 'USD', total: '1e9' } }],
    ]) {
      const recorder = mapRecorder();
      await runWith(recorder.record);
      const kept = recorder.stored.get('plugin:classifier:beforeModelCall:1') as object;
      recorder.stored.set('plugin:classifier:beforeModelCall:1', { ...kept, spent });
      recorder.replay();
      const failed = await runWith(recorder.record, [textTurn('Answer.')]).catch(
        (error: unknown) => error,
      );
      expect(PluginError.isInstance(failed)).toBe(true);
      expect((failed as PluginError).message).toContain('not a list of { usage, cost }');
    }
  });
});
