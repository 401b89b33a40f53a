import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { definePlugin, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

// The seam's newest public parts attacked from outside (issue 53), as a hostile third-party
// plugin author would write them, public imports only, against the fake Gemini on 127.0.0.1:
// hooks that throw what is not an Error, `ownErrors`, `order: 'first'`, `run.generate()`,
// `run.addInput` in a tool turn, and a hand-off's view of the run.

const MODEL = 'gemini-2.5-flash';
const KEY = 'AIzaOutsideAttack-0123456789abcdef';
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

async function outcome(
  agent: Agent,
  mode: Mode,
  input: string,
  options?: Parameters<Agent['run']>[1],
): Promise<{ result?: Awaited<ReturnType<Agent['run']>>; error?: unknown }> {
  try {
    if (mode === 'run') return { result: await agent.run(input, options) };
    const stream = agent.stream(input, options);
    for await (const _event of stream);
    return { result: await stream.result };
  } catch (error) {
    return { error };
  }
}

/** Everything a caller can read of an error: message, stack, own fields and causes, as text. */
function everything(error: unknown, depth = 0): string {
  if (depth > 4 || error === null || error === undefined) return '';
  if (typeof error !== 'object') return String(error);
  const record = error as Record<string, unknown>;
  let text = `${String(record['message'])}\n${String(record['stack'])}\n`;
  try {
    text += JSON.stringify(error);
  } catch {
    // A cycle: the fields are read one by one below.
  }
  for (const key of Object.getOwnPropertyNames(error)) {
    if (key === 'run') continue;
    const value = record[key];
    text += `\n${key}=${typeof value === 'object' ? everything(value, depth + 1) : String(value)}`;
  }
  return text;
}

const MODES = ['run', 'stream'] as const;

/** Values no hook should throw, each a way to break the code that reports a hook's failure. */
function hostileThrows(): Array<[string, () => unknown]> {
  return [
    ['null', () => null],
    ['undefined', () => undefined],
    ['a symbol', () => Symbol('boom')],
    ['a string holding the key', () => `failed with key ${KEY}`],
    ['a 5 MB string', () => 'x'.repeat(5_000_000)],
    [
      'a cyclic object',
      () => {
        const cyclic: Record<string, unknown> = { key: KEY };
        cyclic['self'] = cyclic;
        return cyclic;
      },
    ],
    [
      'an Error whose message getter throws',
      () => {
        const error = new Error('x');
        Object.defineProperty(error, 'message', {
          get() {
            throw new Error(`getter ${KEY}`);
          },
        });
        return error;
      },
    ],
    [
      'an Error whose message is not a string',
      () => {
        const error = new Error('x');
        Object.defineProperty(error, 'message', { value: { toString: () => KEY } });
        return error;
      },
    ],
    [
      'a Proxy that throws on every trap',
      () =>
        new Proxy(
          {},
          {
            get() {
              throw new Error(`trap ${KEY}`);
            },
            getPrototypeOf() {
              throw new Error(`trap ${KEY}`);
            },
            has() {
              throw new Error(`trap ${KEY}`);
            },
            ownKeys() {
              throw new Error(`trap ${KEY}`);
            },
            getOwnPropertyDescriptor() {
              throw new Error(`trap ${KEY}`);
            },
          },
        ),
    ],
    [
      'a revoked Proxy',
      () => {
        const { proxy, revoke } = Proxy.revocable(new Error(KEY), {});
        revoke();
        return proxy;
      },
    ],
  ];
}

describe.each(MODES)('hooks that throw hostile values (%s)', (mode) => {
  it.each(hostileThrows())(
    '%s: a PluginError naming the plugin, bounded, no key',
    async (_label, make) => {
      const { gemini } = await serve([turn.text('Done.')]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [
          definePlugin({
            name: 'hostile',
            beforeModelCall() {
              throw make();
            },
          }),
        ],
      });
      const { error } = await outcome(agent, mode, 'Go.');
      expect(PluginError.isInstance(error)).toBe(true);
      const failure = error as PluginError;
      expect(failure.plugin).toBe('hostile');
      expect(failure.hook).toBe('beforeModelCall');
      expect(failure.message).not.toContain(KEY);
      expect(failure.message.length).toBeLessThan(20_000);
    },
  );
});

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
});

/** The hooks a hostile value is thrown from, each reached by a run that calls `lookup` once. */
const HOOKS = [
  'startRun',
  'checkInput',
  'beforeModelCall',
  'afterModelCall',
  'checkAnswer',
  'afterAnswer',
  'beforeToolCall',
  'checkToolCall',
  'wrapToolCall',
  'afterToolCall',
  'wrapModelCall',
] as const;

describe.each(MODES)('every hook throwing an unreadable value (%s)', (mode) => {
  const [, proxy] = hostileThrows().find(([label]) => label.startsWith('a Proxy')) ?? [];
  const [, notString] = hostileThrows().find(([label]) => label.includes('not a string')) ?? [];
  it.each(HOOKS)('%s: the run fails as the plugin’s PluginError, the key nowhere', async (hook) => {
    for (const make of [proxy, notString]) {
      const { gemini } = await serve([turn.call('lookup', { q: 'a' }), turn.text('Done.')]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [lookup],
        plugins: [
          definePlugin({
            name: 'hostile',
            [hook]: () => {
              throw make?.();
            },
          }),
        ],
      });
      const { error } = await outcome(agent, mode, 'Go.');
      expect(PluginError.isInstance(error), hook).toBe(true);
      expect((error as PluginError).hook).toBe(hook);
      expect((error as PluginError).message).not.toContain(KEY);
    }
  });
});

class QuotaError extends Error {
  readonly user: string;
  constructor(message: string, user: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QuotaError';
    this.user = user;
  }
}

describe.each(MODES)('ownErrors attacked (%s)', (mode) => {
  it('a claimed error keeps its class and loses the key wherever it hid', async () => {
    const { gemini } = await serve([turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'quota',
          ownErrors: () => true,
          beforeModelCall() {
            const error = new QuotaError(`over quota for ${KEY}`, KEY, {
              cause: new Error(`inner ${KEY}`),
            });
            (error as unknown as Record<string, unknown>)['headers'] = { 'x-goog-api-key': KEY };
            throw error;
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.');
    expect(error).toBeInstanceOf(QuotaError);
    expect(everything(error)).not.toContain(KEY);
  });

  it('a predicate that throws claims nothing: the PluginError', async () => {
    const { gemini } = await serve([turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'quota',
          ownErrors: () => {
            throw new Error(KEY);
          },
          beforeModelCall() {
            throw new QuotaError('over', 'ann');
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.');
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).cause).toBeInstanceOf(QuotaError);
    expect(everything(error)).not.toContain(KEY);
  });

  it('claiming everything does not hide the caller’s abort', async () => {
    const { gemini } = await serve([turn.text('Done.')]);
    const controller = new AbortController();
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'greedy',
          ownErrors: () => true,
          async beforeModelCall(_call, run) {
            controller.abort(new Error('user left'));
            // A plugin that turns the abort into its own error.
            await Promise.resolve();
            throw new QuotaError(`aborted ${String(run.signal.aborted)}`, 'ann');
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.', { signal: controller.signal });
    expect(error).not.toBeInstanceOf(QuotaError);
    expect((error as { code?: string }).code).toBe('agent-aborted');
  });

  it('a claimed unreadable value does not throw in the caller’s hands', async () => {
    const [, proxy] = hostileThrows().find(([label]) => label.startsWith('a Proxy')) ?? [];
    const { gemini } = await serve([turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'greedy',
          ownErrors: () => true,
          beforeModelCall() {
            throw proxy?.();
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.');
    expect(() => `${String(error)} ${JSON.stringify(error)}`).not.toThrow();
    expect(String(error)).not.toContain(KEY);
  });
});

describe("order: 'first' with several plugins", () => {
  it('keeps the documented order, run after run: agent firsts, run firsts, agent, run', async () => {
    const seen: string[][] = [];
    const plugin = (name: string, first: boolean) =>
      definePlugin({
        name,
        ...(first && { order: 'first' as const }),
        beforeModelCall(_call, run) {
          if (name === 'a') seen.push([]);
          seen.at(-1)?.push(`before:${name}`);
          void run;
        },
        afterModelCall() {
          seen.at(-1)?.push(`after:${name}`);
        },
      });
    const { gemini } = await serve(() => turn.text('Done.'));
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [plugin('b', false), plugin('a', true), plugin('c', false), plugin('d', true)],
    });
    for (let index = 0; index < 3; index++) {
      seen.length = 0;
      await agent.run('Go.', { plugins: [plugin('e', false), plugin('f', true)] });
      // 'a' is the first before-hook, so its call opens the list.
      expect(seen).toEqual([
        [
          'before:a',
          'before:d',
          'before:f',
          'before:b',
          'before:c',
          'before:e',
          'after:e',
          'after:c',
          'after:b',
          'after:f',
          'after:d',
          'after:a',
        ],
      ]);
    }
  });
});
