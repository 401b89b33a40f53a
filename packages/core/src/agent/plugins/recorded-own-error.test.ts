import { describe, expect, it } from 'vitest';
import { mapRecorder } from '../__fixtures__/map-recorder.ts';
import { createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../agent-turns.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';
import { PluginError } from './plugin-error.ts';
import type { PluginHookRecorder } from './run-plugins.ts';

// A plugin's own typed error (`ownErrors`) thrown by a `recorded` hook ends the run as it is,
// with a durable runner's recorder too, and a replay ends it the same way without calling the
// hook. Before, the recorder's kept throw (name and message) was thrown again as a plain Error,
// which `ownErrors` did not claim: a durable run ended with a PluginError where the same run in
// process ended with the plugin's error. The recorder stood in for by a map that keeps what a
// durable one keeps (JSON; a throw as its name and message only, as @gemloop/dbos's
// createPluginHookRecorder does).

const MODEL = 'gemini-2.5-flash';

class QuotaError extends Error {
  override readonly name = 'QuotaError';
  readonly user: string;
  readonly limit: number;
  constructor(user: string, limit: number) {
    super(`User "${user}" has used all ${limit} calls.`);
    this.user = user;
    this.limit = limit;
  }
}

async function failure(plugin: AgentPlugin, record?: PluginHookRecorder): Promise<unknown> {
  const agent = createAgent({
    gemini: createScriptedGemini([textTurn('Hi.')]),
    model: MODEL,
    plugins: [plugin],
  });
  const stream = agentTurnsOf(agent).stream('Hello', {}, undefined, undefined, record);
  try {
    for await (const _event of stream) {
      // drained: the result settles once the events are read
    }
    await stream.result;
  } catch (error) {
    return error;
  }
  return undefined;
}

function quota(calls: { count: number }, claim = true): AgentPlugin {
  return definePlugin({
    name: 'quota',
    recorded: ['beforeModelCall'],
    ownErrors: (error) => claim && error instanceof QuotaError,
    beforeModelCall: () => {
      calls.count++;
      throw new QuotaError('ann', 1);
    },
  });
}

describe("a recorded hook's own typed error (ownErrors)", () => {
  it('ends the run as it is with a recorder, as in process, and the record holds it as data', async () => {
    const calls = { count: 0 };
    const inProcess = await failure(quota(calls));
    expect(inProcess).toBeInstanceOf(QuotaError);
    const recorder = mapRecorder();
    const recorded = await failure(quota(calls), recorder.record);
    expect(recorded).toBeInstanceOf(QuotaError);
    expect(PluginError.isInstance(recorded)).toBe(false);
    expect(recorded).toMatchObject({ user: 'ann', limit: 1 });
    expect([...recorder.stored.values()]).toEqual([
      {
        own: {
          name: 'QuotaError',
          message: 'User "ann" has used all 1 calls.',
          fields: { user: 'ann', limit: 1 },
        },
      },
    ]);
    expect(calls.count).toBe(2);
  });

  it('a replay ends the run with the same error, rebuilt from the record, without calling the hook', async () => {
    const calls = { count: 0 };
    const recorder = mapRecorder();
    await failure(quota(calls), recorder.record);
    recorder.replay();
    const replayed = (await failure(quota(calls), recorder.record)) as Error;
    expect(calls.count).toBe(1);
    expect(PluginError.isInstance(replayed)).toBe(false);
    expect(replayed).toBeInstanceOf(Error);
    expect(replayed.name).toBe('QuotaError');
    expect(replayed.message).toBe('User "ann" has used all 1 calls.');
    expect(replayed).toMatchObject({ user: 'ann', limit: 1 });
  });

  it('an error the plugin does not claim is still its PluginError, first run and replay', async () => {
    const calls = { count: 0 };
    const recorder = mapRecorder();
    const first = (await failure(quota(calls, false), recorder.record)) as PluginError;
    expect(PluginError.isInstance(first)).toBe(true);
    expect(first).toMatchObject({ plugin: 'quota', hook: 'beforeModelCall' });
    recorder.replay();
    const again = (await failure(quota(calls, false), recorder.record)) as PluginError;
    expect(PluginError.isInstance(again)).toBe(true);
    expect((again.cause as Error).name).toBe('QuotaError');
    expect(calls.count).toBe(1);
  });

  it('keeps only JSON fields of at most 16 KB, and never fails on a hostile error', async () => {
    class Hostile extends Error {
      override readonly name = 'Hostile';
      readonly self: unknown = this;
    }
    class Huge extends Error {
      override readonly name = 'Huge';
      readonly blob = 'x'.repeat(20_000);
    }
    for (const made of [() => new Hostile('cycle'), () => new Huge('big')]) {
      const recorder = mapRecorder();
      const plugin = definePlugin({
        name: 'hostile',
        recorded: ['beforeModelCall'],
        ownErrors: () => true,
        beforeModelCall: () => {
          throw made();
        },
      });
      const first = (await failure(plugin, recorder.record)) as Error;
      expect(PluginError.isInstance(first)).toBe(false);
      const [kept] = [...recorder.stored.values()] as { own: Record<string, unknown> }[];
      expect(kept?.own).toEqual({ name: first.name, message: first.message });
      recorder.replay();
      const replayed = (await failure(plugin, recorder.record)) as Error;
      expect([replayed.name, replayed.message]).toEqual([first.name, first.message]);
    }
  });
});

// A recorded hook's own error and a reporting hook's failure sat in the record with the client's
// keys cut but a URL's password and internal addresses whole (redact40's audit): a durable
// recorder stores what core gives it. Both are kept as `redactLocalDetails` leaves them; a claimed
// error's first run ends as its replay does (the same text, its class kept).
describe("a recorded hook's error without local details", () => {
  const LEAKY =
    'pool failed: postgres://app:hunter2secret@10.0.0.5:5432/quota via db-7.corp.internal:6432';
  const LEAKS = ['hunter2secret', '10.0.0.5', 'postgres://', 'db-7.corp.internal'];

  class PoolError extends Error {
    override readonly name = 'PoolError';
    readonly target = { url: 'postgres://app:hunter2secret@10.0.0.5:5432/quota', port: 5432 };
  }

  function leaky(calls: { count: number }, claim: boolean): AgentPlugin {
    return definePlugin({
      name: 'pool',
      recorded: ['beforeModelCall'],
      ownErrors: (error) => claim && error instanceof PoolError,
      beforeModelCall: (_call, run) => {
        calls.count++;
        run.emit('checked', { ok: true });
        throw new PoolError(LEAKY);
      },
    });
  }

  async function outcome(
    plugin: AgentPlugin,
    record: PluginHookRecorder,
  ): Promise<{ error: unknown; events: unknown[] }> {
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Hi.')]),
      model: MODEL,
      plugins: [plugin],
    });
    const stream = agentTurnsOf(agent).stream('Hello', {}, undefined, undefined, record);
    const events: unknown[] = [];
    try {
      for await (const event of stream) events.push(event);
      await stream.result;
    } catch (error) {
      return { error, events };
    }
    return { error: undefined, events };
  }

  /** Every text a value shows: its JSON, and an error's name, message and cause's. */
  function shown(value: unknown): string {
    if (value instanceof Error)
      return `${value.name} ${value.message} ${JSON.stringify(value)} ${shown(value.cause)}`;
    return JSON.stringify(value) ?? '';
  }

  for (const claim of [true, false]) {
    const what = claim ? 'a claimed error (own)' : 'a failure after reports (failed)';
    it(`${what}: the record keeps none, and a replay shows none`, async () => {
      const calls = { count: 0 };
      const recorder = mapRecorder();
      const first = await outcome(leaky(calls, claim), recorder.record);
      const stored = JSON.stringify([...recorder.stored.values()]);
      for (const leak of LEAKS) expect(stored).not.toContain(leak);
      expect(stored).toContain('<url>');
      expect(stored).toContain('pool failed:');
      expect(stored).toContain('"checked"');
      recorder.replay();
      const again = await outcome(leaky(calls, claim), recorder.record);
      expect(calls.count).toBe(1);
      const replayed = `${shown(again.error)} ${shown(again.events)}`;
      for (const leak of LEAKS) expect(replayed).not.toContain(leak);
      expect(again.events.filter((event) => (event as { type: string }).type === 'plugin')).toEqual(
        first.events.filter((event) => (event as { type: string }).type === 'plugin'),
      );
      if (claim) {
        // The first run ends as the replay does: the plugin's class, the record's text.
        expect(first.error).toBeInstanceOf(PoolError);
        expect(PluginError.isInstance(again.error)).toBe(false);
        const [firstError, replayError] = [first.error, again.error] as Error[];
        expect(replayError?.message).toBe(firstError?.message);
        expect(replayError).toMatchObject({ target: { port: 5432 } });
        expect(shown(first.error)).toBe(shown(again.error));
      } else {
        expect(PluginError.isInstance(again.error)).toBe(true);
        expect(again.error).toMatchObject({ plugin: 'pool', hook: 'beforeModelCall' });
      }
    });
  }

  it('a claimed error with no local detail is the thrown error itself, first run', async () => {
    const recorder = mapRecorder();
    const thrown = new QuotaError('ann', 1);
    const plugin = definePlugin({
      name: 'quota',
      recorded: ['beforeModelCall'],
      ownErrors: (error) => error instanceof QuotaError,
      beforeModelCall: () => {
        throw thrown;
      },
    });
    expect((await outcome(plugin, recorder.record)).error).toBe(thrown);
  });
});

// leftovers42: an error nobody claims ends the run as the plugin's PluginError, whose `message`
// (and `detail`) every log line, span, event and page shows. The record and a replay held it
// without local details; the first run's message held the thrown text whole. The message is now
// the redacted text, while `cause` stays the very error thrown: a wrapper's `next` that threw
// goes on as itself (`wrapped()` knows it by identity), and the caller still has it in process.
describe("an unclaimed hook failure's message without local details", () => {
  const LEAKY =
    'pool failed: postgres://app:hunter2secret@10.0.0.5:5432/quota via db-7.corp.internal:6432 in /srv/quota/pool.js';
  const LEAKS = ['hunter2secret', '10.0.0.5', 'postgres://', 'db-7.corp.internal', '/srv/quota'];

  function failing(thrown: Error, recorded: boolean): AgentPlugin {
    return definePlugin({
      name: 'pool',
      ...(recorded && { recorded: ['beforeModelCall' as const] }),
      beforeModelCall: (_call, run) => {
        run.emit('checked', { ok: true });
        throw thrown;
      },
    });
  }

  for (const recorded of [false, true]) {
    it(`${recorded ? 'a recorded hook' : 'in process'}: the message shows none, the cause is the thrown error`, async () => {
      const thrown = new Error(LEAKY);
      const recorder = mapRecorder();
      const first = (await failure(
        failing(thrown, recorded),
        recorded ? recorder.record : undefined,
      )) as PluginError;
      expect(PluginError.isInstance(first)).toBe(true);
      for (const leak of LEAKS) {
        expect(first.message).not.toContain(leak);
        expect(first.detail).not.toContain(leak);
      }
      expect(first.message).toBe(
        'Plugin "pool" failed in beforeModelCall: pool failed: <url> via <host> in <path>',
      );
      expect(first.cause).toBe(thrown);
      if (!recorded) return;
      recorder.replay();
      const again = (await failure(
        failing(new Error('not thrown'), true),
        recorder.record,
      )) as PluginError;
      // The first run's message is the replay's.
      expect(again.message).toBe(first.message);
    });
  }

  it("a wrapper's next that threw goes on as itself, its text whole (not the plugin's failure)", async () => {
    let fromNext: unknown;
    const agent = createAgent({
      gemini: createScriptedGemini([]),
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'wrap',
          wrapModelCall: async (call, next) => {
            try {
              return await next(call);
            } catch (error) {
              fromNext = error;
              throw error;
            }
          },
        }),
      ],
    });
    const error = await agent.run('Hello').catch((caught: unknown) => caught);
    expect(fromNext).toBeInstanceOf(Error);
    expect(error).toBe(fromNext);
    expect(PluginError.isInstance(error)).toBe(false);
  });
});
