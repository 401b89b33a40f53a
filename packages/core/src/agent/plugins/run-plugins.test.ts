import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Content } from '../../wire/content.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';
import { PluginError } from './plugin-error.ts';

// What a hook returns is untrusted (a third party's plugin): each wrong shape ends the run with a
// PluginError naming the plugin and the hook, before anything malformed reaches the model, and
// the seam's order (before-hooks in order, after-hooks in reverse, wrappers first-outermost)
// holds in a unary and a streamed run alike.

const MODEL = 'gemini-2.5-flash';

function lookupTool(seen: unknown[] = []) {
  return defineTool({
    name: 'lookup',
    description: 'Looks a city up.',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      seen.push(city);
      return { city, temperature: 21 };
    },
  });
}

/** The functionResponse payloads of the request of call `index`'s last content. */
function responsesSent(
  gemini: ReturnType<typeof createScriptedGemini>,
  index: number,
): Record<string, unknown>[] {
  const last = gemini.contentsOf(index).at(-1);
  return (last?.parts ?? []).flatMap((part) =>
    part.functionResponse === undefined
      ? []
      : [part.functionResponse.response as Record<string, unknown>],
  );
}

/** The PluginError a run with this plugin ends with. */
async function pluginFailure(
  mode: (typeof RUN_MODES)[number],
  plugin: AgentPlugin<undefined>,
  script: Parameters<typeof createScriptedGemini>[0],
): Promise<{ error: PluginError; gemini: ReturnType<typeof createScriptedGemini> }> {
  const gemini = createScriptedGemini(script);
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools: [lookupTool()],
    plugins: [plugin],
  });
  const error = await rejectionOf(runBothWays(mode, agent, 'Weather in Oslo?'));
  expect(PluginError.isInstance(error)).toBe(true);
  return { error: error as PluginError, gemini };
}

describe.each(RUN_MODES)('a plugin hook returning what it may not (%s)', (mode) => {
  it.each([
    ['a list holding null', [null]],
    ['an empty list', []],
    ['a content whose parts are not a list', [{ role: 'user', parts: 'hi' }]],
    ['a list holding a string', ['hi']],
    // leftovers77a (attack62's leftover): appended as asked, sent, and the API's 400 came back.
    ['history plus a content whose role is a number', 'role 7'],
    ['history plus a content whose role is an object', 'role object'],
  ])(
    'refuses beforeModelCall contents that are %s, before any call is sent',
    async (_, contents) => {
      const plugin = definePlugin({
        name: 'rewriter',
        beforeModelCall: (call) => ({
          contents:
            typeof contents === 'string'
              ? [
                  ...call.contents,
                  {
                    role: (contents === 'role 7'
                      ? 7
                      : { name: 'user' }) as unknown as Content['role'],
                    parts: [{ text: 'Answer in French.' }],
                  },
                ]
              : (contents as unknown as Content[]),
        }),
      });
      const { error, gemini } = await pluginFailure(mode, plugin, [textTurn('never')]);
      expect(error).toMatchObject({ plugin: 'rewriter', hook: 'beforeModelCall' });
      expect(error.message).toContain('non-empty list of contents');
      expect(gemini.calls).toHaveLength(0);
    },
  );

  it('sends model turns a beforeModelCall keeps (a compacted history), verbatim', async () => {
    const gemini = createScriptedGemini([textTurn('Fine.')]);
    const summary: Content[] = [
      { role: 'user', parts: [{ text: 'Earlier: we spoke of Oslo.' }] },
      { role: 'model', parts: [{ text: 'Yes, Oslo.' }] },
    ];
    const plugin = definePlugin({
      name: 'summariser',
      beforeModelCall: (call) => ({ contents: [...summary, ...call.contents] }),
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    await runBothWays(mode, agent, 'And now?');
    expect(gemini.contentsOf(0)).toEqual([
      ...summary,
      { role: 'user', parts: [{ text: 'And now?' }] },
    ]);
  });

  it.each([
    ['a string', 'contents please'],
    ['a number', 42],
    ['an object without contents', { content: [] }],
    ['an unknown outcome type', { type: 'skip' }],
  ])('refuses beforeModelCall returning %s', async (_, value) => {
    const plugin = definePlugin({ name: 'odd', beforeModelCall: () => value as never });
    const { error, gemini } = await pluginFailure(mode, plugin, [textTurn('never')]);
    expect(error).toMatchObject({ plugin: 'odd', hook: 'beforeModelCall' });
    expect(error.detail).toContain('neither { contents } nor { type: "finish", reason }');
    expect(gemini.calls).toHaveLength(0);
  });

  it('treats null from a hook as "no change" like undefined', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('Mild.'),
    ]);
    const seen: unknown[] = [];
    const plugin = definePlugin({
      name: 'nulls',
      beforeModelCall: () => null as never,
      afterAnswer: () => null as never,
      beforeToolCall: () => null as never,
      afterToolCall: () => null as never,
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool(seen)],
      plugins: [plugin],
    });
    const { result } = await runBothWays(mode, agent, 'Weather?');
    expect(result.text).toBe('Mild.');
    expect(seen).toEqual(['Oslo']);
    expect(responsesSent(gemini, 1)).toEqual([{ city: 'Oslo', temperature: 21 }]);
  });

  it('ends the run with a finish whose reason is not a string, under a reason that says a plugin did', async () => {
    const gemini = createScriptedGemini([]);
    const plugin = definePlugin({
      name: 'gate',
      beforeModelCall: () => ({ type: 'finish', reason: { code: 7 } }) as never,
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const { result } = await runBothWays(mode, agent, 'Hi');
    expect(result.stoppedBy).toEqual({ plugin: 'gate', reason: 'finished by a plugin' });
    expect(gemini.calls).toHaveLength(0);
  });

  it.each([
    ['undefined', undefined],
    ['an object that is not a step', { text: 'forged' }],
    ['a string', 'the answer'],
  ])('refuses wrapModelCall resolving to %s', async (_, value) => {
    const plugin = definePlugin({
      name: 'wrapper',
      wrapModelCall: async (call, next) => {
        await next(call);
        return value as never;
      },
    });
    const { error, gemini } = await pluginFailure(mode, plugin, [textTurn('real')]);
    expect(error).toMatchObject({ plugin: 'wrapper', hook: 'wrapModelCall' });
    expect(error.detail).toContain('not a step');
    // The call was made; its answer is not taken as the run's.
    expect(gemini.calls).toHaveLength(1);
  });

  it("passes next()'s own failure on as it is, not as the wrapper's", async () => {
    const down = new Error('model down');
    const plugin = definePlugin({
      name: 'passthrough',
      wrapModelCall: (call, next) => next(call),
    });
    const gemini = createScriptedGemini([{ error: down }]);
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const error = await rejectionOf(runBothWays(mode, agent, 'Hi'));
    expect(PluginError.isInstance(error)).toBe(false);
    expect(String((error as Error).message)).toContain('model down');
  });

  it('makes a wrapper that throws its own error a PluginError carrying it as the cause', async () => {
    const own = new Error('quota table unreachable');
    const plugin = definePlugin({
      name: 'quota',
      wrapModelCall: async () => {
        throw own;
      },
    });
    const { error, gemini } = await pluginFailure(mode, plugin, [textTurn('never')]);
    expect(error).toMatchObject({ plugin: 'quota', hook: 'wrapModelCall', cause: own });
    expect(error.detail).toBe('quota table unreachable');
    expect(gemini.calls).toHaveLength(0);
  });

  it.each([
    [
      'run-again with a model turn',
      { type: 'run-again', contents: [{ role: 'model', parts: [{ text: 'x' }] }] },
    ],
    ['run-again without contents', { type: 'run-again' }],
    ['an unknown type', { type: 'again' }],
    ['a hand-off without `to`', { type: 'hand-off' }],
    ['a hand-off whose filter is not a function', { type: 'hand-off', to: {}, filter: 'recent' }],
    ['a hand-off with an empty name', { type: 'hand-off', to: {}, name: '' }],
  ])('refuses afterAnswer returning %s', async (_, value) => {
    const plugin = definePlugin({ name: 'critic', afterAnswer: () => value as never });
    const { error, gemini } = await pluginFailure(mode, plugin, [textTurn('Draft.')]);
    expect(error).toMatchObject({ plugin: 'critic', hook: 'afterAnswer' });
    expect(gemini.calls).toHaveLength(1);
    // The answer the run ended on is in the error's history, so nothing the model said is lost.
    expect(error.run.contents.at(-1)).toEqual({ role: 'model', parts: [{ text: 'Draft.' }] });
  });

  it('refuses a run-again that neither returns nor adds contents, instead of asking the same history until maxSteps', async () => {
    const plugin = definePlugin({
      name: 'critic',
      afterAnswer: () => ({ type: 'run-again', contents: [] }),
    });
    const { error, gemini } = await pluginFailure(mode, plugin, [
      textTurn('Draft.'),
      ...Array.from({ length: 9 }, () => textTurn('Draft.')),
    ]);
    expect(error).toMatchObject({ plugin: 'critic', hook: 'afterAnswer' });
    expect(error.detail).toContain('return the user turn to answer in contents');
    expect(error.detail).toContain('run.addInput');
    expect(gemini.calls).toHaveLength(1);
    expect(error.run.contents.at(-1)).toEqual({ role: 'model', parts: [{ text: 'Draft.' }] });
  });

  it('ends with the answer and does not call the model again when run-again comes with no step left', async () => {
    const gemini = createScriptedGemini([textTurn('Only.')]);
    const plugin = definePlugin({
      name: 'critic',
      afterAnswer: ({ stepsLeft }) => {
        expect(stepsLeft).toBe(false);
        return { type: 'run-again', contents: [{ role: 'user', parts: [{ text: 'More.' }] }] };
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin], maxSteps: 1 });
    const { result } = await runBothWays(mode, agent, 'Hi');
    expect(result.text).toBe('Only.');
    expect(gemini.calls).toHaveLength(1);
    expect(JSON.stringify(result.contents)).not.toContain('More.');
  });

  it.each([
    ['args that are not an object', { type: 'args', args: 'city=Rome' }],
    ['args as a list', { type: 'args', args: ['Rome'] }],
    ['a deny without a message', { type: 'deny' }],
    ['a deny whose message is not a string', { type: 'deny', message: 42 }],
    ['an unknown type', { type: 'skip' }],
  ])(
    'refuses beforeToolCall returning %s, the tool not run and its call still answered',
    async (_, value) => {
      const seen: unknown[] = [];
      const gemini = createScriptedGemini([callsTurn(['lookup', { city: 'Oslo' }, 'c1'])]);
      const plugin = definePlugin({ name: 'gatekeeper', beforeToolCall: () => value as never });
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [lookupTool(seen)],
        plugins: [plugin],
      });
      const error = await rejectionOf(runBothWays(mode, agent, 'Weather?'));
      expect(PluginError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ plugin: 'gatekeeper', hook: 'beforeToolCall' });
      expect(seen).toEqual([]);
      // The history in the error stays one a chat can go on from: the call has its response.
      const last = (error as PluginError).run.contents.at(-1);
      expect(last?.role).toBe('user');
      expect(last?.parts[0]?.functionResponse?.id).toBe('c1');
    },
  );

  it('chains args decisions: each beforeToolCall sees the args the one before it made', async () => {
    const seen: unknown[] = [];
    const drafts: unknown[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'oslo' }, 'c1']),
      textTurn('ok'),
    ]);
    const trim = definePlugin({
      name: 'trim',
      beforeToolCall: ({ args }) => {
        drafts.push(args);
        return { type: 'args', args: { city: `${String(args['city'])}  `.trim() } };
      },
    });
    const capitalise = definePlugin({
      name: 'capitalise',
      beforeToolCall: ({ args }) => {
        drafts.push(args);
        const city = String(args['city']);
        return { type: 'args', args: { city: city[0]?.toUpperCase() + city.slice(1) } };
      },
    });
    const watcher = definePlugin({
      name: 'watcher',
      beforeToolCall: ({ args }) => {
        drafts.push(args);
      },
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool(seen)],
      plugins: [trim, capitalise, watcher],
    });
    const { result } = await runBothWays(mode, agent, 'Weather?');
    expect(drafts).toEqual([{ city: 'oslo' }, { city: 'oslo' }, { city: 'Oslo' }]);
    expect(seen).toEqual(['Oslo']);
    // The model's own call stays in the history as it sent it.
    expect(result.contents[1]?.parts[0]?.functionCall?.args).toEqual({ city: 'oslo' });
  });

  it('stops the chain at the first result: later beforeToolCall hooks are not asked', async () => {
    const seen: unknown[] = [];
    const asked: string[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('ok'),
    ]);
    const cache = definePlugin({
      name: 'cache',
      beforeToolCall: () => {
        asked.push('cache');
        return { type: 'result', result: { city: 'Oslo', temperature: 3, cached: true } };
      },
    });
    const later = definePlugin({
      name: 'later',
      beforeToolCall: () => {
        asked.push('later');
        return { type: 'deny', message: 'no' };
      },
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool(seen)],
      plugins: [cache, later],
    });
    await runBothWays(mode, agent, 'Weather?');
    expect(asked).toEqual(['cache']);
    expect(seen).toEqual([]);
    expect(responsesSent(gemini, 1)).toEqual([{ city: 'Oslo', temperature: 3, cached: true }]);
  });

  it("gives the model a deny message as the call's error, the tool not run", async () => {
    const seen: unknown[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('ok'),
    ]);
    const plugin = definePlugin({
      name: 'policy',
      beforeToolCall: () => ({ type: 'deny', message: 'Lookups are closed on Sundays.' }),
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool(seen)],
      plugins: [plugin],
    });
    await runBothWays(mode, agent, 'Weather?');
    expect(seen).toEqual([]);
    expect(JSON.stringify(responsesSent(gemini, 1))).toContain('Lookups are closed on Sundays.');
  });

  it.each([
    ['undefined', undefined],
    ['a bare value', { city: 'Oslo' }],
    ['an unknown type', { type: 'ok', value: 1 }],
    ['a timeout without its limit', { type: 'timeout' }],
    ['a timeout with a limit that is not a number', { type: 'timeout', timeoutMs: '30s' }],
    ['a timeout with a negative limit', { type: 'timeout', timeoutMs: -1 }],
  ])('refuses wrapToolCall resolving to %s', async (_, value) => {
    const plugin = definePlugin({ name: 'timer', wrapToolCall: async () => value as never });
    const { error } = await pluginFailure(mode, plugin, [
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
    ]);
    expect(error).toMatchObject({ plugin: 'timer', hook: 'wrapToolCall' });
    expect(error.detail).toContain('for lookup');
  });

  it('tells the model the limit a wrapToolCall timeout names', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('ok'),
    ]);
    const plugin = definePlugin({
      name: 'timer',
      wrapToolCall: async () => ({ type: 'timeout', timeoutMs: 1500 }),
    });
    const agent = createAgent({ gemini, model: MODEL, tools: [lookupTool()], plugins: [plugin] });
    await runBothWays(mode, agent, 'Weather?');
    const sent = JSON.stringify(responsesSent(gemini, 1));
    expect(sent).toContain('1500');
    expect(sent).not.toContain('undefined');
  });

  it('feeds a wrapToolCall error back to the model as the call failing, whatever was thrown', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('ok'),
    ]);
    const plugin = definePlugin({
      name: 'sandbox',
      wrapToolCall: async () => ({ type: 'error', error: new Error('sandbox refused the call') }),
    });
    const agent = createAgent({ gemini, model: MODEL, tools: [lookupTool()], plugins: [plugin] });
    const { result } = await runBothWays(mode, agent, 'Weather?');
    expect(result.text).toBe('ok');
    expect(responsesSent(gemini, 1)[0]?.['error']).toContain('sandbox refused the call');
  });

  it.each([
    ['a string', 'masked'],
    ['an object without result', { value: 'masked' }],
    [
      "a hand-off with contents (a turn's responses end the history)",
      { type: 'hand-off', to: {}, contents: [] },
    ],
  ])('refuses afterToolCall returning %s', async (_, value) => {
    const plugin = definePlugin({ name: 'masker', afterToolCall: () => value as never });
    const { error } = await pluginFailure(mode, plugin, [
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
    ]);
    expect(error).toMatchObject({ plugin: 'masker', hook: 'afterToolCall' });
  });

  it("sends a result an afterToolCall made that is not JSON as the call's error, not a crash", async () => {
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('ok'),
    ]);
    const plugin = definePlugin({ name: 'masker', afterToolCall: () => ({ result: () => 'fn' }) });
    const agent = createAgent({ gemini, model: MODEL, tools: [lookupTool()], plugins: [plugin] });
    const { result } = await runBothWays(mode, agent, 'Weather?');
    expect(result.text).toBe('ok');
    expect(String(responsesSent(gemini, 1)[0]?.['error'])).toContain('not JSON');
  });

  it('sends a bigint an afterToolCall made as its decimal digits, losing none', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('ok'),
    ]);
    const plugin = definePlugin({
      name: 'ids',
      afterToolCall: () => ({ result: 9_007_199_254_740_993n }),
    });
    const agent = createAgent({ gemini, model: MODEL, tools: [lookupTool()], plugins: [plugin] });
    await runBothWays(mode, agent, 'Weather?');
    expect(JSON.stringify(responsesSent(gemini, 1))).toContain('9007199254740993');
  });
});

describe.each(RUN_MODES)('the seam’s order and the run’s start and end (%s)', (mode) => {
  it('runs before-hooks in registration order and after-hooks in reverse, around one step', async () => {
    const order: string[] = [];
    const tracer = (name: string) =>
      definePlugin({
        name,
        startRun: () => {
          order.push(`${name}.startRun`);
        },
        beforeModelCall: () => {
          order.push(`${name}.beforeModelCall`);
        },
        wrapModelCall: async (call, next) => {
          order.push(`${name}.wrapModelCall in`);
          const step = await next(call);
          order.push(`${name}.wrapModelCall out`);
          return step;
        },
        afterModelCall: () => {
          order.push(`${name}.afterModelCall`);
        },
        afterAnswer: () => {
          order.push(`${name}.afterAnswer`);
        },
        endRun: () => {
          order.push(`${name}.endRun`);
        },
      });
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    const agent = createAgent({ gemini, model: MODEL, plugins: [tracer('a'), tracer('b')] });
    await runBothWays(mode, agent, 'Hi');
    expect(order).toEqual([
      'a.startRun',
      'b.startRun',
      'a.beforeModelCall',
      'b.beforeModelCall',
      'a.wrapModelCall in',
      'b.wrapModelCall in',
      'b.wrapModelCall out',
      'a.wrapModelCall out',
      'b.afterModelCall',
      'a.afterModelCall',
      'b.afterAnswer',
      'a.afterAnswer',
      'b.endRun',
      'a.endRun',
    ]);
  });

  it('runs the tool hooks of each call in the seam’s order, wrappers first-outermost', async () => {
    const order: string[] = [];
    const tracer = (name: string) =>
      definePlugin({
        name,
        beforeToolCall: () => {
          order.push(`${name}.before`);
        },
        wrapToolCall: async (_call, next) => {
          order.push(`${name}.wrap in`);
          const execution = await next();
          order.push(`${name}.wrap out`);
          return execution;
        },
        afterToolCall: () => {
          order.push(`${name}.after`);
        },
      });
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('ok'),
    ]);
    const seen: unknown[] = [];
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool(seen)],
      plugins: [tracer('a'), tracer('b')],
    });
    await runBothWays(mode, agent, 'Weather?');
    expect(order).toEqual([
      'a.before',
      'b.before',
      'a.wrap in',
      'b.wrap in',
      'b.wrap out',
      'a.wrap out',
      'b.after',
      'a.after',
    ]);
    expect(seen).toEqual(['Oslo']);
  });

  it('keeps the first finish when two plugins ask for one in the same step', async () => {
    const gemini = createScriptedGemini([callsTurn(['lookup', { city: 'Oslo' }, 'c1'])]);
    const first = definePlugin({
      name: 'first',
      afterModelCall: (_step, run) => run.finish('first reason'),
    });
    const second = definePlugin({
      name: 'second',
      afterModelCall: (_step, run) => run.finish('second reason'),
    });
    // afterModelCall runs in reverse: `second` asks first.
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool()],
      plugins: [first, second],
    });
    const { result } = await runBothWays(mode, agent, 'Weather?');
    expect(result.stoppedBy).toEqual({ plugin: 'second', reason: 'second reason' });
  });

  it('ends the plugins already started, with the error, when a later startRun fails', async () => {
    const log: string[] = [];
    const pool = definePlugin({
      name: 'pool',
      startRun: () => {
        log.push('pool opened');
        return { open: true };
      },
      endRun: (run, { error }) => {
        log.push(
          `pool closed (${error instanceof Error ? 'failed' : 'ok'}, was open: ${run.state.open})`,
        );
      },
    });
    const broken = definePlugin({
      name: 'broken',
      startRun: () => {
        throw new Error('no licence');
      },
      endRun: () => {
        log.push('broken ended');
      },
    });
    const after = definePlugin({
      name: 'after',
      startRun: () => {
        log.push('after started');
      },
      endRun: () => {
        log.push('after ended');
      },
    });
    const gemini = createScriptedGemini([textTurn('never')]);
    const agent = createAgent({ gemini, model: MODEL, plugins: [pool, broken, after] });
    const error = await rejectionOf(runBothWays(mode, agent, 'Hi'));
    expect(error).toMatchObject({ plugin: 'broken', hook: 'startRun' });
    expect(log).toEqual(['pool opened', 'pool closed (failed, was open: true)']);
    expect(gemini.calls).toHaveLength(0);
  });

  it('fails a run that succeeded when an endRun throws, naming the plugin', async () => {
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    const plugin = definePlugin({
      name: 'flusher',
      endRun: () => {
        throw new Error('could not flush');
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const error = await rejectionOf(runBothWays(mode, agent, 'Hi'));
    expect(error).toMatchObject({ plugin: 'flusher', hook: 'endRun' });
    expect((error as PluginError).detail).toBe('could not flush');
  });

  it('keeps the run’s own error when an endRun throws after it failed', async () => {
    const down = new Error('model down');
    const gemini = createScriptedGemini([{ error: down }]);
    const ended: unknown[] = [];
    const plugin = definePlugin({
      name: 'flusher',
      endRun: (_run, { error }) => {
        ended.push(error);
        throw new Error('could not flush');
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const error = await rejectionOf(runBothWays(mode, agent, 'Hi'));
    expect(PluginError.isInstance(error)).toBe(false);
    expect((error as Error).message).toContain('model down');
    expect(ended).toHaveLength(1);
  });

  it('gives every run its own state: two concurrent runs of one agent do not share it', async () => {
    const gemini = createScriptedGemini([textTurn('one'), textTurn('two')]);
    const states: { id: number; steps: number }[] = [];
    let next = 0;
    const plugin = definePlugin({
      name: 'per-run',
      startRun: () => ({ id: next++, steps: 0 }),
      beforeModelCall: (_call, run) => {
        run.state.steps++;
      },
      endRun: (run) => {
        states.push({ ...run.state });
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    await Promise.all([runBothWays(mode, agent, 'a'), runBothWays(mode, agent, 'b')]);
    expect(states.map((state) => state.id).sort()).toEqual([0, 1]);
    expect(states.every((state) => state.steps === 1)).toBe(true);
  });
});

describe('plugins given to a run', () => {
  it('refuses a run plugin whose name an agent plugin has, naming options.plugins', async () => {
    const gemini = createScriptedGemini([textTurn('never')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [definePlugin({ name: 'audit', beforeModelCall: () => undefined })],
    });
    const error = await rejectionOf(
      agent.run('Hi', { plugins: [definePlugin({ name: 'audit', afterAnswer: () => undefined })] }),
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    // The run's own first plugin: its index in the run's `plugins`, not in the joined list.
    expect((error as InvalidArgumentError).argument).toBe('options.plugins[0].name');
    expect(gemini.calls).toHaveLength(0);
  });

  it('runs a plugin given both to the agent and to the run once, where the agent put it', async () => {
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    let calls = 0;
    const plugin = definePlugin({
      name: 'once',
      beforeModelCall: () => {
        calls++;
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    await agent.run('Hi', { plugins: [plugin] });
    expect(calls).toBe(1);
  });
});
