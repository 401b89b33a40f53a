import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../../tools/define/define-tool.ts';
import { type MapRecorder, mapRecorder } from '../../__fixtures__/map-recorder.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../../agent-turns.ts';
import { createAgent } from '../../create-agent.ts';
import type { AgentPlugin } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';
import type { PluginHookRecorder } from '../run-plugins.ts';
import { NEXT_ONCE } from './recorded-tool-wrap.ts';

// A recorded `wrapToolCall` in a run with a recorder (what @gemloop/dbos gives a durable run),
// in process: the wrapper's decision is recorded in two parts around the tool's execution, which
// runs outside every record (in a durable run: its own step, a child workflow, a wait); see
// ./recorded-tool-wrap.ts. The recorder is a map that keeps what @gemloop/dbos's createPluginHookRecorder
// keeps (JSON; a throw as its name and message) and says, for each tool execution, whether it
// ran inside a record (a DBOS step: where a durable tool's own step would be a plain call).

const MODEL = 'gemini-2.5-flash';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A lookup that logs when it starts and ends, and whether a record was open meanwhile. */
function lookupTool(log: string[], recorder: MapRecorder, delays: Record<string, number> = {}) {
  return defineTool({
    name: 'lookup',
    parameters: z.object({ order: z.string() }),
    execute: async ({ order }) => {
      log.push(`start ${order} open=${recorder.open()}`);
      await sleep(delays[order] ?? 0);
      log.push(`end ${order}`);
      return { order, status: 'shipped' };
    },
  });
}

/** A stopwatch: a random mark before `next()`, the tool's value stamped with it after. */
function stopwatch(log: string[], wrap?: AgentPlugin['wrapToolCall']): AgentPlugin {
  return definePlugin({
    name: 'stopwatch',
    recorded: ['wrapToolCall'],
    wrapToolCall:
      wrap ??
      (async (call, next, run) => {
        const mark = Math.random();
        log.push(`before ${call.toolCallId}`);
        run.emit('started', { mark });
        const execution = await next();
        log.push(`after ${call.toolCallId}`);
        run.emit('ended', { type: execution.type });
        return execution.type === 'value'
          ? { type: 'value', value: { result: execution.value, mark } }
          : execution;
      }),
  });
}

function agentWith(tool: ReturnType<typeof lookupTool>, plugin: AgentPlugin, calls = 1) {
  const turnCalls = ['a', 'b', 'c']
    .slice(0, calls)
    .map((id, index): [string, Record<string, unknown>, string] => [
      'lookup',
      { order: String(7 + index) },
      id,
    ]);
  return createAgent({
    gemini: createScriptedGemini([callsTurn(...turnCalls), textTurn('All shipped.')]),
    model: MODEL,
    tools: [tool],
    toolCallOrder: 'replayable',
    plugins: [plugin],
  });
}

async function runWith(agent: ReturnType<typeof createAgent>, record: PluginHookRecorder) {
  const stream = agentTurnsOf(agent).stream('Where is order 7?', {}, undefined, undefined, record);
  const events: unknown[] = [];
  for await (const event of stream)
    if (event.type === 'plugin') events.push([event.kind, event.data]);
    else if (event.type === 'tool-result')
      events.push(['result', (event.toolCall.response as { response: unknown }).response]);
  const result = await stream.result;
  return { events, result };
}

describe('a recorded wrapToolCall in a run with a recorder', () => {
  it("records its decision in two parts and runs the tool outside both, where a durable tool's own step can be one", async () => {
    const recorder = mapRecorder();
    const log: string[] = [];
    const { events } = await runWith(
      agentWith(lookupTool(log, recorder), stopwatch(log)),
      recorder.record,
    );
    expect(log).toEqual(['before a', 'start 7 open=0', 'end 7', 'after a']);
    expect(recorder.stored.get('plugin:stopwatch:wrapToolCall:1:a')).toMatchObject({
      value: { next: true },
    });
    const after = recorder.stored.get('plugin:stopwatch:wrapToolCall.after:1:a') as {
      value: { result: unknown; mark: number };
    };
    expect(after).toMatchObject({ value: { type: 'value', value: { result: { order: '7' } } } });
    // The reports of both parts, before the call's result; the model got the stamped value.
    const [started] = events as [[string, { mark: number }]];
    expect(events).toEqual([
      ['started', { mark: started[1].mark }],
      ['ended', { type: 'value' }],
      ['result', { result: { order: '7', status: 'shipped' }, mark: started[1].mark }],
    ]);

    // A replay calls no wrapper: both parts come from their records.
    recorder.replay();
    const replayLog: string[] = [];
    const replayed = await runWith(
      agentWith(lookupTool(replayLog, recorder), stopwatch(replayLog)),
      recorder.record,
    );
    expect(
      replayLog.filter((line) => !line.startsWith('start') && !line.startsWith('end')),
    ).toEqual([]);
    expect(replayed.events).toEqual(events);
  });

  it('runs the wrapper again, next() answered at once, when its first part was recorded and its second was not (a worker killed between)', async () => {
    const recorder = mapRecorder();
    const log: string[] = [];
    const first = await runWith(
      agentWith(lookupTool(log, recorder), stopwatch(log)),
      recorder.record,
    );
    recorder.stored.delete('plugin:stopwatch:wrapToolCall.after:1:a');
    recorder.replay();
    const again: string[] = [];
    const replayed = await runWith(
      agentWith(lookupTool(again, recorder), stopwatch(again)),
      recorder.record,
    );
    // The first part was not run again; the wrapper was, from its start, and its next() gave the
    // execution of this run (here the tool ran again: in process nothing records it).
    expect(again).toEqual(['start 7 open=0', 'end 7', 'before a', 'after a']);
    const [firstStarted] = first.events as [[string, { mark: number }]];
    const [recorded, rerun, ended, result] = replayed.events as [string, { mark?: number }][];
    // The first part's report from its record, then both of the second run's, and the value
    // stamped by the second run.
    expect([recorded, rerun, ended, result].map((event) => event?.[0])).toEqual([
      'started',
      'started',
      'ended',
      'result',
    ]);
    expect(recorded?.[1].mark).toBe(firstStarted[1].mark);
    expect(result?.[1].mark).toBe(rerun?.[1].mark);
    expect(rerun?.[1].mark).not.toBe(firstStarted[1].mark);
  });

  it('records a wrapper that answers without next() in one part, and the tool does not run', async () => {
    const recorder = mapRecorder();
    const log: string[] = [];
    const cached = stopwatch(log, async () => ({ type: 'value', value: { cached: true } }));
    const { events } = await runWith(agentWith(lookupTool(log, recorder), cached), recorder.record);
    expect(log).toEqual([]);
    expect([...recorder.stored.keys()]).toEqual(['plugin:stopwatch:wrapToolCall:1:a']);
    expect(events).toEqual([['result', { cached: true }]]);
  });

  it("refuses a second next(): the tool's execution is given once", async () => {
    const recorder = mapRecorder();
    const log: string[] = [];
    let second: unknown;
    const retrying = stopwatch(log, async (_call, next) => {
      const first = await next();
      second = await next().catch((error: unknown) => error);
      return first;
    });
    await runWith(agentWith(lookupTool(log, recorder), retrying), recorder.record);
    expect(log).toEqual(['start 7 open=0', 'end 7']);
    expect((second as Error).message).toBe(NEXT_ONCE);
  });

  it("fails as the plugin's error when the wrapper throws after next(), the same on a replay", async () => {
    const recorder = mapRecorder();
    const log: string[] = [];
    const failing = stopwatch(log, async (_call, next) => {
      await next();
      throw new Error('the stopwatch broke');
    });
    const error = await runWith(
      agentWith(lookupTool(log, recorder), failing),
      recorder.record,
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Plugin "stopwatch" failed in wrapToolCall: the stopwatch broke',
    );
    recorder.replay();
    const replayed = await runWith(
      agentWith(lookupTool([], recorder), failing),
      recorder.record,
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect((replayed as Error).message).toBe((error as Error).message);
  });

  it("fails as the plugin's error, typed, when its first part's record is neither next() nor a result (a changed row)", async () => {
    const recorder = mapRecorder();
    const log: string[] = [];
    await runWith(agentWith(lookupTool(log, recorder), stopwatch(log)), recorder.record);
    recorder.stored.set('plugin:stopwatch:wrapToolCall:1:a', { value: { type: 'value' } });
    recorder.replay();
    const error = await runWith(
      agentWith(lookupTool([], recorder), stopwatch([])),
      recorder.record,
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Plugin "stopwatch" failed in wrapToolCall: its first part\'s record is neither a call of next() nor a result (the record was changed)',
    );
  });

  it('fails as an invalid result, not a changed record, when the wrapper returns nothing without next()', async () => {
    const recorder = mapRecorder();
    const empty = stopwatch([], (async () => undefined) as unknown as AgentPlugin['wrapToolCall']);
    const error = await runWith(agentWith(lookupTool([], recorder), empty), recorder.record).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^Plugin "stopwatch" failed in wrapToolCall: for lookup it returned something that is not \{ type: 'value', value \}/,
    );
  });

  it("runs a turn's calls one after another, each tool's execution outside every record", async () => {
    const recorder = mapRecorder();
    const log: string[] = [];
    // The first call is the slowest: at once, it would end last.
    const tool = lookupTool(log, recorder, { '7': 30, '8': 10, '9': 0 });
    await runWith(agentWith(tool, stopwatch(log), 3), recorder.record);
    expect(log).toEqual([
      'before a',
      'start 7 open=0',
      'end 7',
      'after a',
      'before b',
      'start 8 open=0',
      'end 8',
      'after b',
      'before c',
      'start 9 open=0',
      'end 9',
      'after c',
    ]);
  });

  it('is one call around the tool in a run without a recorder, calls at once', async () => {
    const recorder = mapRecorder();
    const log: string[] = [];
    const tool = lookupTool(log, recorder, { '7': 30, '8': 10, '9': 0 });
    const agent = agentWith(tool, stopwatch(log), 3);
    const result = await agent.run('Where is order 7?');
    expect(result.text).toBe('All shipped.');
    expect(log.slice(0, 3)).toEqual(['before a', 'start 7 open=0', 'before b']);
  });
});
