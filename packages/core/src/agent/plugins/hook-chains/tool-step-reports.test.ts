import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../../tools/define/define-tool.ts';
import type { FunctionTool, ToolExecuteContext } from '../../../tools/tool.ts';
import { mapRecorder } from '../../__fixtures__/map-recorder.ts';
import { recordedRunEvents } from '../../__fixtures__/recorded-run-events.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../../agent-event.ts';
import { createAgent } from '../../create-agent.ts';
import type { PluginRun } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';
import type { PluginHookRecorder } from '../run-plugins.ts';
import { isSameRun } from '../run-view/plugin-run-view.ts';
import { type StepReport, toolStepReportsOf } from './tool-step-reports.ts';

// The reports a plugin makes through its `wrapToolCall`'s run while the call's tool runs inside a
// durable runner's step (an MCP run link's `sampling`: the server asks while the tool runs). The
// step's body runs once; a replay hands back its recorded outcome without running the tool, and
// such a report, made once, was not made again: a worker killed after the step was recorded and
// before the run's next event write lost it, and every later event took an index one lower.
// Here the runner is stood in for by a map recorder (the hooks' records) and a tool step that
// keeps its outcome in a map as @gemloop/dbos's `toDurableTool` keeps it in its step record: the
// tool's result, and the reports kept while it ran (`ToolStepReports`), emitted again on a
// replay. The real runner, a worker and a SIGKILL: @gemloop/dbos's in-step-reports crash test.

const MODEL = 'gemini-2.5-flash';

type StepRecord = { value: unknown; emitted?: StepReport[] };

/**
 * A durable runner's tool step stood in for: on the first run the tool runs and its outcome is
 * kept by the call's place with what its plugins reported meanwhile; on a replay (`replaying`)
 * the kept outcome is handed back without running the tool, its reports emitted again.
 */
function recordedTool(
  tool: FunctionTool<unknown, unknown>,
  records: Map<string, StepRecord>,
  replaying: () => boolean,
): FunctionTool<unknown, unknown> {
  const step: FunctionTool<unknown, unknown> = Object.create(tool);
  Object.defineProperty(step, 'execute', {
    value: async (args: unknown, context: ToolExecuteContext) => {
      const key = `${context.step}.${context.callIndex}`;
      const reports = toolStepReportsOf(context);
      const kept = records.get(key);
      if (replaying() && kept !== undefined) {
        reports?.replay(kept.emitted);
        return kept.value;
      }
      reports?.begin();
      const value = await tool.execute(args, context);
      const emitted = reports?.end() ?? [];
      // The record's JSON, as a database keeps it.
      records.set(
        key,
        JSON.parse(JSON.stringify({ value, ...(emitted.length > 0 && { emitted }) })),
      );
      return value;
    },
  });
  return step;
}

/**
 * An MCP run link's shape: the run of each call its `wrapToolCall` saw, by the call's input, and
 * a report through that run from outside the hook (the MCP client's request handler). The
 * wrapper also reports before and after the tool (it runs again on a replay: never kept).
 */
function runLink() {
  const runOfInput = new WeakMap<object, PluginRun>();
  const plugin = definePlugin({
    name: 'mcp-requests',
    async wrapToolCall(call, next, run) {
      run.emit('wrapping', { call: call.callIndex });
      runOfInput.set(call.input as object, run);
      try {
        return await next();
      } finally {
        runOfInput.delete(call.input as object);
        run.emit('wrapped', { call: call.callIndex });
      }
    },
  });
  const report = (input: object, kind: string, data: unknown): void =>
    runOfInput.get(input)?.emit(kind, data);
  return { plugin, report };
}

/** A tool whose call the "server" asks about while it runs, counting its executions. */
function summarizeTool(link: ReturnType<typeof runLink>, ran: string[]) {
  return defineTool({
    name: 'summarize',
    parameters: z.object({ notes: z.string() }),
    execute: async (input) => {
      ran.push(input.notes);
      await new Promise((resolve) => setTimeout(resolve, 1));
      link.report(input, 'sampling', { server: 'bookings', notes: input.notes });
      return { summary: `short ${input.notes}` };
    },
  });
}

/** An event as the tests compare it: the plugin reports in full, the rest by type and call. */
function shown(event: AgentEvent<unknown>): unknown {
  if (event.type === 'plugin')
    return `${event.plugin} ${event.kind} ${JSON.stringify(event.data)} @${event.stepNumber}`;
  if (event.type === 'tool-call') return `tool-call ${event.toolCallId}`;
  if (event.type === 'tool-result' || event.type === 'tool-error')
    return `${event.type} ${event.toolCall.toolCallId}`;
  return event.type === 'step-end' ? `step-end ${event.step.stepNumber}` : event.type;
}

const eventsOf = (
  agent: ReturnType<typeof createAgent>,
  record: PluginHookRecorder | undefined,
): Promise<unknown[]> => recordedRunEvents(agent, 'Summarize.', record, shown);

const oneCall = () => [callsTurn(['summarize', { notes: 'n1' }, 'a']), textTurn('Done.')];

/**
 * A durable runner's run stood in for: the agent of `turns` whose summarize tool is a recorded
 * step kept in `records`, answered from them once `replaying()`; its executions noted in `ran`.
 */
function replayableAgent(
  turns: Parameters<typeof createScriptedGemini>[0],
  records: Map<string, StepRecord>,
  replaying: () => boolean,
  ran: string[],
) {
  const link = runLink();
  return createAgent({
    gemini: createScriptedGemini(turns),
    model: MODEL,
    tools: [recordedTool(summarizeTool(link, ran), records, replaying)],
    toolCallOrder: 'replayable',
    plugins: [link.plugin],
  });
}

describe("a plugin's report made while a durable run's tool step runs", () => {
  it('is kept with the step and emitted again, once and in the same place, on a replay that does not run the tool', async () => {
    const recorder = mapRecorder({ numbered: true });
    const records = new Map<string, StepRecord>();
    let replaying = false;
    const ran: string[] = [];
    const agentOf = () => replayableAgent(oneCall(), records, () => replaying, ran);
    const first = await eventsOf(agentOf(), recorder.record);
    expect(first.slice(first.indexOf('tool-call a'), first.indexOf('step-end 1'))).toEqual([
      'tool-call a',
      'mcp-requests wrapping {"call":0} @1',
      'mcp-requests sampling {"server":"bookings","notes":"n1"} @1',
      'mcp-requests wrapped {"call":0} @1',
      'tool-result a',
    ]);
    // Only what was reported while the tool ran is in the step's record: the wrapper's own
    // reports are made again when it runs again.
    expect(records.get('1.0')?.emitted).toEqual([
      { plugin: 'mcp-requests', kind: 'sampling', data: { server: 'bookings', notes: 'n1' } },
    ]);

    replaying = true;
    recorder.replay();
    const replayed = await eventsOf(agentOf(), recorder.record);
    expect(ran).toEqual(['n1']);
    // Every event at the index the first run emitted it at, the sampling report once.
    expect(replayed).toEqual(first);
  });

  it('of each call of a turn goes with its own step', async () => {
    const recorder = mapRecorder({ numbered: true });
    const records = new Map<string, StepRecord>();
    let replaying = false;
    const ran: string[] = [];
    const twoCalls = () => [
      callsTurn(['summarize', { notes: 'n1' }, 'a'], ['summarize', { notes: 'n2' }, 'b']),
      textTurn('Done.'),
    ];
    const agentOf = () => replayableAgent(twoCalls(), records, () => replaying, ran);
    const first = await eventsOf(agentOf(), recorder.record);
    expect([records.get('1.0')?.emitted, records.get('1.1')?.emitted]).toEqual([
      [{ plugin: 'mcp-requests', kind: 'sampling', data: { server: 'bookings', notes: 'n1' } }],
      [{ plugin: 'mcp-requests', kind: 'sampling', data: { server: 'bookings', notes: 'n2' } }],
    ]);
    replaying = true;
    recorder.replay();
    const replayed = await eventsOf(agentOf(), recorder.record);
    expect(ran).toEqual(['n1', 'n2']);
    const sampling = (events: unknown[]) =>
      events.filter((event) => String(event).startsWith('mcp-requests sampling')).sort();
    expect(sampling(replayed)).toEqual(sampling(first));
    expect(replayed).toHaveLength(first.length);
  });

  it('is emitted once, as it is made, in a run without a recorder (nothing kept)', async () => {
    const ran: string[] = [];
    const link = runLink();
    let context: ToolExecuteContext | undefined;
    const tool = summarizeTool(link, ran) as FunctionTool<unknown, unknown>;
    const seen: FunctionTool<unknown, unknown> = Object.create(tool);
    Object.defineProperty(seen, 'execute', {
      value: (args: unknown, given: ToolExecuteContext) => {
        context = given;
        return tool.execute(args, given);
      },
    });
    const agent = createAgent({
      gemini: createScriptedGemini(oneCall()),
      model: MODEL,
      tools: [seen],
      plugins: [link.plugin],
    });
    const events = await eventsOf(agent, undefined);
    expect(toolStepReportsOf(context as ToolExecuteContext)).toBeUndefined();
    expect(events.filter((event) => String(event).includes('sampling'))).toEqual([
      'mcp-requests sampling {"server":"bookings","notes":"n1"} @1',
    ]);
  });

  it("keeps the plugin's run state a wrapper sets through its call's run", async () => {
    const recorder = mapRecorder({ numbered: true });
    let stateAtEnd: unknown;
    const plugin = definePlugin({
      name: 'counter',
      async wrapToolCall(_call, next, run) {
        // Typed read-only; a JavaScript plugin may still set it.
        (run as { state: unknown }).state = { wrapped: 1 };
        return next();
      },
      endRun(run) {
        stateAtEnd = run.state;
      },
    });
    const records = new Map<string, StepRecord>();
    const link = runLink();
    const agent = createAgent({
      gemini: createScriptedGemini(oneCall()),
      model: MODEL,
      tools: [recordedTool(summarizeTool(link, []), records, () => false)],
      plugins: [plugin, link.plugin],
    });
    await eventsOf(agent, recorder.record);
    expect(stateAtEnd).toEqual({ wrapped: 1 });
  });

  it("fails as the plugin's invalid wrapToolCall when the step's record holds what is not its reports", async () => {
    for (const emitted of [
      { plugin: 'mcp-requests', kind: 'sampling' },
      [{ plugin: 'someone-else', kind: 'sampling' }],
      [{ plugin: 'mcp-requests', kind: '' }],
    ]) {
      const records = new Map<string, StepRecord>([
        ['1.0', { value: { summary: 'kept' }, emitted: emitted as unknown as StepReport[] }],
      ]);
      const link = runLink();
      let thrown: unknown;
      const tool = recordedTool(summarizeTool(link, []), records, () => true);
      const caught: FunctionTool<unknown, unknown> = Object.create(tool);
      Object.defineProperty(caught, 'execute', {
        value: (args: unknown, context: ToolExecuteContext) =>
          Promise.resolve(tool.execute(args, context)).catch((error: unknown) => {
            thrown = error;
            throw error;
          }),
      });
      const agent = createAgent({
        gemini: createScriptedGemini(oneCall()),
        model: MODEL,
        tools: [caught],
        plugins: [link.plugin],
      });
      await eventsOf(agent, mapRecorder().record).catch(() => {});
      expect(PluginError.isInstance(thrown)).toBe(true);
      expect(thrown).toMatchObject({
        plugin: expect.stringMatching(/mcp-requests|someone-else/),
        hook: 'wrapToolCall',
        message: expect.stringContaining('(the record was changed)'),
      });
    }
  });

  it("gives each call a run of its own that is still its run's (isSameRun), and another run's is not", async () => {
    const seen: PluginRun[][] = [];
    const keeper = definePlugin({
      name: 'keeper',
      async wrapToolCall(_call, next, run) {
        (seen.at(-1) as PluginRun[]).push(run);
        return next();
      },
    });
    for (let round = 0; round < 2; round++) {
      seen.push([]);
      const link = runLink();
      const agent = createAgent({
        gemini: createScriptedGemini([
          callsTurn(['summarize', { notes: 'n1' }, 'a'], ['summarize', { notes: 'n2' }, 'b']),
          textTurn('Done.'),
        ]),
        model: MODEL,
        tools: [summarizeTool(link, [])],
        plugins: [keeper, link.plugin],
      });
      await eventsOf(agent, mapRecorder({ numbered: true }).record);
    }
    const [[a1, a2], [b1]] = seen as [[PluginRun, PluginRun], [PluginRun]];
    expect(a1).not.toBe(a2);
    expect(isSameRun(a1, a2)).toBe(true);
    expect(isSameRun(a1, b1)).toBe(false);
  });
});
