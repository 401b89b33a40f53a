import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { AgentResult } from '../../run/agent-result.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Content } from '../../wire/content.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent-event.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';
import { PluginError } from './plugin-error.ts';

const MODEL = 'gemini-2.5-flash';

/** A tool that records what it was called with. */
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

type Mode = 'run' | 'stream';

/** Runs the agent one way or the other; the events too when streamed. */
async function runIn(
  mode: Mode,
  agent: ReturnType<typeof createAgent>,
  input: string,
  options: Parameters<ReturnType<typeof createAgent>['run']>[1] = {},
): Promise<{ result: AgentResult<unknown>; events: AgentEvent[] }> {
  if (mode === 'run') return { result: await agent.run(input, options), events: [] };
  const stream = agent.stream(input, options);
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event as AgentEvent);
  return { result: await stream.result, events };
}

/** The functionResponse parts of a content. */
function responsesOf(content: Content | undefined): Record<string, unknown>[] {
  return (content?.parts ?? []).flatMap((part) =>
    part.functionResponse === undefined
      ? []
      : [part.functionResponse.response as Record<string, unknown>],
  );
}

describe.each<Mode>(['run', 'stream'])('the plugin seam (%s)', (mode) => {
  it('sends what beforeModelCall returns, for that call only: the history keeps its own', async () => {
    const gemini = createScriptedGemini([textTurn('Noted.')]);
    const reminder: Content = {
      role: 'user',
      parts: [{ text: 'Remember: the user likes Lisbon.' }],
    };
    const memory = definePlugin({
      name: 'memory',
      beforeModelCall: (call) => ({ contents: [reminder, ...call.contents] }),
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [memory] });
    const { result } = await runIn(mode, agent, 'Where should I go?');
    expect(gemini.contentsOf(0)).toEqual([
      reminder,
      { role: 'user', parts: [{ text: 'Where should I go?' }] },
    ]);
    expect(result.contents).toHaveLength(2);
    expect(JSON.stringify(result.contents)).not.toContain('Lisbon');
  });

  it('ends the run before the call when beforeModelCall says finish: no model call, the reason kept', async () => {
    const gemini = createScriptedGemini([]);
    const gate = definePlugin({
      name: 'gate',
      beforeModelCall: () => ({ type: 'finish', reason: 'out of credits' }),
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [gate] });
    const { result } = await runIn(mode, agent, 'Hi');
    expect(gemini.calls).toHaveLength(0);
    expect(result.finishReason).toBe('plugin');
    expect(result.stoppedBy).toEqual({ plugin: 'gate', reason: 'out of credits' });
  });

  it('nests wrapModelCall with the first plugin outermost, and lets a wrapper call the model twice', async () => {
    const gemini = createScriptedGemini([textTurn('first'), textTurn('second')]);
    const order: string[] = [];
    const outer = definePlugin({
      name: 'outer',
      async wrapModelCall(call, next) {
        order.push('outer in');
        await next(call);
        const step = await next(call);
        order.push('outer out');
        return step;
      },
    });
    const inner = definePlugin({
      name: 'inner',
      async wrapModelCall(call, next) {
        order.push('inner in');
        const step = await next(call);
        order.push('inner out');
        return step;
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [outer, inner] });
    const { result } = await runIn(mode, agent, 'Hi');
    expect(order).toEqual([
      'outer in',
      'inner in',
      'inner out',
      'inner in',
      'inner out',
      'outer out',
    ]);
    expect(gemini.calls).toHaveLength(2);
    expect(result.text).toBe('second');
  });

  it('answers the calls of a turn "not run" when a plugin ends the run after the model call', async () => {
    const seen: unknown[] = [];
    const gemini = createScriptedGemini([callsTurn(['lookup', { city: 'Oslo' }, 'c1'])]);
    const stopper = definePlugin({
      name: 'loop-guard',
      afterModelCall: (step, run) => {
        if (step.toolCalls.length > 0 || step.content?.parts.some((part) => part.functionCall))
          run.finish('the same call again');
      },
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool(seen)],
      plugins: [stopper],
    });
    const { result } = await runIn(mode, agent, 'Weather?');
    expect(seen).toEqual([]);
    expect(result.finishReason).toBe('plugin');
    expect(result.stoppedBy).toEqual({ plugin: 'loop-guard', reason: 'the same call again' });
    // The history stays valid: every call answered, so a chat can go on from it.
    const last = result.contents.at(-1);
    expect(last?.role).toBe('user');
    expect(JSON.stringify(responsesOf(last))).toContain(
      'Not run: the run was ended by plugin \\"loop-guard\\"',
    );
  });

  it('runs again with what afterAnswer appends, then ends with the next answer', async () => {
    const gemini = createScriptedGemini([textTurn('Draft.'), textTurn('Final.')]);
    let asked = 0;
    const critic = definePlugin({
      name: 'critic',
      afterAnswer: ({ text }) =>
        asked++ === 0 && text === 'Draft.'
          ? {
              type: 'run-again',
              contents: [{ role: 'user', parts: [{ text: 'Shorter, please.' }] }],
            }
          : undefined,
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [critic] });
    const { result, events } = await runIn(mode, agent, 'Write.');
    expect(result.text).toBe('Final.');
    expect(result.finishReason).toBe('stop');
    expect(gemini.contentsOf(1).at(-1)).toEqual({
      role: 'user',
      parts: [{ text: 'Shorter, please.' }],
    });
    if (mode === 'stream')
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'plugin', plugin: 'critic', kind: 'run-again', path: [] }),
      );
  });

  it('restores arguments in beforeToolCall: the tool gets them, the history keeps what the model sent', async () => {
    const seen: unknown[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: '[CITY_1]' }, 'c1']),
      textTurn('Done.'),
    ]);
    const unmask = definePlugin({
      name: 'unmask',
      beforeToolCall: (call) =>
        call.args['city'] === '[CITY_1]' ? { type: 'args', args: { city: 'Porto' } } : undefined,
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool(seen)],
      plugins: [unmask],
    });
    const { result } = await runIn(mode, agent, 'Weather in [CITY_1]?');
    expect(seen).toEqual(['Porto']);
    expect(JSON.stringify(result.contents[1])).toContain('[CITY_1]');
  });

  it('answers a call from beforeToolCall without running the tool, or denies it', async () => {
    const seen: unknown[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1'], ['lookup', { city: 'Rome' }, 'c2']),
      textTurn('Done.'),
    ]);
    const cache = definePlugin({
      name: 'cache',
      beforeToolCall: (call) =>
        call.args['city'] === 'Oslo'
          ? { type: 'result', result: { city: 'Oslo', temperature: 3, cached: true } }
          : { type: 'deny', message: 'Rome is not allowed.' },
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool(seen)],
      plugins: [cache],
    });
    const { result } = await runIn(mode, agent, 'Weather?');
    expect(seen).toEqual([]);
    const [oslo, rome] = responsesOf(result.contents[2]);
    expect(oslo).toEqual({ city: 'Oslo', temperature: 3, cached: true });
    expect(JSON.stringify(rome)).toContain('Rome is not allowed.');
  });

  it('wraps execute (a wrapper may answer without it) and lets afterToolCall change what the model gets, last plugin first', async () => {
    const seen: unknown[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1'], ['lookup', { city: 'Rome' }, 'c2']),
      textTurn('Done.'),
    ]);
    const order: string[] = [];
    const wrapper = definePlugin({
      name: 'wrapper',
      wrapToolCall: async (call, next) =>
        call.args['city'] === 'Rome'
          ? { type: 'value', value: { city: 'Rome', fromWrapper: true } }
          : next(),
      afterToolCall: ({ result }) => {
        order.push('wrapper');
        return { result: { ...(result as object), seenBy: 'wrapper' } };
      },
    });
    const last = definePlugin({
      name: 'last',
      afterToolCall: ({ result }) => {
        order.push('last');
        return { result: { ...(result as object), first: 'last' } };
      },
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool(seen)],
      plugins: [wrapper, last],
    });
    const { result } = await runIn(mode, agent, 'Weather?');
    expect(seen).toEqual(['Oslo']);
    const [oslo, rome] = responsesOf(result.contents[2]);
    expect(oslo).toEqual({ city: 'Oslo', temperature: 21, first: 'last', seenBy: 'wrapper' });
    expect(rome).toEqual({ city: 'Rome', fromWrapper: true, first: 'last', seenBy: 'wrapper' });
    expect(order).toEqual(['last', 'wrapper', 'last', 'wrapper']);
  });

  it('keeps a state per run from startRun, and calls endRun however the run ended', async () => {
    const ends: { calls: number; error?: string }[] = [];
    const counter = definePlugin({
      name: 'counter',
      startRun: () => ({ calls: 0 }),
      beforeToolCall: (_call, run) => {
        run.state.calls++;
      },
      endRun: (run, { error }) => {
        ends.push(
          error === undefined
            ? { calls: run.state.calls }
            : { calls: run.state.calls, error: String(error) },
        );
      },
    });
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('Done.'),
      { error: new Error('down') },
    ]);
    const agent = createAgent({ gemini, model: MODEL, tools: [lookupTool()], plugins: [counter] });
    await runIn(mode, agent, 'Weather?');
    await expect(runIn(mode, agent, 'Again?')).rejects.toThrow();
    expect(ends[0]).toEqual({ calls: 1 });
    expect(ends[1]?.calls).toBe(0);
    expect(ends[1]?.error).toBeDefined();
  });

  it('emits a plugin event with its path and step, and the run option adds plugins after the agent', async () => {
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    const order: string[] = [];
    const agentPlugin = definePlugin({
      name: 'agent-plugin',
      beforeModelCall: (_call, run) => {
        order.push('agent');
        run.emit('looked', { at: 'model' });
      },
    });
    const runPlugin = definePlugin({
      name: 'run-plugin',
      beforeModelCall: () => {
        order.push('run');
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [agentPlugin] });
    const { events } = await runIn(mode, agent, 'Hi', { plugins: [runPlugin] });
    expect(order).toEqual(['agent', 'run']);
    if (mode === 'stream')
      expect(events).toContainEqual({
        type: 'plugin',
        path: [],
        plugin: 'agent-plugin',
        kind: 'looked',
        stepNumber: 1,
        data: { at: 'model' },
      });
  });

  it('ends the run with a PluginError naming the plugin and hook when a hook throws, history consistent', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1'], ['lookup', { city: 'Rome' }, 'c2']),
    ]);
    const broken = definePlugin({
      name: 'broken',
      afterToolCall: ({ args }) => {
        if (args['city'] === 'Rome') throw new Error('mask table missing');
      },
    });
    const agent = createAgent({ gemini, model: MODEL, tools: [lookupTool()], plugins: [broken] });
    const error = await runIn(mode, agent, 'Weather?').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(PluginError.isInstance(error)).toBe(true);
    const failed = error as PluginError;
    expect(failed).toMatchObject({ plugin: 'broken', hook: 'afterToolCall' });
    expect(failed.message).toContain('mask table missing');
    // Both calls answered before the run ended.
    expect(responsesOf(failed.run.contents.at(-1))).toHaveLength(2);
  });

  it('applies a plugin with inherit: true to the subagents of the run, with a state of their own', async () => {
    const { subagent } = await import('../../composition/subagent.ts');
    const seen: string[] = [];
    const audit = definePlugin({
      name: 'audit',
      inherit: true,
      beforeToolCall: (call, run) => {
        seen.push(`${run.path.join('/') || 'top'}:${call.toolName}`);
      },
    });
    const childGemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'k1']),
      textTurn('Oslo is cold.'),
    ]);
    const child = createAgent({
      gemini: childGemini,
      model: MODEL,
      name: 'researcher',
      tools: [lookupTool()],
    });
    const gemini = createScriptedGemini([
      callsTurn(['researcher', { task: 'Oslo?' }, 'p1']),
      textTurn('Cold.'),
    ]);
    const parent = createAgent({
      gemini,
      model: MODEL,
      tools: [subagent(child, { name: 'researcher', description: 'Researches.' })],
      plugins: [audit],
    });
    await runIn(mode, parent, 'Oslo?');
    expect(seen).toEqual(['top:researcher', 'researcher#1:lookup']);
  });
});

describe('plugins in a chat session', () => {
  it("applies the session plugins to every send, streamed or not, after the agent's, with a state per send", async () => {
    const { createChatSession } = await import('../../chat/create-chat-session.ts');
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('Cold.'),
      callsTurn(['lookup', { city: 'Rome' }, 'c2']),
      textTurn('Warm.'),
    ]);
    const order: string[] = [];
    const agentPlugin = definePlugin({
      name: 'agent-plugin',
      beforeToolCall: () => {
        order.push('agent');
      },
    });
    const masked = definePlugin({
      name: 'session-mask',
      startRun: () => ({ masked: 0 }),
      afterToolCall: ({ result }, run) => {
        run.state.masked++;
        order.push(`session ${run.state.masked}`);
        return { result: { ...(result as object), city: '[CITY]' } };
      },
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool()],
      plugins: [agentPlugin],
    });
    const chat = createChatSession({ agent, plugins: [masked] });
    await chat.send('Oslo?');
    const stream = chat.sendStream('Rome?');
    for await (const _event of stream);
    const second = await stream.result;
    expect(order).toEqual(['agent', 'session 1', 'agent', 'session 1']);
    expect(JSON.stringify(gemini.contentsOf(1))).toContain('[CITY]');
    expect(responsesOf(second.contents.at(-2))).toEqual([{ city: '[CITY]', temperature: 21 }]);
  });
});

describe('a plugin written as a class', () => {
  it('keeps its methods (hooks on the prototype) and their this', async () => {
    class Counter implements AgentPlugin<undefined> {
      readonly name = 'counter';
      calls = 0;
      beforeToolCall(): undefined {
        this.calls++;
        return undefined;
      }
    }
    const counter = new Counter();
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('Done.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookupTool()],
      plugins: [definePlugin(counter)],
    });
    await agent.run('Weather?');
    expect(counter.calls).toBe(1);
  });
});

describe('the plugins option', () => {
  const gemini = createScriptedGemini([]);
  const made = (plugin: object) => definePlugin(plugin as AgentPlugin);
  const cases: [string, unknown, string, RegExp][] = [
    ['not an array', made({ name: 'x' }), 'plugins', /must be an array of plugins/],
    ['not an object', [42], 'plugins[0]', /must be a plugin made by definePlugin\(\)/],
    [
      'a plain object (not made by definePlugin)',
      [{ name: 'a' }],
      'plugins[0]',
      /must be a plugin made by definePlugin\(\)/,
    ],
    ['no name', [made({ beforeToolCall() {} })], 'plugins[0].name', /non-empty string/],
    [
      'a name used twice',
      [made({ name: 'a' }), made({ name: 'a' })],
      'plugins[1].name',
      /two plugins are named "a": plugins\[0\] and plugins\[1\]/,
    ],
    [
      'a hook that is not a function',
      [made({ name: 'a', afterAnswer: 'yes' })],
      'plugins[0].afterAnswer',
      /must be a function/,
    ],
    [
      'a misspelt hook',
      [made({ name: 'a', beforeToolcall() {} })],
      'plugins[0].beforeToolcall',
      /did you mean beforeToolCall/,
    ],
    [
      'a recorded hook it lacks',
      [made({ name: 'a', recorded: ['afterAnswer'] })],
      'plugins[0].recorded',
      /does not have/,
    ],
    [
      'a recordedState that is not a boolean',
      [made({ name: 'a', recordedState: 'yes' })],
      'plugins[0].recordedState',
      /must be true or false/,
    ],
  ];
  it.each(cases)('refuses %s, naming it', (_case, plugins, argument, message) => {
    let thrown: unknown;
    try {
      createAgent({ gemini, model: MODEL, plugins: plugins as AgentPlugin[] });
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe(argument);
    expect((thrown as Error).message).toMatch(message);
  });

  it('refuses bad run plugins when the run starts', async () => {
    const agent = createAgent({ gemini: createScriptedGemini([]), model: MODEL });
    await expect(agent.run('Hi', { plugins: [definePlugin({ name: '' })] })).rejects.toThrow(
      /options\.plugins\[0\]\.name must be a non-empty string/,
    );
  });
});
