import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { observedEmit } from '../agent/run-state/emit-event.ts';
import { subagent } from '../composition/subagent.ts';
import { guardrails } from '../guardrails/index.ts';
import type { AgentEvent } from '../run/agent-event.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { RunObservation, RunObserver } from './run-observer.ts';

// RunObservation.event: the one channel through which observers (telemetry, the recorder, yours)
// read a run's facts. Each event once, as it is made, in a unary run as in a streamed one.

const PASSWORD = 'hunter2-correct-horse';

const add = defineTool({
  name: 'add',
  description: 'Adds.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

const login = defineTool({
  name: 'login',
  description: 'Logs in.',
  parameters: z.object({ user: z.string(), password: z.string() }),
  secretArguments: ['password'],
  execute: () => ({ ok: true }),
});

const reporter = definePlugin({
  name: 'reporter',
  beforeModelCall: (_call, run) => {
    run.emit('checked', { ok: true });
  },
});

type Seen = { runId: string; path: readonly string[]; event: AgentEvent<unknown>; at: number };

/** An observer that keeps every event of every run it follows, with the run it came from. */
function eventSpy(): { observer: RunObserver; seen: Seen[] } {
  const seen: Seen[] = [];
  const observer: RunObserver = {
    startRun: (info) => ({
      modelCall: () => ({ retry() {}, firstChunk() {}, end() {} }),
      toolCall: () => ({ end() {} }),
      stepEnd() {},
      end() {},
      event: (event, at) => seen.push({ runId: info.runId, path: info.path, event, at }),
    }),
  };
  return { observer, seen };
}

/** An agent that checks its input, calls `add`, has a plugin report each step, then answers. */
function calculator(recorder: RunObserver, now: () => number) {
  return createAgent({
    gemini: createScriptedGemini([callsTurn(['add', { a: 2, b: 3 }, 'c1']), textTurn('It is 5.')]),
    model: 'gemini-2.5-flash',
    tools: [add],
    plugins: [reporter],
    guardrails: guardrails({ input: [{ name: 'topic', check: () => ({ type: 'pass' }) }] }),
    recorder,
    telemetry: false,
    now,
  });
}

const isDelta = (event: AgentEvent<unknown>) =>
  event.type === 'text-delta' || event.type === 'thought-delta';

describe('an observer reading the run through its events', () => {
  it("gets a streamed run's events once each, in the order the stream yields them", async () => {
    const { observer, seen } = eventSpy();
    const stream = calculator(observer, Date.now).stream('What is 2 + 3?');
    const yielded: AgentEvent<unknown>[] = [];
    for await (const event of stream) yielded.push(event);
    await stream.result;

    expect(seen.map(({ event }) => event)).toEqual(yielded);
    expect(new Set(yielded.map((event) => event.type))).toEqual(
      new Set([
        'guardrail',
        'plugin',
        'step-start',
        'tool-call',
        'tool-result',
        'step-end',
        'text-delta',
        'run-end',
      ]),
    );
  });

  it('gets the same events from a unary run (deltas aside: a unary call has none), stamped with the path and the clock', async () => {
    const streamed = eventSpy();
    const stream = calculator(streamed.observer, Date.now).stream('What is 2 + 3?');
    for await (const _event of stream);
    await stream.result;

    let clock = 1_000;
    const unary = eventSpy();
    const result = await calculator(unary.observer, () => (clock += 1)).run('What is 2 + 3?');

    expect(result.text).toBe('It is 5.');
    const shape = (event: AgentEvent<unknown>) => [
      event.type,
      'stepNumber' in event ? event.stepNumber : undefined,
      'toolName' in event ? event.toolName : undefined,
    ];
    expect(unary.seen.map(({ event }) => shape(event))).toEqual(
      streamed.seen.filter(({ event }) => !isDelta(event)).map(({ event }) => shape(event)),
    );
    // The top run's events carry the path [] as a stream's reader sees them; each is timed by
    // the agent's clock, in the order it was made.
    expect(unary.seen.every(({ event }) => event.path.length === 0)).toBe(true);
    const times = unary.seen.map(({ at }) => at);
    expect(times.every((at) => at > 1_000)).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const end = unary.seen.at(-1)?.event;
    expect(end?.type === 'run-end' ? end.result.text : undefined).toBe('It is 5.');
  });

  it("gives a subagent's events to the subagent's own run, at its path, not to its parent's", async () => {
    const { observer, seen } = eventSpy();
    const helper = createAgent({
      gemini: createScriptedGemini([callsTurn(['add', { a: 1, b: 1 }, 'h1']), textTurn('2.')]),
      model: 'gemini-2.5-flash',
      tools: [add],
      telemetry: false,
    });
    const lead = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['helper', { task: 'Add 1 and 1.' }, 'l1']),
        textTurn('Two.'),
      ]),
      model: 'gemini-2.5-flash',
      tools: [subagent(helper, { name: 'helper', description: 'Helps.' })],
      recorder: observer,
      telemetry: false,
    });
    await lead.run('What is 1 + 1?');

    const runs = [...new Set(seen.map(({ runId }) => runId))];
    expect(runs).toHaveLength(2);
    const top = seen.filter(({ path }) => path.length === 0);
    const child = seen.filter(({ path }) => path.length === 1);
    expect(top.every(({ event }) => event.path.length === 0)).toBe(true);
    for (const { event, path } of child) expect(event.path).toEqual(path);
    expect(child[0]?.path).toEqual(['helper#1']);
    expect(child.length).toBeGreaterThan(0);
    // The child's call of `add` is the child's, never its parent's.
    const calls = (list: Seen[]) =>
      list.flatMap(({ event }) => (event.type === 'tool-call' ? [event.toolName] : []));
    expect(calls(top)).toEqual(['helper']);
    expect(calls(child)).toEqual(['add']);
  });

  it('sees secret arguments redacted in every event that holds them, while the stream keeps the real values', async () => {
    const script = () =>
      createScriptedGemini([
        callsTurn(['login', { user: 'ada', password: PASSWORD }, 'l1']),
        textTurn('Logged in.'),
      ]);
    const unary = eventSpy();
    await createAgent({
      gemini: script(),
      model: 'gemini-2.5-flash',
      tools: [login],
      recorder: unary.observer,
      telemetry: false,
    }).run('Log in.');
    const streamed = eventSpy();
    const stream = createAgent({
      gemini: script(),
      model: 'gemini-2.5-flash',
      tools: [login],
      recorder: streamed.observer,
      telemetry: false,
    }).stream('Log in.');
    const yielded: AgentEvent<unknown>[] = [];
    for await (const event of stream) yielded.push(event);
    await stream.result;

    for (const { seen } of [unary, streamed]) {
      const types = seen.map(({ event }) => event.type);
      expect(types).toEqual(
        expect.arrayContaining(['tool-call', 'tool-result', 'step-end', 'run-end']),
      );
      expect(JSON.stringify(seen)).not.toContain(PASSWORD);
      const call = seen.find(({ event }) => event.type === 'tool-call')?.event;
      expect(call?.type === 'tool-call' ? call.args : undefined).toEqual({
        user: 'ada',
        password: '[redacted]',
      });
    }
    // The stream's reader keeps the real values, the redacted copy beside them.
    const call = yielded.find((event) => event.type === 'tool-call');
    expect(call?.type === 'tool-call' ? call.args['password'] : undefined).toBe(PASSWORD);
    expect(call?.type === 'tool-call' ? call.redactedArgs?.['password'] : undefined).toBe(
      '[redacted]',
    );
  });

  it('keeps an observer whose event hook throws out of the run and of the other observers', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const throwing: RunObserver = {
      startRun: () => ({
        modelCall: () => ({ retry() {}, firstChunk() {}, end() {} }),
        toolCall: () => ({ end() {} }),
        stepEnd() {},
        end() {},
        event: () => {
          throw new Error('observer bug');
        },
      }),
    };
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Hi.')]),
      model: 'gemini-2.5-flash',
      guardrails: guardrails({ input: [{ name: 'topic', check: () => ({ type: 'pass' }) }] }),
      recorder: throwing,
      telemetry: { tracerProvider },
    });
    const result = await agent.run('Hi');
    expect(result.text).toBe('Hi.');
    expect(exporter.getFinishedSpans().map((span) => span.name)).toContain('guardrail topic');
  });
});

describe('observedEmit', () => {
  const noEvents: RunObservation = {
    modelCall: () => ({ retry() {}, firstChunk() {}, end() {} }),
    toolCall: () => ({ end() {} }),
    stepEnd() {},
    end() {},
  };

  it('is the emitter itself when no observer reads events: an unobserved run calls none of it', () => {
    const emit = () => {};
    expect(observedEmit(undefined, undefined, undefined, Date.now)).toBeUndefined();
    expect(observedEmit(undefined, noEvents, undefined, Date.now)).toBeUndefined();
    expect(observedEmit(emit, undefined, undefined, Date.now)).toBe(emit);
    expect(observedEmit(emit, noEvents, ['child#1'], Date.now)).toBe(emit);
  });

  it("hands the observer each event before the stream, with the run's path, and passes on the stream's wait", async () => {
    const order: string[] = [];
    const waiting = Promise.resolve();
    const emit = observedEmit(
      (event) => {
        order.push(`stream ${event.type} ${event.path?.join('/')}`);
        return waiting;
      },
      {
        ...noEvents,
        event: (event, at) => order.push(`observer ${event.type} ${event.path.join('/')} ${at}`),
      },
      ['child#1'],
      () => 42,
    );
    const returned = emit?.({ type: 'step-start', stepNumber: 1, kind: 'tools' });
    expect(returned).toBe(waiting);
    expect(order).toEqual(['observer step-start child#1 42', 'stream step-start child#1']);
  });
});
