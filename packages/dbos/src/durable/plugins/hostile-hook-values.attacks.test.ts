import { DBOS } from '@dbos-inc/dbos-sdk';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { agentTurnsOf } from '@gemloop/core/internal';
import { type AgentPlugin, definePlugin, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createPluginHookRecorder } from './durable-plugin-hooks.ts';

// A third party's recorded hooks (attack67c) whose results a durable run cannot keep, or whose
// throws are not Errors, against the seam's one recorder (durable-plugin-hooks.ts) on DBOS's step
// record, stood in for by a map whose replay hands back the JSON read from the row (DBOS stores a
// step's output serialized: @dbos-inc/dbos-sdk 5.3, dbos-executor.js runStepTempl). Each durable
// run is compared with the same plugin in process (no recorder): a durable run must keep the value
// or fail at record time, typed, naming the plugin, the hook and what, as clearly as in process.

const record = new Map<string, string>();
let replaying = false;

beforeEach(() => {
  record.clear();
  replaying = false;
  vi.spyOn(DBOS, 'workflowID', 'get').mockReturnValue('run-1');
  vi.spyOn(DBOS, 'isInWorkflow').mockReturnValue(true);
  vi.spyOn(DBOS, 'runStep').mockImplementation(async (body, config) => {
    const name = config?.name ?? '';
    const kept = record.get(name);
    if (replaying && kept !== undefined) return JSON.parse(kept);
    const value = await body();
    record.set(name, JSON.stringify(value));
    return value;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const SECRET = 'correct-horse-battery-staple';

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
});

/** A run of `plugin` as the run workflow starts one (`durable`: with the seam's recorder), or in process. */
async function runOf(
  plugin: AgentPlugin,
  durable: boolean,
): Promise<{ result?: { text: string }; error?: unknown; fake: FakeGemini }> {
  const fake = createFakeGemini({ script: [turn.call('lookup', { q: 'a' }), turn.text('Done.')] });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'k', fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    tools: [lookup],
    plugins: [plugin],
  });
  const recorder = durable ? createPluginHookRecorder() : undefined;
  const stream = agentTurnsOf(agent).stream('Go.', {}, undefined, undefined, recorder);
  try {
    for await (const _event of stream) {
      // drained: the result settles once the events are read
    }
    return { result: (await stream.result) as { text: string }, fake };
  } catch (error) {
    return { error, fake };
  }
}

/** The durable run's error, first run and replay, with the hook called once. */
async function durableErrors(make: () => AgentPlugin, calls: () => number): Promise<PluginError[]> {
  const errors: PluginError[] = [];
  for (const again of [false, true]) {
    replaying = again;
    const { error } = await runOf(make(), true);
    expect(PluginError.isInstance(error), String(error)).toBe(true);
    errors.push(error as PluginError);
  }
  expect(calls()).toBe(1);
  return errors;
}

describe('recorded hook results JSON would change', () => {
  // JSON keeps a Map or Set as {}, a typed array as an object of indexes, NaN and ±Infinity as
  // null. The record's copy is what the run uses on the first run too, so before attack67c the
  // model was told `{}` where the plugin returned a Map, silently; attack67c then failed the whole
  // durable run. In process the same tool value is the tool's failure told to the model ("a Map is
  // not JSON") and the run goes on: a tool hook's value is now recorded as the tool path sends it
  // (its JSON, or why it cannot be sent), so the durable run tells the model the same words, on
  // the first run and on the replay, and the hook is called once (durable68).
  it.each([
    ['a Map', () => ({ result: { byId: new Map([['a', 1]]) } }), 'result.byId is not JSON'],
    ['a Set', () => ({ result: { ids: [new Set(['a'])] } }), 'result.ids[0] is not JSON'],
    ['NaN', () => ({ result: { score: Number.NaN } }), '"NaN"'],
    ['-Infinity', () => ({ result: { score: Number.NEGATIVE_INFINITY } }), '"-Infinity"'],
    ['a Uint8Array', () => ({ result: new Uint8Array([1, 2]) }), 'binary data is not JSON'],
  ])(
    'an afterToolCall result holding %s: the model told as in process, the same on replay',
    async (_name, make, told) => {
      let calls = 0;
      const plugin = () =>
        definePlugin({
          name: 'lossy',
          recorded: ['afterToolCall'],
          afterToolCall: () => {
            calls++;
            return make() as never;
          },
        });
      const sent = async (durable: boolean): Promise<unknown> => {
        const { result, error, fake } = await runOf(plugin(), durable);
        expect(error).toBeUndefined();
        expect(result?.text).toBe('Done.');
        const bodies = fake.modelRequests.map((request) => request.body as { contents: unknown[] });
        return bodies.at(-1)?.contents.at(-1);
      };
      const inProcess = await sent(false);
      expect(JSON.stringify(inProcess)).toContain(told);
      calls = 0;
      expect(await sent(true)).toEqual(inProcess);
      replaying = true;
      expect(await sent(true)).toEqual(inProcess);
      expect(calls).toBe(1);
      expect(record.size).toBe(1);
    },
  );

  it('a recorded beforeModelCall whose result holds a Set: still refused at record time (no tool failure to tell the model)', async () => {
    let calls = 0;
    const plugin = () =>
      definePlugin({
        name: 'lossy',
        recorded: ['beforeModelCall'],
        beforeModelCall: () => {
          calls++;
          return { contents: [{ role: 'user', parts: [{ text: 'Go.' }] }], seen: new Set([1]) };
        },
      });
    for (const error of await durableErrors(plugin, () => calls)) {
      expect(error).toMatchObject({ plugin: 'lossy', hook: 'beforeModelCall' });
      expect(error.message).toContain('result.seen is a Set');
      expect(error.message).toContain('cannot be recorded');
    }
  });

  it('plain data, a Date and a BigInt are kept as in process (ISO text, decimal text)', async () => {
    const plugin = () =>
      definePlugin({
        name: 'plain',
        recorded: ['afterToolCall'],
        afterToolCall: () => ({ result: { at: new Date(0), n: 10n, list: [1, 'a', null] } }),
      });
    const sent = async (durable: boolean): Promise<unknown> => {
      const { result, fake } = await runOf(plugin(), durable);
      expect(result?.text).toBe('Done.');
      const bodies = fake.modelRequests.map((request) => request.body as { contents: unknown[] });
      return bodies.at(-1)?.contents.at(-1);
    };
    const inProcess = await sent(false);
    expect(await sent(true)).toEqual(inProcess);
    replaying = true;
    expect(await sent(true)).toEqual(inProcess);
  });
});

describe('recorded hooks that throw what is not an Error, or answer what cannot be read', () => {
  // In process a hook's throw of null or of an object is told "it threw a value that is not an
  // Error" (plugin-error.ts), and an Error whose message getter throws "cannot be read". The
  // durable record kept String(thrown) instead: "null", "[object Object]", or an empty detail.
  it.each([
    ['null', () => null],
    ['an object with a message', () => ({ message: `token ${SECRET}` })],
    [
      'an object whose message getter throws',
      () => ({
        get message(): string {
          throw new Error(`token ${SECRET}`);
        },
      }),
    ],
    [
      'an Error whose message getter throws',
      () =>
        Object.defineProperty(new Error('x'), 'message', {
          get() {
            throw new Error(`token ${SECRET}`);
          },
        }),
    ],
  ])(
    'a recorded beforeModelCall throwing %s: told as in process, the same on replay, nothing sent',
    async (_name, make) => {
      let calls = 0;
      const plugin = () =>
        definePlugin({
          name: 'thrower',
          recorded: ['beforeModelCall'],
          beforeModelCall: () => {
            calls++;
            throw make();
          },
        });
      const inProcess = (await runOf(plugin(), false)).error as PluginError;
      expect(PluginError.isInstance(inProcess)).toBe(true);
      calls = 0;
      for (const error of await durableErrors(plugin, () => calls)) {
        expect(error).toMatchObject({ plugin: 'thrower', hook: 'beforeModelCall' });
        expect(error.message).toBe(inProcess.message);
        expect(error.message).not.toContain(SECRET);
      }
      expect(record.size).toBe(1);
      expect([...record.values()].join()).not.toContain(SECRET);
    },
  );

  // A result behind a Proxy whose traps throw: in process "it returned a value that cannot be
  // read"; the record read it first and kept the trap's own words (a secret among them), in the
  // run's error and in the step's row.
  it('a recorded afterToolCall answering a Proxy whose traps throw: told as in process, the trap never quoted', async () => {
    let calls = 0;
    const trap = (): never => {
      throw new Error(`vault token ${SECRET}`);
    };
    const plugin = () =>
      definePlugin({
        name: 'proxied',
        recorded: ['afterToolCall'],
        afterToolCall: () => {
          calls++;
          return new Proxy({}, { get: trap, ownKeys: trap, has: trap }) as never;
        },
      });
    const inProcess = (await runOf(plugin(), false)).error as PluginError;
    expect(PluginError.isInstance(inProcess)).toBe(true);
    calls = 0;
    for (const error of await durableErrors(plugin, () => calls)) {
      expect(error).toMatchObject({ plugin: 'proxied', hook: 'afterToolCall' });
      expect(error.message).toBe(inProcess.message);
      expect(error.message).not.toContain(SECRET);
    }
    expect([...record.values()].join()).not.toContain(SECRET);
  });
});
