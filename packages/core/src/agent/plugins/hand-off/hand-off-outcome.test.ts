import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../../create-agent.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';

// What the seam checks of a `{ type: 'hand-off' }` a hook returns (a plugin's value is
// untrusted): a bad one ends the run with a PluginError naming the plugin and the hook.

const MODEL = 'gemini-2.5-flash';
const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({}),
  execute: () => ({ found: true }),
});

async function failure(hook: 'afterAnswer' | 'afterToolCall', value: unknown): Promise<unknown> {
  const receiver = createAgent({
    gemini: createScriptedGemini([textTurn('Not reached.')]),
    model: MODEL,
    name: 'receiver',
  });
  const agent = createAgent({
    gemini: createScriptedGemini([callsTurn(['lookup', {}, 'c1']), textTurn('Done.')]),
    model: MODEL,
    name: 'sender',
    tools: [lookup],
    plugins: [
      definePlugin({
        name: 'bad-hand-off',
        [hook]: () =>
          typeof value === 'function' ? (value as (to: unknown) => unknown)(receiver) : value,
      }),
    ],
  });
  return agent.run('Go.').catch((caught: unknown) => caught);
}

describe('a hand-off a hook returns, checked', () => {
  it.each([
    ['afterToolCall', { type: 'hand-off' }, /needs `to`/],
    ['afterAnswer', { type: 'hand-off', to: 'billing' }, /needs `to`/],
    [
      'afterToolCall',
      (to: unknown) => ({ type: 'hand-off', to, contents: [{ role: 'user', parts: [] }] }),
      /takes no `contents`/,
    ],
    [
      'afterAnswer',
      (to: unknown) => ({ type: 'hand-off', to, contents: [{ role: 'model', parts: [] }] }),
      /must be user contents/,
    ],
    [
      'afterAnswer',
      (to: unknown) => ({ type: 'hand-off', to, filter: 'all' }),
      /must be a function/,
    ],
    ['afterAnswer', (to: unknown) => ({ type: 'hand-off', to, name: '' }), /non-empty string/],
  ] as const)('%s: %j ends the run with a PluginError', async (hook, value, message) => {
    const error = await failure(hook, value);
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).plugin).toBe('bad-hand-off');
    expect((error as PluginError).hook).toBe(hook);
    expect((error as PluginError).message).toMatch(message);
    // The run's history stays consistent: every call answered.
    const contents = (error as PluginError).run?.contents ?? [];
    const calls = contents.flatMap((content) => content.parts.filter((part) => part.functionCall));
    const answers = contents.flatMap((content) =>
      content.parts.filter((part) => part.functionResponse),
    );
    expect(answers.length).toBe(calls.length);
  });

  it('hands off from afterToolCall to an agent that is not one createAgent made: a PluginError once the turn is answered', async () => {
    const error = await failure('afterToolCall', () => ({
      type: 'hand-off',
      to: { run: async () => ({}) },
    }));
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).hook).toBe('afterToolCall');
    expect((error as PluginError).message).toMatch(/not an agent made by createAgent/);
  });
});
