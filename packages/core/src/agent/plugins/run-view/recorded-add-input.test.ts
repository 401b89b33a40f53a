import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../../tools/define/define-tool.ts';
import type { Content } from '../../../wire/content.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../../agent-turns.ts';
import { createAgent } from '../../create-agent.ts';
import type { AgentPlugin } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';
import type { PluginHookRecorder } from '../run-plugins.ts';

// What a `recorded` hook adds to the history (`run.addInput`) is part of its outcome: a durable
// runner's replay does not call the hook, so the record carries the contents that joined and the
// replay adds them again. Before, a recorded afterAnswer that added its follow-up and returned
// `run-again` met the "run-again that adds nothing" PluginError on every replay. A durable
// runner's recorder stood in for by a map (the first run stores, a replay hands the record back
// without calling), as @gemloop/dbos's DBOS step does; durable runs are streams.

const MODEL = 'gemini-2.5-flash';
const userTurn = (text: string): Content => ({ role: 'user', parts: [{ text }] });

function mapRecorder(): {
  record: PluginHookRecorder;
  stored: Map<string, unknown>;
  replay(): void;
} {
  const stored = new Map<string, unknown>();
  let replaying = false;
  return {
    stored,
    replay: () => {
      replaying = true;
    },
    record: async (name, call) => {
      if (replaying && stored.has(name)) return stored.get(name);
      // As a durable record is: JSON.
      const value = JSON.parse(JSON.stringify((await call()) ?? null)) ?? undefined;
      stored.set(name, value);
      return value;
    },
  };
}

async function drained(agent: ReturnType<typeof createAgent>, record: PluginHookRecorder) {
  const stream = agentTurnsOf(agent).stream('Where is order 7?', {}, undefined, undefined, record);
  for await (const _event of stream) {
    // drained: the result settles once the events are read
  }
  return stream.result;
}

/** Adds a follow-up question (random: a second call would add another) after the first answer. */
function followUp(calls: { count: number }): AgentPlugin {
  return definePlugin({
    name: 'follow-up',
    recorded: ['afterAnswer'],
    afterAnswer: async (answer, run) => {
      calls.count++;
      if (answer.step.stepNumber > 1) return undefined;
      await run.addInput([userTurn(`And order 8? (${Math.random()})`)]);
      return { type: 'run-again', contents: [] };
    },
  });
}

describe('run.addInput in a recorded hook', () => {
  it('a replay adds what the hook added on the first run, once, without calling it', async () => {
    const recorder = mapRecorder();
    const calls = { count: 0 };
    const agentOf = () =>
      createAgent({
        gemini: createScriptedGemini([textTurn('Order 7 shipped.'), textTurn('Order 8 shipped.')]),
        model: MODEL,
        plugins: [followUp(calls)],
      });
    const first = await drained(agentOf(), recorder.record);
    expect(first.text).toBe('Order 8 shipped.');
    expect(calls.count).toBe(2);
    const added = first.contents[2];
    expect(added?.role).toBe('user');
    // The record holds the contents that joined, beside the hook's outcome.
    expect([...recorder.stored.values()]).toContainEqual(
      expect.objectContaining({ value: { type: 'run-again', contents: [] }, added: [added] }),
    );

    recorder.replay();
    const replayed = await drained(agentOf(), recorder.record);
    expect(calls.count).toBe(2);
    expect(replayed.text).toBe('Order 8 shipped.');
    expect(replayed.contents).toEqual(first.contents);
  });

  it('what input checks rewrote is what the record keeps, and a replay does not check it again', async () => {
    const recorder = mapRecorder();
    const checks = { count: 0 };
    const masking = definePlugin({
      name: 'mask',
      checkInput: (input) => {
        if (input.source !== 'added') return undefined;
        checks.count++;
        return { contents: [userTurn('[masked follow-up]')] };
      },
    });
    const agentOf = () =>
      createAgent({
        gemini: createScriptedGemini([textTurn('Order 7 shipped.'), textTurn('Order 8 shipped.')]),
        model: MODEL,
        plugins: [masking, followUp({ count: 0 })],
      });
    const first = await drained(agentOf(), recorder.record);
    expect(first.contents[2]).toEqual(userTurn('[masked follow-up]'));
    recorder.replay();
    const replayed = await drained(agentOf(), recorder.record);
    expect(checks.count).toBe(1);
    expect(replayed.contents).toEqual(first.contents);
  });

  it('a record whose added contents are not user contents fails as the hook, not in the history', async () => {
    const recorder = mapRecorder();
    const agentOf = () =>
      createAgent({
        gemini: createScriptedGemini([textTurn('Order 7 shipped.'), textTurn('Order 8 shipped.')]),
        model: MODEL,
        plugins: [followUp({ count: 0 })],
      });
    await drained(agentOf(), recorder.record);
    for (const [name, value] of recorder.stored)
      if ((value as { added?: unknown }).added !== undefined)
        recorder.stored.set(name, { ...(value as object), added: [{ role: 'model', parts: [] }] });
    recorder.replay();
    const error = await drained(agentOf(), recorder.record).catch((caught: unknown) => caught);
    expect(PluginError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ plugin: 'follow-up', hook: 'afterAnswer' });
    expect((error as Error).message).toContain('not a list of user contents');
  });

  it('a recorded tool hook may not add input: a typed error that says where to add it', async () => {
    const refused: unknown[] = [];
    const agent = createAgent({
      gemini: createScriptedGemini([callsTurn(['lookup', { order: '7' }]), textTurn('Shipped.')]),
      model: MODEL,
      tools: [
        defineTool({
          name: 'lookup',
          parameters: z.object({ order: z.string() }),
          execute: ({ order }) => ({ order, status: 'shipped' }),
        }),
      ],
      plugins: [
        definePlugin({
          name: 'noter',
          recorded: ['afterToolCall'],
          afterToolCall: async (_result, run) => {
            await run.addInput([userTurn('note')]).catch((error: unknown) => refused.push(error));
            return undefined;
          },
        }),
      ],
    });
    const result = await drained(agent, mapRecorder().record);
    expect(result.text).toBe('Shipped.');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ name: 'InvalidArgumentError', argument: 'run.addInput' });
    expect((refused[0] as Error).message).toContain('from a boundary hook');
    expect(JSON.stringify(result.contents)).not.toContain('note');
  });

  it("a replay emits the hook's reports again where they were, so the run's events are the first run's", async () => {
    const calls = { count: 0 };
    const reporting = definePlugin({
      name: 'reporter',
      recorded: ['beforeModelCall'],
      beforeModelCall: (call, run) => {
        calls.count++;
        // Random: a report made again would differ from the first run's.
        run.emit('checked', { step: call.stepNumber, roll: Math.random() });
      },
    });
    const agentOf = () =>
      createAgent({
        gemini: createScriptedGemini([callsTurn(['lookup', { order: '7' }]), textTurn('Shipped.')]),
        model: MODEL,
        tools: [
          defineTool({
            name: 'lookup',
            parameters: z.object({ order: z.string() }),
            execute: ({ order }) => ({ order, status: 'shipped' }),
          }),
        ],
        plugins: [reporting],
      });
    const eventsOf = async (record: PluginHookRecorder) => {
      const stream = agentTurnsOf(agentOf()).stream(
        'Where is order 7?',
        {},
        undefined,
        undefined,
        record,
      );
      const events: unknown[] = [];
      for await (const event of stream)
        if (event.type !== 'run-end' && event.type !== 'step-end')
          events.push(event.type === 'plugin' ? event : event.type);
      await stream.result;
      return events;
    };
    const recorder = mapRecorder();
    const first = await eventsOf(recorder.record);
    expect(first.filter((event) => typeof event === 'object')).toHaveLength(2);
    recorder.replay();
    const replayed = await eventsOf(recorder.record);
    expect(calls.count).toBe(2);
    expect(replayed).toEqual(first);
  });
});
