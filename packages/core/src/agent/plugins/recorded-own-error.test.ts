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
