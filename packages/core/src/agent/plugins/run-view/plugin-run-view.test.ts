import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatSession } from '../../../chat/create-chat-session.ts';
import { subagent } from '../../../composition/subagent.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import type { Content } from '../../../wire/content.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../../agent-event.ts';
import { createAgent } from '../../create-agent.ts';
import type { PluginRun } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';

// What a plugin sees of its run (`PluginRun`): facts that are true at the moment a hook reads
// them, and three ways to act (emit, finish, addInput) that take only what they may.

const MODEL = 'gemini-2.5-flash';

const echo = defineTool({
  name: 'echo',
  description: 'Echoes.',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => text,
});

type Snapshot = {
  hook: string;
  agentName: string;
  model: string;
  path: string;
  streaming: boolean;
  conversationId: string | undefined;
  contents: number;
  lastRole: string | undefined;
  steps: number;
  totalTokens: number;
};

function snapshot(hook: string, run: PluginRun<unknown>): Snapshot {
  return {
    hook,
    agentName: run.agentName,
    model: run.model,
    path: run.path.join('/'),
    streaming: run.streaming,
    conversationId: run.conversationId,
    contents: run.contents.length,
    lastRole: run.contents.at(-1)?.role,
    steps: run.steps.length,
    totalTokens: run.usage.totalTokenCount ?? 0,
  };
}

/** A plugin that writes down what its run looks like at each hook. */
function observer(seen: Snapshot[]) {
  return definePlugin({
    name: 'observer',
    inherit: true,
    startRun: (run) => {
      seen.push(snapshot('startRun', run));
    },
    beforeModelCall: (_call, run) => {
      seen.push(snapshot('beforeModelCall', run));
    },
    afterModelCall: (_step, run) => {
      seen.push(snapshot('afterModelCall', run));
    },
    afterToolCall: (_result, run) => {
      seen.push(snapshot('afterToolCall', run));
    },
    endRun: (run) => {
      seen.push(snapshot('endRun', run));
    },
  });
}

describe.each(RUN_MODES)('what a plugin reads of its run (%s)', (mode) => {
  it('sees the history, steps and usage grow as the run goes', async () => {
    const seen: Snapshot[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['echo', { text: 'a' }, 'c1']),
      textTurn('Done.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      name: 'helper',
      tools: [echo],
      plugins: [observer(seen)],
    });
    await runBothWays(mode, agent, 'Echo a.');
    const streaming = mode === 'stream';
    const base = {
      agentName: 'helper',
      model: MODEL,
      path: '',
      streaming,
      conversationId: undefined,
    };
    expect(seen).toEqual([
      { ...base, hook: 'startRun', contents: 1, lastRole: 'user', steps: 0, totalTokens: 0 },
      { ...base, hook: 'beforeModelCall', contents: 1, lastRole: 'user', steps: 0, totalTokens: 0 },
      // The step in flight is the hook's argument: counted in usage, not yet a step of the run.
      { ...base, hook: 'afterModelCall', contents: 1, lastRole: 'user', steps: 0, totalTokens: 15 },
      // Its calls run once its turn is in the history; the step is the run's once they are answered.
      { ...base, hook: 'afterToolCall', contents: 2, lastRole: 'model', steps: 0, totalTokens: 15 },
      {
        ...base,
        hook: 'beforeModelCall',
        contents: 3,
        lastRole: 'user',
        steps: 1,
        totalTokens: 15,
      },
      { ...base, hook: 'afterModelCall', contents: 3, lastRole: 'user', steps: 1, totalTokens: 30 },
      { ...base, hook: 'endRun', contents: 4, lastRole: 'model', steps: 2, totalTokens: 30 },
    ]);
  });

  it("names an agent without a name 'agent'", async () => {
    const seen: Snapshot[] = [];
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    await runBothWays(mode, createAgent({ gemini, model: MODEL, plugins: [observer(seen)] }), 'Hi');
    expect(seen[0]?.agentName).toBe('agent');
  });

  it('sees a subagent’s run with its own name, path and history', async () => {
    const seen: Snapshot[] = [];
    const child = createAgent({
      gemini: createScriptedGemini([textTurn('Child answer.')]),
      model: 'gemini-2.5-pro',
      name: 'researcher',
    });
    const gemini = createScriptedGemini([
      callsTurn(['research', { task: 'dig' }, 'p1']),
      textTurn('Parent done.'),
    ]);
    const parent = createAgent({
      gemini,
      model: MODEL,
      name: 'lead',
      tools: [subagent(child, { name: 'research', description: 'Researches.' })],
      plugins: [observer(seen)],
    });
    await runBothWays(mode, parent, 'Go.');
    const childStart = seen.find((entry) => entry.hook === 'startRun' && entry.path !== '');
    expect(childStart).toMatchObject({
      agentName: 'researcher',
      model: 'gemini-2.5-pro',
      path: 'research#1',
      contents: 1,
      steps: 0,
    });
    // The child's usage is its own; the parent's does not include it while the child runs.
    const childEnd = seen.find((entry) => entry.hook === 'endRun' && entry.path !== '');
    expect(childEnd?.totalTokens).toBe(15);
  });

  it('gives the run’s signal: it is aborted when the caller aborts the run', async () => {
    const controller = new AbortController();
    let signal: AbortSignal | undefined;
    const plugin = definePlugin({
      name: 'watcher',
      beforeModelCall: (_call, run) => {
        signal = run.signal;
        expect(run.signal.aborted).toBe(false);
        controller.abort(new Error('stop'));
      },
    });
    const gemini = createScriptedGemini([{ hang: true }]);
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    await rejectionOf(runBothWays(mode, agent, 'Hi', { signal: controller.signal }));
    expect(signal?.aborted).toBe(true);
  });
});

describe('what a plugin reads of a chat turn', () => {
  it('sees the session’s id as conversationId on every send', async () => {
    const seen: Snapshot[] = [];
    const gemini = createScriptedGemini([textTurn('One.'), textTurn('Two.')]);
    const agent = createAgent({ gemini, model: MODEL, plugins: [observer(seen)] });
    const chat = createChatSession({ agent, id: 'user-42' });
    await chat.send('First.');
    await chat.send('Second.');
    const starts = seen.filter((entry) => entry.hook === 'startRun');
    expect(starts.map((entry) => [entry.conversationId, entry.contents])).toEqual([
      ['user-42', 1],
      ['user-42', 3],
    ]);
  });
});

describe.each(RUN_MODES)('run.emit (%s)', (mode) => {
  it('emits a plugin event with the step it was made in, a kind made a string, data left out when none', async () => {
    const plugin = definePlugin({
      name: 'reporter',
      beforeModelCall: (_call, run) => {
        run.emit(42 as unknown as string);
      },
      afterModelCall: (_step, run) => {
        run.emit('counted', { tokens: 15 });
      },
    });
    const gemini = createScriptedGemini([
      callsTurn(['echo', { text: 'a' }, 'c1']),
      textTurn('Done.'),
    ]);
    const agent = createAgent({ gemini, model: MODEL, tools: [echo], plugins: [plugin] });
    const { events } = await runBothWays(mode, agent, 'Go.');
    if (mode === 'run') return;
    const emitted = events.filter((event) => event.type === 'plugin');
    expect(emitted).toEqual([
      { type: 'plugin', path: [], plugin: 'reporter', kind: '42', stepNumber: 1 },
      {
        type: 'plugin',
        path: [],
        plugin: 'reporter',
        kind: 'counted',
        stepNumber: 1,
        data: { tokens: 15 },
      },
      { type: 'plugin', path: [], plugin: 'reporter', kind: '42', stepNumber: 2 },
      {
        type: 'plugin',
        path: [],
        plugin: 'reporter',
        kind: 'counted',
        stepNumber: 2,
        data: { tokens: 15 },
      },
    ]);
  });

  it('does not break the run when the data cannot be serialised (a cycle, a bigint)', async () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const plugin = definePlugin({
      name: 'reporter',
      afterModelCall: (_step, run) => {
        run.emit('cycle', cyclic);
        run.emit('big', { n: 10n });
      },
    });
    const gemini = createScriptedGemini([textTurn('Done.')]);
    const { result, events } = await runBothWays(
      mode,
      createAgent({ gemini, model: MODEL, plugins: [plugin] }),
      'Go.',
    );
    expect(result.text).toBe('Done.');
    if (mode === 'stream')
      expect(
        events
          .filter((event) => event.type === 'plugin')
          .map((event) => (event as { kind: string }).kind),
      ).toEqual(['cycle', 'big']);
  });

  it('reaches an observer of a unary run too', async () => {
    const kinds: string[] = [];
    const plugin = definePlugin({
      name: 'reporter',
      afterModelCall: (_step, run) => run.emit('seen'),
    });
    const gemini = createScriptedGemini([textTurn('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [plugin],
      recorder: {
        startRun: () => ({
          event: (event: AgentEvent) => {
            if (event.type === 'plugin') kinds.push(event.kind);
          },
          end: () => {},
        }),
      } as never,
    });
    await runBothWays(mode, agent, 'Go.');
    expect(kinds).toEqual(['seen']);
  });
});

describe.each(RUN_MODES)('run.addInput (%s)', (mode) => {
  it('adds user contents to the history to stay, and the model is called with them', async () => {
    const gemini = createScriptedGemini([textTurn('Draft.'), textTurn('Final.')]);
    let added: readonly Content[] | undefined;
    let asked = 0;
    const plugin = definePlugin({
      name: 'follow-up',
      afterAnswer: async (_answer, run) => {
        if (asked++ > 0) return;
        added = await run.addInput([{ role: 'user', parts: [{ text: 'Shorter, please.' }] }]);
        return { type: 'run-again', contents: [] };
      },
    });
    const { result } = await runBothWays(
      mode,
      createAgent({ gemini, model: MODEL, plugins: [plugin] }),
      'Write.',
    );
    expect(added).toEqual([{ role: 'user', parts: [{ text: 'Shorter, please.' }] }]);
    expect(gemini.contentsOf(1).at(-1)).toEqual({
      role: 'user',
      parts: [{ text: 'Shorter, please.' }],
    });
    expect(result.text).toBe('Final.');
    expect(result.contents.map((content) => content.role)).toEqual([
      'user',
      'model',
      'user',
      'model',
    ]);
  });

  it.each([
    ['a string (it would join one content per character)', 'Shorter.'],
    ['a list holding null', [null]],
    ['a model turn', [{ role: 'model', parts: [{ text: 'I said so.' }] }]],
    ['a content without parts', [{ role: 'user', text: 'hi' }]],
  ])(
    'refuses %s: nothing joins, the run ends with a PluginError naming the hook',
    async (_, value) => {
      const gemini = createScriptedGemini([textTurn('Draft.'), textTurn('never')]);
      const plugin = definePlugin({
        name: 'follow-up',
        afterAnswer: async (_answer, run) => {
          await run.addInput(value as never);
          return { type: 'run-again', contents: [] };
        },
      });
      const error = await rejectionOf(
        runBothWays(mode, createAgent({ gemini, model: MODEL, plugins: [plugin] }), 'Write.'),
      );
      expect(PluginError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ plugin: 'follow-up', hook: 'afterAnswer' });
      expect((error as PluginError).detail).toContain('run.addInput()');
      expect((error as PluginError).run.contents).toHaveLength(2);
      expect(gemini.calls).toHaveLength(1);
    },
  );

  it('takes an empty list: nothing joins', async () => {
    const gemini = createScriptedGemini([textTurn('Only.')]);
    let added: readonly Content[] | undefined;
    const plugin = definePlugin({
      name: 'noop',
      afterAnswer: async (_answer, run) => {
        added = await run.addInput([]);
      },
    });
    const { result } = await runBothWays(
      mode,
      createAgent({ gemini, model: MODEL, plugins: [plugin] }),
      'Hi',
    );
    expect(added).toEqual([]);
    expect(result.contents).toHaveLength(2);
  });
});
