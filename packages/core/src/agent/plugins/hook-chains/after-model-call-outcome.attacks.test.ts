import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../../tools/define/define-tool.ts';
import { RUN_MODES, runBothWays } from '../../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../../create-agent.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';

// `afterModelCall` returns nothing (a finish goes through `run.finish`), but a third party's
// budget plugin written as its `beforeModelCall` is returned `{ type: 'finish', reason }` from
// it: the value was dropped without a word and the run went on calling the model and running
// its tools (run68). A step outcome returned there is now the hook's PluginError, saying what
// to call instead; any other value (an arrow function's `push` count) is left alone as before.

const MODEL = 'gemini-2.5-flash';
let looked = 0;
const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({}),
  execute: () => {
    looked++;
    return { found: true };
  },
});

async function outcome(mode: (typeof RUN_MODES)[number], returned: unknown) {
  looked = 0;
  const gemini = createScriptedGemini([callsTurn(['lookup', {}, 'c1']), textTurn('Done.')]);
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools: [lookup],
    plugins: [definePlugin({ name: 'budget', afterModelCall: () => returned as never })],
  });
  const ran = await runBothWays(mode, agent, 'Go.').then(
    ({ result }) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  return { ...ran, calls: gemini.calls.length, looked };
}

describe.each(RUN_MODES)('afterModelCall returning a step outcome (%s)', (mode) => {
  it.each([
    [{ type: 'finish', reason: 'over budget' }],
    [{ type: 'run-again', contents: [{ role: 'user', parts: [{ text: 'more' }] }] }],
    [{ type: 'hand-off', to: {} }],
  ])('%j: its PluginError naming run.finish, no tool run, no call more', async (returned) => {
    const { error, calls, looked } = await outcome(mode, returned);
    expect(PluginError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ plugin: 'budget', hook: 'afterModelCall' });
    expect((error as PluginError).detail).toContain('run.finish(reason)');
    expect(calls).toBe(1);
    expect(looked).toBe(0);
  });

  it('a value whose type cannot be read: its PluginError, not the trap’s words', async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap words');
        },
      },
    );
    const { error } = await outcome(mode, hostile);
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).detail).not.toContain('trap words');
  });

  it.each([[undefined], [3], ['counted'], [{ counted: 1 }], [{ type: 'log' }]])(
    '%j is no outcome: the run goes on as before',
    async (returned) => {
      const { result, calls, looked } = await outcome(mode, returned);
      expect(result?.text).toBe('Done.');
      expect(calls).toBe(2);
      expect(looked).toBe(1);
    },
  );
});
