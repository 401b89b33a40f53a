import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../agent-turns.ts';
import { createAgent } from '../create-agent.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import type { PluginHookName, PluginRun } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';
import { PluginError } from './plugin-error.ts';
import type { PluginHookRecorder } from './run-plugins.ts';

// The caller's abort ends the run as an abort, whatever a plugin hook is doing: a hook that
// stops on `run.signal` (as a well-made plugin does) is not blamed for it, and a hook that
// ignores the signal does not keep the aborted run waiting for ever.

const MODEL = 'gemini-2.5-flash';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks up.',
  parameters: z.object({}),
  execute: () => 'found',
});

/** The hooks a run meets, with where an abort inside each falls. */
const HOOKS: [Exclude<PluginHookName, 'endRun'>, AgentAbortedError['phase']][] = [
  ['startRun', 'between-steps'],
  ['beforeModelCall', 'model-call'],
  ['wrapModelCall', 'model-call'],
  ['afterModelCall', 'model-call'],
  ['afterAnswer', 'between-steps'],
  ['beforeToolCall', 'tool-calls'],
  ['wrapToolCall', 'tool-calls'],
  ['afterToolCall', 'tool-calls'],
];

/** The `PluginRun` among a hook's arguments (its last but one for wrappers, else its last). */
function runOf(args: unknown[]): PluginRun<unknown> {
  return args.find(
    (arg) => typeof arg === 'object' && arg !== null && 'signal' in arg && 'emit' in arg,
  ) as PluginRun<unknown>;
}

/**
 * A plugin whose `hook` aborts the run (as a caller would, from outside) and then waits: on the
 * signal when `polite`, for ever otherwise. Records what its `endRun` was told.
 */
function waitingPlugin(
  hook: PluginHookName,
  controller: AbortController,
  polite: boolean,
  ends: unknown[],
) {
  return definePlugin({
    name: 'waiting',
    endRun: (_run: PluginRun<unknown>, { error }: { readonly error?: unknown }) => {
      ends.push(error);
    },
    [hook]: (...args: unknown[]) => {
      const run = runOf(args);
      queueMicrotask(() => controller.abort(new Error('caller stopped')));
      return new Promise((_resolve, reject) => {
        if (polite) run.signal.addEventListener('abort', () => reject(run.signal.reason));
      });
    },
  } as never);
}

describe.each(RUN_MODES)('aborting a run while a plugin hook waits (%s)', (mode) => {
  it.each(HOOKS)(
    'ends in %s with an AgentAbortedError (%s), not a PluginError, when the hook stops on the signal',
    async (hook, phase) => {
      const controller = new AbortController();
      const ends: unknown[] = [];
      const gemini = createScriptedGemini([callsTurn(['lookup', {}, 'c1']), textTurn('Done.')]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [lookup],
        plugins: [waitingPlugin(hook, controller, true, ends)],
      });
      const error = await rejectionOf(
        runBothWays(mode, agent, 'Go.', { signal: controller.signal }),
      );
      expect(PluginError.isInstance(error)).toBe(false);
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      expect((error as AgentAbortedError).phase).toBe(phase);
      expect(((error as AgentAbortedError).cause as Error).message).toBe('caller stopped');
    },
  );

  it.each(HOOKS)(
    'ends in %s with an AgentAbortedError (%s) when the hook ignores the signal',
    async (hook, phase) => {
      const controller = new AbortController();
      const ends: unknown[] = [];
      const gemini = createScriptedGemini([callsTurn(['lookup', {}, 'c1']), textTurn('Done.')]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [lookup],
        plugins: [waitingPlugin(hook, controller, false, ends)],
      });
      const error = await rejectionOf(
        runBothWays(mode, agent, 'Go.', { signal: controller.signal }),
      );
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      expect((error as AgentAbortedError).phase).toBe(phase);
      // The history in the error is one a chat can go on from: every call answered.
      const contents = (error as AgentAbortedError).run.contents;
      const calls = contents.flatMap((content) =>
        content.parts.filter((part) => part.functionCall),
      );
      const answers = contents.flatMap((content) =>
        content.parts.filter((part) => part.functionResponse),
      );
      expect(answers).toHaveLength(calls.length);
      // A plugin that started is ended, told the run's error (its startRun never finished: not it).
      if (hook !== 'startRun') expect(ends).toEqual([error]);
    },
  );

  it('lets endRun finish its cleanup after an abort: it is not cut short', async () => {
    const controller = new AbortController();
    const flushed: string[] = [];
    const plugin = definePlugin({
      name: 'flusher',
      beforeModelCall: () => {
        controller.abort(new Error('caller stopped'));
      },
      endRun: async () => {
        await Promise.resolve();
        await Promise.resolve();
        flushed.push('flushed');
      },
    });
    const gemini = createScriptedGemini([textTurn('never')]);
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const error = await rejectionOf(runBothWays(mode, agent, 'Go.', { signal: controller.signal }));
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(flushed).toEqual(['flushed']);
    expect(gemini.calls).toHaveLength(0);
  });

  it('still blames the plugin for its own failure when nothing was aborted', async () => {
    const plugin = definePlugin({
      name: 'broken',
      afterModelCall: async (_step, run) => {
        await Promise.resolve();
        expect(run.signal.aborted).toBe(false);
        throw new Error('ledger offline');
      },
    });
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    const error = await rejectionOf(
      runBothWays(mode, createAgent({ gemini, model: MODEL, plugins: [plugin] }), 'Hi'),
    );
    expect(PluginError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ plugin: 'broken', hook: 'afterModelCall' });
  });
});

describe('aborting a run while a recorded hook waits', () => {
  it('ends the run at once, and the recorder keeps the abort, not the late value', async () => {
    const controller = new AbortController();
    let release: (() => void) | undefined;
    const plugin = definePlugin({
      name: 'slow-verdict',
      recorded: ['beforeModelCall'],
      // A hook that ignores run.signal: it ends only when the test lets it.
      beforeModelCall: () => {
        queueMicrotask(() => controller.abort(new Error('caller stopped')));
        return new Promise<undefined>((resolve) => {
          release = () => resolve(undefined);
        });
      },
    });
    // A recorder that waits for the hook's whole call, as a durable step does, and keeps how it
    // ended (a value or a throw), as a step's record does.
    const kept: { value?: unknown; error?: unknown }[] = [];
    const record: PluginHookRecorder = async (_name, call) => {
      try {
        const value = await call();
        kept.push({ value });
        return value;
      } catch (error) {
        kept.push({ error });
        throw error;
      }
    };
    const gemini = createScriptedGemini([textTurn('never')]);
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const stream = agentTurnsOf(agent).stream(
      'Go.',
      { signal: controller.signal },
      undefined,
      undefined,
      record,
    );
    try {
      for await (const _event of stream);
    } catch {
      // the run's error is read from its result below
    }
    const error = await rejectionOf(stream.result);
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect((error as AgentAbortedError).phase).toBe('model-call');
    expect(gemini.calls).toHaveLength(0);
    // The step ended with the abort: a durable recorder keeps nothing of a cancelled run's call.
    expect(kept).toEqual([{ error: expect.objectContaining({ message: 'caller stopped' }) }]);
    // The abandoned hook ends later: nothing more is kept.
    release?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(kept).toHaveLength(1);
  });
});
