import { createAgent, InvalidArgumentError } from '@gemloop/core';
import {
  definePlugin,
  GuardrailTrippedError,
  PluginError,
  type PluginRun,
} from '@gemloop/core/plugins';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import {
  everything,
  KEY,
  lookup,
  MODEL,
  MODES,
  outcome,
  serve,
  trappedProxy,
} from './outside-attack-kit.ts';

// The seam's newest public parts attacked from outside (issue 53), as a hostile third-party
// plugin author would write them, public imports only, against the fake Gemini on 127.0.0.1:
// hooks that throw what is not an Error, `ownErrors`, `order: 'first'`, `run.generate()`,
// `run.addInput` in a tool turn, and a hand-off's view of the run.

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

describe.each(MODES)('run.addInput in the middle of a tool turn (%s)', (mode) => {
  it.each(['beforeToolCall', 'wrapToolCall', 'afterToolCall'] as const)(
    'from %s: refused typed, every functionCall turn still followed by its responses',
    async (hook) => {
      const { fake, gemini } = await serve([
        turn.calls([
          { name: 'lookup', args: { q: 'a' } },
          { name: 'lookup', args: { q: 'b' } },
        ]),
        turn.text('Done.'),
      ]);
      const refused: unknown[] = [];
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [lookup],
        plugins: [
          definePlugin({
            name: 'steer',
            async [hook](...args: unknown[]) {
              const run = args.at(-1) as PluginRun;
              await run
                .addInput([{ role: 'user', parts: [{ text: 'Hurry up.' }] }])
                .catch((error: unknown) => refused.push(error));
              if (hook === 'wrapToolCall') return (args[1] as () => Promise<unknown>)();
              return undefined;
            },
          }),
        ],
      });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeUndefined();
      expect(result?.text).toBe('Done.');
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((item) => InvalidArgumentError.isInstance(item))).toBe(true);
      expect(String((refused[0] as Error).message)).toMatch(/wait for their responses/);
      const second = fake.modelRequests[1]?.body as {
        contents: Array<{ role: string; parts: Array<Record<string, unknown>> }>;
      };
      second.contents.forEach((content, index) => {
        if (content.parts.some((part) => part['functionCall'] !== undefined)) {
          const next = second.contents[index + 1];
          expect(next?.parts.every((part) => part['functionResponse'] !== undefined)).toBe(true);
          expect(next?.parts).toHaveLength(2);
        }
      });
      expect(JSON.stringify(second.contents)).not.toContain('Hurry up.');
    },
  );

  it('added from the next beforeModelCall instead: joins after the responses', async () => {
    const { fake, gemini } = await serve([turn.call('lookup', { q: 'a' }), turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookup],
      plugins: [
        definePlugin({
          name: 'steer',
          async beforeModelCall(call, run) {
            if (call.stepNumber === 2)
              await run.addInput([{ role: 'user', parts: [{ text: 'Hurry up.' }] }]);
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.');
    expect(error).toBeUndefined();
    const body = fake.modelRequests[1]?.body as { contents: Array<{ role: string }> } | undefined;
    const roles = body?.contents.map((content) => content.role);
    expect(roles).toEqual(['user', 'model', 'user', 'user']);
  });
});

describe.each(MODES)('a hand-off seen by the plugins (%s)', (mode) => {
  it('the first agent’s plugin ends with handedOff and the receiving agent’s name and model', async () => {
    const { gemini } = await serve([turn.text('Handing over.'), turn.text('Done by B.')]);
    const seen: string[] = [];
    const receiving = createAgent({ gemini, model: 'gemini-2.5-pro', name: 'billing' });
    const agent = createAgent({
      gemini,
      model: MODEL,
      name: 'triage',
      plugins: [
        definePlugin({
          name: 'router',
          receivers: { billing: receiving },
          afterAnswer(_answer, run) {
            seen.push(`answer:${run.agentName}`);
            if (run.agentName === 'triage')
              return {
                type: 'hand-off' as const,
                to: receiving,
                contents: [{ role: 'user' as const, parts: [{ text: 'Bill me.' }] }],
              };
            return undefined;
          },
          endRun(run, end) {
            seen.push(`end:${run.agentName}:${run.model}:${String(end.handedOff)}`);
          },
        }),
      ],
    });
    const { result, error } = await outcome(agent, mode, 'Go.', {
      plugins: [
        definePlugin({
          name: 'watcher',
          beforeModelCall(_call, run) {
            seen.push(`call:${run.agentName}:${run.model}`);
          },
        }),
      ],
    });
    expect(error).toBeUndefined();
    expect(result?.text).toBe('Done by B.');
    expect(seen).toEqual([
      `call:triage:${MODEL}`,
      'answer:triage',
      'end:billing:gemini-2.5-pro:true',
      'call:billing:gemini-2.5-pro',
    ]);
  });
});

describe('hostile plugin objects given to createAgent and run', () => {
  const getterName = Object.defineProperty({}, 'name', {
    get() {
      throw new Error(`getter ${KEY}`);
    },
    enumerable: true,
  });
  it.each([
    ['null', null],
    ['a string', 'plugin'],
    ['a nameless plugin', { beforeModelCall() {} }],
    ['a hook that is not a function', { name: 'x', beforeModelCall: 42 }],
    ['an unknown order', { name: 'x', order: 'last' }],
    ['an ownErrors that is not a function', { name: 'x', ownErrors: true }],
    ['a name getter that throws', getterName],
  ])('%s: refused with a typed error naming the plugins option, no key', async (_label, plugin) => {
    const { gemini } = await serve([turn.text('Done.')]);
    let thrown: unknown;
    try {
      const agent = createAgent({ gemini, model: MODEL, plugins: [plugin as never] });
      await agent.run('Go.');
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown) || PluginError.isInstance(thrown)).toBe(true);
    expect(String((thrown as Error).message)).not.toContain(KEY);
    // And as a run's own plugin.
    const agent = createAgent({ gemini, model: MODEL });
    const { error } = await outcome(agent, 'run', 'Go.', { plugins: [plugin as never] });
    expect(InvalidArgumentError.isInstance(error) || PluginError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).not.toContain(KEY);
  });
});

describe.each(MODES)('run.trip with the key in its words (%s)', (mode) => {
  it('the GuardrailTrippedError carries neither in its name, reason nor message', async () => {
    const { gemini } = await serve([turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'policy',
          beforeModelCall: (_call, run) =>
            run.trip({ guardrailName: `limit ${KEY}`, phase: 'input', reason: `key ${KEY}` }),
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.');
    expect(GuardrailTrippedError.isInstance(error)).toBe(true);
    expect(everything(error)).not.toContain(KEY);
  });
});

describe.each(MODES)(
  'a hook that returns contents holding a proxy whose traps throw (%s)',
  (mode) => {
    it.each(['checkInput', 'beforeModelCall', 'afterAnswer'] as const)(
      '%s: its PluginError for an invalid result, the trap’s words (the key) nowhere',
      async (hook) => {
        const { gemini } = await serve([turn.text('Done.'), turn.text('Again.')]);
        const trapped = trappedProxy();
        const agent = createAgent({
          gemini,
          model: MODEL,
          plugins: [
            definePlugin({
              name: 'hostile',
              [hook]: () =>
                hook === 'afterAnswer'
                  ? { type: 'run-again', contents: [trapped] }
                  : { contents: [trapped] },
            }),
          ],
        });
        const { error } = await outcome(agent, mode, 'Go.');
        expect(PluginError.isInstance(error)).toBe(true);
        expect((error as PluginError).hook).toBe(hook);
        expect(everything(error)).not.toContain(KEY);
      },
    );
  },
);

describe.each(MODES)(
  'a hook that returns a content whose part is a proxy whose traps throw (%s)',
  (mode) => {
    it('the run fails typed, and the trap’s words (the key) are nowhere in what the caller reads', async () => {
      const { gemini } = await serve([turn.text('Done.')]);
      const trapped = trappedProxy();
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [
          definePlugin({
            name: 'hostile',
            beforeModelCall: () => ({ contents: [{ role: 'user' as const, parts: [trapped] }] }),
          }),
        ],
      });
      const { error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeInstanceOf(Error);
      expect(everything(error)).not.toContain(KEY);
    });
  },
);

/** A proxy that is no promise (`then` reads `undefined`) and throws on every other read. */
function thenlessTrap(): object {
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (key === 'then') return undefined;
        throw new Error(`trap ${KEY}`);
      },
      has() {
        throw new Error(`trap ${KEY}`);
      },
    },
  );
}

/** `fields` with `key` a getter that throws: read after the hook returned, by the tool path. */
function withThrowingGetter(fields: Record<string, unknown>, key: string): object {
  return Object.defineProperty({ ...fields }, key, {
    get() {
      throw new Error(`getter ${KEY}`);
    },
    enumerable: true,
  });
}

/** Per tool hook, a decision of its own shape whose field the tool path uses throws when read. */
const GETTER_DECISIONS = {
  beforeToolCall: () => withThrowingGetter({ type: 'result' }, 'result'),
  checkToolCall: () => withThrowingGetter({ type: 'deny' }, 'message'),
  wrapToolCall: () => withThrowingGetter({ type: 'value' }, 'value'),
  afterToolCall: () => withThrowingGetter({}, 'result'),
} as const;

describe.each(MODES)('a tool hook that returns a value that cannot be read (%s)', (mode) => {
  it.each(['beforeToolCall', 'checkToolCall', 'wrapToolCall', 'afterToolCall'] as const)(
    '%s: the plugin’s PluginError, as every other hook’s, the key nowhere',
    async (hook) => {
      const values: Array<[string, () => unknown]> = [
        ['a proxy whose traps throw', trappedProxy],
        ['a proxy that is no promise', thenlessTrap],
        ['a promise of a proxy that is no promise', () => Promise.resolve(thenlessTrap())],
        ['its decision with a getter that throws', GETTER_DECISIONS[hook]],
      ];
      for (const [label, make] of values) {
        const { gemini } = await serve([turn.call('lookup', { q: 'a' }), turn.text('Done.')]);
        const agent = createAgent({
          gemini,
          model: MODEL,
          tools: [lookup],
          plugins: [definePlugin({ name: 'hostile', [hook]: make })],
        });
        const { error } = await outcome(agent, mode, 'Go.');
        expect(PluginError.isInstance(error), label).toBe(true);
        expect((error as PluginError).plugin, label).toBe('hostile');
        expect((error as PluginError).hook, label).toBe(hook);
        expect(everything(error), label).not.toContain(KEY);
        // Read by the tool path, not thrown by the hook: its words are not the hook's.
        if (label !== 'a proxy whose traps throw' || hook !== 'wrapToolCall')
          expect((error as PluginError).detail, label).toMatch(
            /returned a value that cannot be read/,
          );
      }
    },
  );
});

describe.each(MODES)('a plugin that is itself a proxy whose traps throw (%s)', (mode) => {
  /** A plugin definePlugin made, behind a proxy that answers the seam's own key and throws on the rest. */
  const wrapping = (): object => {
    const real = definePlugin({ name: 'real', beforeModelCall() {} }) as object;
    return new Proxy(real, {
      get(target, key, receiver) {
        if (typeof key === 'string' && key.startsWith('gemloop'))
          return Reflect.get(target, key, receiver);
        throw new Error(`trap ${KEY}`);
      },
    });
  };
  it.each([
    ['a proxy whose traps throw', trappedProxy],
    ['a plugin behind a proxy that throws on its fields', wrapping],
  ])(
    '%s: a typed error naming plugins[i], no key, on the agent and on a run',
    async (_label, make) => {
      const { gemini } = await serve(() => turn.text('Done.'));
      const other = definePlugin({ name: 'other', beforeModelCall() {} });
      const failures: unknown[] = [];
      try {
        createAgent({ gemini, model: MODEL, plugins: [other, make() as never] });
      } catch (error) {
        failures.push(error);
      }
      // A run's own, on an agent without plugins and on one with.
      for (const plugins of [undefined, [other]]) {
        const agent = createAgent({ gemini, model: MODEL, ...(plugins && { plugins }) });
        const { error } = await outcome(agent, mode, 'Go.', { plugins: [make() as never] });
        failures.push(error);
      }
      expect(failures).toHaveLength(3);
      for (const failure of failures) {
        expect(InvalidArgumentError.isInstance(failure)).toBe(true);
        expect(everything(failure)).not.toContain(KEY);
      }
      const [agents, ...runs] = failures as InvalidArgumentError[];
      expect(agents?.message).toMatch(/^plugins\[1\] .*definePlugin\(\)/);
      for (const run of runs)
        expect(run.message).toMatch(/^options\.plugins\[0\] .*definePlugin\(\)/);
    },
  );
});
