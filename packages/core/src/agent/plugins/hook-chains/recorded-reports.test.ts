import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { subagent } from '../../../composition/subagent.ts';
import { createGemini } from '../../../http/create-gemini.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import { mapRecorder } from '../../__fixtures__/map-recorder.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../../agent-event.ts';
import { agentTurnsOf } from '../../agent-turns.ts';
import { createAgent } from '../../create-agent.ts';
import type { AgentPlugin, PluginHookName } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';
import type { PluginHookRecorder } from '../run-plugins.ts';

// A recorded hook's reports (`run.emit`) through a durable runner's replay, which takes the
// hook's outcome from its record without calling it. Two gaps closed here:
//
// - A recorded tool hook's reports were not in its record, so a replay lost them, and every later
//   event of the run took an index lower than the first run's (a durable runner's event stream is
//   indexed: a watcher that read the first execution's events skipped the replay's at those
//   indices). They were emitted as the hook made them, which among a turn's calls running at once
//   is an order of timing no replay can repeat. Now they are held with the call and emitted just
//   before its `tool-result` / `tool-error` event, on the first run and on a replay: in call
//   order in a replayable turn (`toolCallOrder: 'replayable'`, what @gemloop/dbos runs).
// - A recorded hook that reported and then threw an error nobody claims lost its reports on a
//   replay (a recorder keeps a throw as its name and message). The record now keeps the error as
//   data with the reports, and a replay emits them before it fails the same way.
//
// A durable runner's recorder stood in for by a map that keeps what @gemloop/dbos's
// createPluginHookRecorder keeps: JSON, and a throw as its name and message only (thrown again, a plain
// Error, on a replay). Its records are numbered by the order the calls start, as DBOS numbers a
// workflow's steps, so two calls of a turn that share an id keep records of their own.

const MODEL = 'gemini-2.5-flash';
const KEY = 'AIzaRecordedReports-0123456789';

/** Waits `ms` on a timer. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Looks an order up in `delays[order]` ms: each run sets its own delays, so the calls of a turn
 * end in another order on the replay than on the first run, as they would in another process.
 */
function lookupTool(delays: Record<string, number>) {
  return defineTool({
    name: 'lookup',
    parameters: z.object({ order: z.string() }),
    execute: async ({ order }) => {
      await sleep(delays[order] ?? 0);
      return { order, status: 'shipped' };
    },
  });
}

/**
 * Reports from each of `hooks`, all recorded, with a random roll (a report made again would
 * differ from the first run's); each real call is counted. `wrapToolCall` reports both before
 * and after the tool ran, so concurrent calls' reports interleave by timing.
 */
function auditor(calls: string[], hooks: readonly PluginHookName[]): AgentPlugin {
  const roll = () => Math.random();
  const all: Pick<AgentPlugin, 'beforeToolCall' | 'wrapToolCall' | 'afterToolCall'> = {
    beforeToolCall: (call, run) => {
      calls.push(`before ${call.callIndex}`);
      run.emit('cleared', { call: call.callIndex, roll: roll() });
    },
    wrapToolCall: async (call, next, run) => {
      calls.push(`wrap ${call.callIndex}`);
      run.emit('starting', { call: call.callIndex, roll: roll() });
      const done = await next();
      run.emit('ran', { call: call.callIndex, roll: roll() });
      return done;
    },
    afterToolCall: (result, run) => {
      calls.push(`after ${result.callIndex}`);
      run.emit('audited', { call: result.callIndex, roll: roll() });
    },
  };
  const chosen = Object.fromEntries(
    Object.entries(all).filter(([hook]) => hooks.includes(hook as PluginHookName)),
  );
  return definePlugin({ name: 'auditor', recorded: hooks, ...chosen });
}

/** What a run's events say, with what differs by timing left out (a call's duration). */
function shown(event: AgentEvent<unknown>): unknown {
  switch (event.type) {
    case 'plugin':
      return { plugin: event.plugin, kind: event.kind, step: event.stepNumber, data: event.data };
    case 'tool-call':
      return `tool-call ${event.toolCallId}`;
    case 'tool-result':
    case 'tool-error':
      return `${event.type} ${event.toolCall.toolCallId}`;
    case 'step-end':
      return `step-end ${event.step.stepNumber}`;
    case 'run-end':
      return 'run-end';
    default:
      return event.type;
  }
}

async function eventsOf(
  agent: ReturnType<typeof createAgent>,
  record: PluginHookRecorder,
): Promise<{ events: unknown[]; error: unknown }> {
  const stream = agentTurnsOf(agent).stream(
    'Where are orders 7, 8 and 9?',
    {},
    undefined,
    undefined,
    record,
  );
  const events: unknown[] = [];
  try {
    for await (const event of stream) events.push(shown(event));
    await stream.result;
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

/** The turn of three lookups (ids `a`, `b`, `c` unless given), then the answer. */
function threeLookups(ids: [string, string, string] = ['a', 'b', 'c']) {
  return [
    callsTurn(
      ['lookup', { order: '7' }, ids[0]],
      ['lookup', { order: '8' }, ids[1]],
      ['lookup', { order: '9' }, ids[2]],
    ),
    textTurn('All shipped.'),
  ];
}

describe("a recorded tool hook's reports", () => {
  it('are held with their call and emitted before its result, in call order, on the first run and again on a replay', async () => {
    const recorder = mapRecorder({ numbered: true });
    const calls: string[] = [];
    const plugin = auditor(calls, ['beforeToolCall', 'wrapToolCall', 'afterToolCall']);
    const agentOf = (delays: Record<string, number>) =>
      createAgent({
        gemini: createScriptedGemini(threeLookups()),
        model: MODEL,
        tools: [lookupTool(delays)],
        toolCallOrder: 'replayable',
        plugins: [plugin],
      });
    // The first run: the first call ends last. The replay: the last call ends last.
    const first = await eventsOf(agentOf({ '7': 40, '8': 10, '9': 0 }), recorder.record);
    expect(first.error).toBeUndefined();
    expect(calls).toHaveLength(9);
    const reportsOf = (call: number) =>
      ['cleared', 'starting', 'ran', 'audited'].map((kind) => ({
        plugin: 'auditor',
        kind,
        step: 1,
        data: { call, roll: expect.any(Number) },
      }));
    // Each call's four reports just before its result; the calls in call order.
    expect(first.events.slice(first.events.indexOf('tool-call a'))).toEqual([
      'tool-call a',
      'tool-call b',
      'tool-call c',
      ...reportsOf(0),
      'tool-result a',
      ...reportsOf(1),
      'tool-result b',
      ...reportsOf(2),
      'tool-result c',
      'step-end 1',
      'step-start',
      'text-delta',
      'step-end 2',
      'run-end',
    ]);

    recorder.replay();
    const replayed = await eventsOf(agentOf({ '7': 0, '8': 10, '9': 40 }), recorder.record);
    // No hook called again, and the same events, each report with the first run's roll, at the
    // same place: every later event keeps its index.
    expect(calls).toHaveLength(9);
    expect(replayed).toEqual(first);
  });

  it('go with their own call when the model gave two calls of the turn the same id', async () => {
    const recorder = mapRecorder({ numbered: true });
    const calls: string[] = [];
    const agentOf = (delays: Record<string, number>) =>
      createAgent({
        gemini: createScriptedGemini(threeLookups(['a', 'same', 'same'])),
        model: MODEL,
        tools: [lookupTool(delays)],
        toolCallOrder: 'replayable',
        plugins: [auditor(calls, ['wrapToolCall'])],
      });
    const first = await eventsOf(agentOf({ '7': 30, '8': 20, '9': 0 }), recorder.record);
    const ran = (call: number) => [
      { plugin: 'auditor', kind: 'starting', step: 1, data: { call, roll: expect.any(Number) } },
      { plugin: 'auditor', kind: 'ran', step: 1, data: { call, roll: expect.any(Number) } },
    ];
    expect(first.events.slice(first.events.indexOf('tool-call a'), -5)).toEqual([
      'tool-call a',
      'tool-call same',
      'tool-call same',
      ...ran(0),
      'tool-result a',
      ...ran(1),
      'tool-result same',
      ...ran(2),
      'tool-result same',
    ]);
    recorder.replay();
    const replayed = await eventsOf(agentOf({ '7': 0, '8': 20, '9': 30 }), recorder.record);
    expect(replayed).toEqual(first);
    expect(calls).toHaveLength(3);
  });

  it('that reported and then threw are emitted before its call is answered with the error, and a replay fails the same way', async () => {
    const recorder = mapRecorder({ numbered: true });
    let called = 0;
    const agentOf = () =>
      createAgent({
        gemini: createScriptedGemini(threeLookups()),
        model: MODEL,
        tools: [lookupTool({})],
        toolCallOrder: 'replayable',
        plugins: [
          definePlugin({
            name: 'ledger',
            recorded: ['afterToolCall'],
            afterToolCall: (result, run) => {
              called++;
              run.emit('checked', { call: result.callIndex, roll: Math.random() });
              if (result.callIndex === 1) throw new Error('the ledger is unreachable');
            },
          }),
        ],
      });
    const first = await eventsOf(agentOf(), recorder.record);
    expect(PluginError.isInstance(first.error)).toBe(true);
    expect(first.error).toMatchObject({ plugin: 'ledger', hook: 'afterToolCall' });
    expect((first.error as Error).message).toContain('the ledger is unreachable');
    const checked = (call: number) => ({
      plugin: 'ledger',
      kind: 'checked',
      step: 1,
      data: { call, roll: expect.any(Number) },
    });
    expect(first.events.slice(first.events.indexOf('tool-call a'))).toEqual([
      'tool-call a',
      'tool-call b',
      'tool-call c',
      checked(0),
      'tool-result a',
      checked(1),
      'tool-error b',
      // Ended before the turn failed: its answer is kept (the run ends after the turn).
      checked(2),
      'tool-result c',
      'step-end 1',
    ]);
    // The record keeps the error as data beside the reports (a recorder keeps a throw alone).
    expect([...recorder.stored.values()]).toContainEqual(
      expect.objectContaining({
        failed: { name: 'Error', message: 'the ledger is unreachable' },
        emitted: [{ kind: 'checked', data: { call: 1, roll: expect.any(Number) } }],
      }),
    );

    recorder.replay();
    const replayed = await eventsOf(agentOf(), recorder.record);
    expect(called).toBe(3);
    expect(replayed.events).toEqual(first.events);
    expect(PluginError.isInstance(replayed.error)).toBe(true);
    expect(replayed.error).toMatchObject({
      plugin: 'ledger',
      hook: 'afterToolCall',
      detail: (first.error as PluginError).detail,
    });
  });
});

describe("a subagent's recorded tool hooks", () => {
  it("report before their call's result in the child's events, the parent's before its own, and a replay repeats both", async () => {
    const recorder = mapRecorder({ numbered: true });
    const calls: string[] = [];
    // Inherited: the subagent's calls meet it too, in a run of their own.
    const audit = definePlugin({
      name: 'auditor',
      recorded: ['beforeToolCall'],
      inherit: true,
      beforeToolCall: (call, run) => {
        calls.push(`${run.path.join('/')} ${call.callIndex}`);
        run.emit('cleared', { tool: call.toolName, call: call.callIndex, roll: Math.random() });
      },
    });
    const agentOf = (delays: Record<string, number>) => {
      const gemini = createScriptedGemini([
        callsTurn(['research', { task: 'orders 7, 8 and 9' }, 'r']),
        ...threeLookups(),
        textTurn('Done.'),
      ]);
      const child = createAgent({
        gemini,
        model: MODEL,
        name: 'researcher',
        tools: [lookupTool(delays)],
        toolCallOrder: 'replayable',
      });
      return createAgent({
        gemini,
        model: MODEL,
        tools: [subagent(child, { name: 'research', description: 'Researches.' })],
        toolCallOrder: 'replayable',
        plugins: [audit],
      });
    };
    const pathed = async (agent: ReturnType<typeof createAgent>, record: PluginHookRecorder) => {
      const stream = agentTurnsOf(agent).stream(
        'Where are they?',
        {},
        undefined,
        undefined,
        record,
      );
      const events: [string, unknown][] = [];
      for await (const event of stream) events.push([event.path.join('/'), shown(event)]);
      await stream.result;
      return events;
    };
    const first = await pathed(agentOf({ '7': 30, '8': 10, '9': 0 }), recorder.record);
    expect(calls).toEqual([' 0', 'research#1 0', 'research#1 1', 'research#1 2']);
    const cleared = (path: string, tool: string, call: number) => [
      path,
      {
        plugin: 'auditor',
        kind: 'cleared',
        step: 1,
        data: { tool, call, roll: expect.any(Number) },
      },
    ];
    const around = first.filter(
      ([, event]) => typeof event === 'object' || /^tool-(result|error)/.test(event as string),
    );
    expect(around).toEqual([
      cleared('research#1', 'lookup', 0),
      ['research#1', 'tool-result a'],
      cleared('research#1', 'lookup', 1),
      ['research#1', 'tool-result b'],
      cleared('research#1', 'lookup', 2),
      ['research#1', 'tool-result c'],
      cleared('', 'research', 0),
      ['', 'tool-result r'],
    ]);
    recorder.replay();
    const replayed = await pathed(agentOf({ '7': 0, '8': 10, '9': 30 }), recorder.record);
    expect(calls).toHaveLength(4);
    expect(replayed).toEqual(first);
  });
});

describe('a recorded boundary hook that reported and then threw an error nobody claims', () => {
  function ledgerAgent(called: { count: number }) {
    // A client with a key, over the fake: the run's redactor scrubs it.
    const fake = createFakeGemini({
      script: [turn.call('lookup', { order: '7' }), turn.text('Shipped.')],
    });
    return createAgent({
      gemini: createGemini({ apiKey: KEY, fetch: fake.fetch, retry: false }),
      model: MODEL,
      tools: [lookupTool({})],
      plugins: [
        definePlugin({
          name: 'ledger',
          recorded: ['beforeModelCall'],
          beforeModelCall: (call, run) => {
            called.count++;
            run.emit('checked', { step: call.stepNumber, roll: Math.random() });
            // Holds the client's key, as an upstream's message may: redacted before it is stored.
            if (call.stepNumber === 2) throw new Error(`the ledger is unreachable (${KEY})`);
          },
        }),
      ],
    });
  }

  it('keeps its reports with the error in the record, and a replay emits them before failing the same way', async () => {
    const recorder = mapRecorder({ numbered: true });
    const called = { count: 0 };
    const first = await eventsOf(ledgerAgent(called), recorder.record);
    expect(called.count).toBe(2);
    expect(PluginError.isInstance(first.error)).toBe(true);
    expect(first.error).toMatchObject({ plugin: 'ledger', hook: 'beforeModelCall' });
    const reports = first.events.filter((event) => typeof event === 'object');
    expect(reports).toEqual([
      { plugin: 'ledger', kind: 'checked', step: 1, data: { step: 1, roll: expect.any(Number) } },
      { plugin: 'ledger', kind: 'checked', step: 2, data: { step: 2, roll: expect.any(Number) } },
    ]);
    expect(first.events.at(-1)).toEqual(reports[1]);
    expect(JSON.stringify([...recorder.stored.values()])).not.toContain(KEY);
    expect(JSON.stringify([...recorder.stored.values()])).toContain('[redacted]');

    recorder.replay();
    const replayed = await eventsOf(ledgerAgent(called), recorder.record);
    expect(called.count).toBe(2);
    expect(replayed.events).toEqual(first.events);
    expect(PluginError.isInstance(replayed.error)).toBe(true);
    expect(replayed.error).toMatchObject({
      plugin: 'ledger',
      hook: 'beforeModelCall',
      detail: (first.error as PluginError).detail,
    });
    expect((replayed.error as Error).message).not.toContain(KEY);
  });

  it('that reported nothing is stored as the recorder keeps a throw, as before', async () => {
    const recorder = mapRecorder({ numbered: true });
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Shipped.')]),
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'ledger',
          recorded: ['beforeModelCall'],
          beforeModelCall: () => {
            throw new Error('the ledger is unreachable');
          },
        }),
      ],
    });
    const { error } = await eventsOf(agent, recorder.record);
    expect(error).toMatchObject({ plugin: 'ledger', hook: 'beforeModelCall' });
    expect([...recorder.stored.values()]).toEqual([
      { threw: { name: 'Error', message: 'the ledger is unreachable' } },
    ]);
  });
});

describe('a record read back changed', () => {
  /** A first run, each record changed by `change`, and the replay's error. */
  async function replayChanged(change: (value: Record<string, unknown>) => unknown) {
    const recorder = mapRecorder({ numbered: true });
    const agentOf = () =>
      createAgent({
        gemini: createScriptedGemini(threeLookups()),
        model: MODEL,
        tools: [lookupTool({})],
        toolCallOrder: 'replayable',
        plugins: [auditor([], ['afterToolCall'])],
      });
    await eventsOf(agentOf(), recorder.record);
    for (const [name, value] of recorder.stored)
      recorder.stored.set(name, change(value as Record<string, unknown>));
    recorder.replay();
    return (await eventsOf(agentOf(), recorder.record)).error;
  }

  it.each([
    ['reports that are not a list', { emitted: 'checked' }],
    ['a report without a kind', { emitted: [{ data: 1 }] }],
    ['a kind over 64 characters', { emitted: [{ kind: 'k'.repeat(65) }] }],
    ['an error that is not { name, message }', { failed: { name: 7 } }],
  ])('fails as the hook with a typed error for %s', async (_case, changed) => {
    const error = await replayChanged((value) => ({ ...value, ...changed }));
    expect(PluginError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ plugin: 'auditor', hook: 'afterToolCall' });
    expect((error as Error).message).toContain('(the record was changed)');
  });

  it('fails as the hook with a typed error for a record that is not an object', async () => {
    const error = await replayChanged(() => 42);
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("its record is not a hook call's record");
  });
});
