import { createAgent, createGemini, InvalidArgumentError } from '@gemloop/core';
import { definePlugin, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { QuotaExceededError, quota } from './quota-plugin.ts';

// A third party's own typed errors on the plugin seam, public imports only (issue 53): what a
// plugin's `ownErrors` claims ends the run as it is, run and stream, the client's key redacted; the
// rest (and everything, without `ownErrors`) is a PluginError, as before.

const KEY = 'test-key-0123456789';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: KEY, retry: false }) };
}

type Mode = 'run' | 'stream';
type Agent = ReturnType<typeof createAgent>;

async function failure(agent: Agent, mode: Mode, input: string): Promise<unknown> {
  try {
    if (mode === 'run') await agent.run(input);
    else {
      const stream = agent.stream(input);
      for await (const _event of stream);
      await stream.result;
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

function memoryStore(start: number) {
  const counts = new Map<string, number>([['ann', start]]);
  return {
    used: (user: string) => counts.get(user) ?? 0,
    add: (user: string) => {
      counts.set(user, (counts.get(user) ?? 0) + 1);
    },
  };
}

describe('a third-party plugin ends a run with its own typed error (ownErrors)', () => {
  it.each(['run', 'stream'] as const)(
    'the quota error reaches the caller as it is, not wrapped (%s)',
    async (mode) => {
      const { fake, gemini } = await serve([turn.text('one'), turn.text('two')]);
      const store = memoryStore(0);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [quota({ user: 'ann', limit: 1, store })],
      });
      expect(await failure(agent, mode, 'First.')).toBeUndefined();
      const error = await failure(agent, mode, 'Second.');
      expect(error).toBeInstanceOf(QuotaExceededError);
      expect(PluginError.isInstance(error)).toBe(false);
      expect(error).toMatchObject({ user: 'ann', limit: 1 });
      // Ended before the call: the model got one request.
      expect(fake.requests).toHaveLength(1);
    },
  );

  it.each(['run', 'stream'] as const)(
    'what the plugin does not claim is still a PluginError naming it and the hook (%s)',
    async (mode) => {
      const { gemini } = await serve([turn.text('unused')]);
      const broken = new Error('store offline');
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [
          quota({
            user: 'ann',
            limit: 5,
            store: {
              used: () => {
                throw broken;
              },
              add: () => undefined,
            },
          }),
        ],
      });
      const error = (await failure(agent, mode, 'Hi.')) as PluginError;
      expect(PluginError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ plugin: 'quota', hook: 'beforeModelCall' });
      expect(error.cause).toBe(broken);
    },
  );

  it.each(['run', 'stream'] as const)(
    "an own error that carries the client's key reaches the caller redacted, still typed (%s)",
    async (mode) => {
      const { gemini } = await serve([turn.text('unused')]);
      class LeakyError extends Error {
        readonly detail = `called with key ${KEY}`;
      }
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [
          definePlugin({
            name: 'leaky',
            ownErrors: (error) => error instanceof LeakyError,
            beforeModelCall: () => {
              throw new LeakyError(`bad key ${KEY}`);
            },
          }),
        ],
      });
      const error = (await failure(agent, mode, 'Hi.')) as LeakyError;
      expect(error).toBeInstanceOf(LeakyError);
      expect(error.message).not.toContain(KEY);
      expect(error.detail).not.toContain(KEY);
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain(KEY);
    },
  );

  it.each(['run', 'stream'] as const)(
    'a predicate that throws or answers anything but true does not claim the error (%s)',
    async (mode) => {
      const { gemini } = await serve([turn.text('unused'), turn.text('unused')]);
      for (const ownErrors of [
        () => {
          throw new Error('predicate bug');
        },
        () => 'yes' as unknown as boolean,
      ]) {
        const thrown = new QuotaExceededError('ann', 0);
        const agent = createAgent({
          gemini,
          model: 'gemini-2.5-flash',
          plugins: [
            definePlugin({
              name: 'odd',
              ownErrors,
              beforeModelCall: () => {
                throw thrown;
              },
            }),
          ],
        });
        const error = (await failure(agent, mode, 'Hi.')) as PluginError;
        expect(PluginError.isInstance(error)).toBe(true);
        expect(error.cause).toBe(thrown);
      }
    },
  );

  it.each(['run', 'stream'] as const)(
    "an outer plugin's wrapper that lets it through does not wrap it in its own PluginError (%s)",
    async (mode) => {
      const { gemini } = await serve([turn.text('unused')]);
      const passed: unknown[] = [];
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [
          definePlugin({
            name: 'timing',
            wrapModelCall: async (call, next) => {
              try {
                return await next(call);
              } catch (error) {
                passed.push(error);
                throw error;
              }
            },
          }),
          definePlugin({
            name: 'gate',
            ownErrors: (error) => error instanceof QuotaExceededError,
            wrapModelCall: () => {
              throw new QuotaExceededError('ann', 0);
            },
          }),
        ],
      });
      const error = await failure(agent, mode, 'Hi.');
      expect(error).toBeInstanceOf(QuotaExceededError);
      expect(passed).toEqual([error]);
    },
  );

  it('a class plugin names its own errors with a method, `this` its instance', async () => {
    const { gemini } = await serve([turn.text('unused')]);
    class Gate {
      readonly name = 'gate';
      readonly owned = QuotaExceededError;
      ownErrors(error: unknown): boolean {
        return error instanceof this.owned;
      }
      beforeModelCall(): void {
        throw new QuotaExceededError('bob', 0);
      }
    }
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      plugins: [definePlugin(new Gate())],
    });
    expect(await failure(agent, 'run', 'Hi.')).toBeInstanceOf(QuotaExceededError);
  });

  it('refuses an ownErrors that is not a function, naming the plugin', () => {
    expect(() =>
      createAgent({
        gemini: createGemini({ apiKey: KEY }),
        model: 'gemini-2.5-flash',
        plugins: [
          definePlugin({ name: 'bad', ownErrors: true as unknown as (error: unknown) => boolean }),
        ],
      }),
    ).toThrow(InvalidArgumentError);
  });
});
