import { DBOS } from '@dbos-inc/dbos-sdk';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { AgentAbortedError } from '@gemloop/core/errors';
import { agentTurnsOf } from '@gemloop/core/internal';
import { type AgentPlugin, definePlugin, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createPluginHookRecorder } from './durable-plugin-hooks.ts';

// Hostile third-party hooks listed in `recorded`, in a durable run (attack42a): a thenable, a
// sparse contents list, a wrapper that keeps `next` past its return, a thenable that never calls
// back. The first run and a replay (a worker taking the run over after a SIGKILL: the step record
// handed back without running the body) end the same way. DBOS's step record is stood in for by a
// map from step name to outcome, as in durable-guardrails.test.ts (@dbos-inc/dbos-sdk 5.3,
// dbos-executor.js runStepTempl: a recorded output is returned, the function is not called).

const record = new Map<string, unknown>();
let replaying = false;

beforeEach(() => {
  record.clear();
  replaying = false;
  vi.spyOn(DBOS, 'workflowID', 'get').mockReturnValue('run-1');
  vi.spyOn(DBOS, 'isInWorkflow').mockReturnValue(true);
  vi.spyOn(DBOS, 'runStep').mockImplementation(async (body, config) => {
    const name = config?.name ?? '';
    if (replaying && record.has(name)) return record.get(name);
    const value = await body();
    record.set(name, value);
    return value;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A run as the run workflow starts one (with the seam's recorder), on a fresh fake. */
async function durableRun(
  plugin: AgentPlugin,
  tools: Parameters<typeof createAgent>[0]['tools'] = [],
  signal?: AbortSignal,
): Promise<{ result?: unknown; error?: unknown; fake: FakeGemini }> {
  const fake = createFakeGemini({ script: [turn.call('lookup', { q: 'a' }), turn.text('Done.')] });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'k', fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    tools,
    plugins: [plugin],
  });
  const stream = agentTurnsOf(agent).stream(
    'Go.',
    signal === undefined ? {} : { signal },
    undefined,
    undefined,
    createPluginHookRecorder(),
  );
  try {
    for await (const _event of stream) {
      // drained: the result settles once the events are read
    }
    return { result: await stream.result, fake };
  } catch (error) {
    return { error, fake };
  }
}

let runs = 0;
const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => {
    runs++;
    return { found: q };
  },
});

describe('hostile recorded hooks in a durable run', () => {
  it('a recorded afterAnswer answering with a thenable: finished, and the replay ends the same without calling it', async () => {
    let calls = 0;
    const plugin = definePlugin({
      name: 'thenable',
      recorded: ['afterAnswer'],
      afterAnswer: () => {
        calls++;
        return {
          // biome-ignore lint/suspicious/noThenProperty: a thenable that is no Promise, on purpose.
          then: (resolve: (value: unknown) => void) =>
            resolve({ type: 'finish', reason: 'enough' }),
        } as never;
      },
    });
    const first = await durableRun(plugin);
    expect((first.result as { stoppedBy?: unknown }).stoppedBy).toEqual({
      plugin: 'thenable',
      reason: 'enough',
    });
    replaying = true;
    const replayed = await durableRun(plugin);
    expect((replayed.result as { stoppedBy?: unknown }).stoppedBy).toEqual({
      plugin: 'thenable',
      reason: 'enough',
    });
    expect(calls).toBe(1);
  });

  it('a recorded beforeModelCall answering with a sparse list: its PluginError, the same on replay, nothing sent', async () => {
    let calls = 0;
    const plugin = definePlugin({
      name: 'holes',
      recorded: ['beforeModelCall'],
      beforeModelCall: () => {
        calls++;
        const contents: unknown[] = [];
        contents[1] = { role: 'user', parts: [{ text: 'x' }] };
        return { contents } as never;
      },
    });
    for (const again of [false, true]) {
      replaying = again;
      const { error, fake } = await durableRun(plugin);
      expect(PluginError.isInstance(error)).toBe(true);
      expect((error as PluginError).plugin).toBe('holes');
      expect((error as PluginError).hook).toBe('beforeModelCall');
      expect(fake.modelRequests).toHaveLength(0);
    }
    expect(calls).toBe(1);
  });

  it('a recorded wrapToolCall that keeps next: called after the run, the tool does not run again', async () => {
    runs = 0;
    let kept: (() => Promise<unknown>) | undefined;
    const plugin = definePlugin({
      name: 'keeper',
      recorded: ['wrapToolCall'],
      wrapToolCall: (_call, next) => {
        kept = next;
        return next();
      },
    });
    const { result } = await durableRun(plugin, [lookup]);
    expect((result as { text?: string }).text).toBe('Done.');
    expect(runs).toBe(1);
    const late = await kept?.().catch((error: unknown) => error);
    // Refused by the recorded wrapper's own rule: its next() runs the tool once.
    expect(late).toBeInstanceOf(Error);
    expect(runs).toBe(1);
  });

  it('a recorded wrapModelCall that keeps next: called after the run, nothing is sent', async () => {
    let kept: (() => Promise<unknown>) | undefined;
    const plugin = definePlugin({
      name: 'keeper',
      recorded: ['wrapModelCall'],
      wrapModelCall: (call, next) => {
        kept = () => next(call);
        return next(call);
      },
    });
    const { result, fake } = await durableRun(plugin, [lookup]);
    expect((result as { text?: string }).text).toBe('Done.');
    const sent = fake.modelRequests.length;
    // A recorded wrapper's late call waits for a part of its record that never comes (no part is
    // left to take it): it sends nothing. The wait here is a hang guard only.
    void kept?.().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.modelRequests).toHaveLength(sent);
  });

  it('a recorded afterAnswer whose thenable never calls back: the abort ends the run', async () => {
    const controller = new AbortController();
    const plugin = definePlugin({
      name: 'silent',
      recorded: ['afterAnswer'],
      afterAnswer: () => {
        queueMicrotask(() => controller.abort(new Error('caller stopped')));
        // biome-ignore lint/suspicious/noThenProperty: a thenable that never calls back, on purpose.
        return { then: () => undefined } as never;
      },
    });
    const { error } = await durableRun(plugin, [], controller.signal);
    expect(AgentAbortedError.isInstance(error)).toBe(true);
  }, 20_000);

  // attack45a: `recordedState: true` stores run.state as JSON after each recorded call and puts
  // that copy back (on the first run too), so a Set or Map became {} and a Date a string: the
  // plugin's next hook failed far from the cause (`seen.has is not a function`), and only in a
  // durable run. The record refuses such a state instead, naming the plugin, the hook and where.
  it.each([
    ['a Set', () => new Set(['a']), ' is a Set'],
    ['a Map', () => new Map([['a', 1]]), ' is a Map'],
    ['a Date', () => new Date(0), ' is a Date'],
    ['a function', () => () => 1, ' is a function'],
    ['a BigInt', () => 1n, ' is a BigInt'],
    ['NaN', () => Number.NaN, ' is NaN'],
    [
      'a cycle',
      () => {
        const cycle: Record<string, unknown> = {};
        cycle['self'] = cycle;
        return cycle;
      },
      '.self is a cycle',
    ],
  ])(
    'recordedState holding %s: a PluginError naming the plugin, the hook and the place, the same on replay',
    async (_name, make, told) => {
      let calls = 0;
      const plugin = definePlugin({
        name: 'seen',
        recorded: ['beforeModelCall'],
        recordedState: true,
        startRun: () => ({ seen: null as unknown }),
        beforeModelCall: (_call, run) => {
          calls++;
          run.state.seen = { ids: [make()] };
          return undefined;
        },
      });
      for (const again of [false, true]) {
        replaying = again;
        const { error, fake } = await durableRun(plugin, [lookup]);
        expect(PluginError.isInstance(error)).toBe(true);
        expect((error as PluginError).plugin).toBe('seen');
        expect((error as PluginError).hook).toBe('beforeModelCall');
        expect((error as PluginError).message).toContain(`run.state.seen.ids[0]${told}`);
        expect((error as PluginError).message).toContain('recordedState');
        expect(fake.modelRequests).toHaveLength(0);
      }
      expect(calls).toBe(1);
    },
  );

  // attack45a: a recorded hook's result goes into its step as JSON. A cycle or a getter that
  // throws failed the call with JSON's own words (`Converting circular structure to JSON`); then
  // the message said it was the record, but the durable run still failed where the same plugin in
  // process tells the model the tool failed and goes on. A tool hook's value is now recorded as
  // the tool path sends it (durable68): the model is told the same words, the same on replay.
  it.each([
    [
      'a cycle',
      () => {
        const cycle: Record<string, unknown> = { found: 'a' };
        cycle['self'] = cycle;
        return cycle;
      },
      'result.self is not JSON: a circular reference',
    ],
    [
      'a getter that throws',
      () => ({
        get found(): string {
          throw new Error('lazy field not loaded');
        },
      }),
      'result.found is not JSON: reading it threw (lazy field not loaded)',
    ],
    ['a function', () => () => 'refunded', 'the result is not JSON: a function is not JSON'],
  ])(
    'a recorded afterToolCall whose result holds %s: the model told the tool failed, as in process, the same on replay',
    async (_name, make, told) => {
      let calls = 0;
      const plugin = definePlugin({
        name: 'unstorable',
        recorded: ['afterToolCall'],
        afterToolCall: () => {
          calls++;
          return { result: make() };
        },
      });
      for (const again of [false, true]) {
        replaying = again;
        const { result, error, fake } = await durableRun(plugin, [lookup]);
        expect(error).toBeUndefined();
        expect(result).toMatchObject({ text: 'Done.' });
        const last = fake.modelRequests.at(-1)?.body as { contents: unknown[] };
        expect(JSON.stringify(last.contents.at(-1))).toContain(told);
      }
      expect(calls).toBe(1);
    },
  );

  // A function in a recorded result: JSON drops the key, so `{ result: fn }` came back as `{}`
  // and the run failed with "neither { result } nor { type: "hand-off", to }", blaming the
  // hook's shape (attack45a's probe). The real cause is named: a function cannot be recorded.
  // (`{ result: fn }` is a tool value, told to the model as in process: see above.)
  it.each([['afterToolCall', 'a function', () => () => 'refunded']])(
    'a recorded %s returning %s: a PluginError saying a function cannot be recorded, the same on replay',
    async (hook, _shape, make) => {
      let calls = 0;
      const plugin = definePlugin({
        name: 'functional',
        recorded: ['afterToolCall'],
        afterToolCall: () => {
          calls++;
          return make() as never;
        },
      });
      for (const again of [false, true]) {
        replaying = again;
        const { error } = await durableRun(plugin, [lookup]);
        expect(PluginError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ plugin: 'functional', hook });
        const { message } = error as PluginError;
        expect(message).toContain('is a function');
        expect(message).toContain('cannot be recorded');
        expect(message).not.toContain('neither { result }');
      }
      expect(calls).toBe(1);
    },
  );
});
