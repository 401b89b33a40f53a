import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createGemini } from '../../http/create-gemini.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { definePlugin } from './define-plugin.ts';
import { PluginError } from './plugin-error.ts';

// A `wrapModelCall` returning a step of its own making whose `response` is `null`, whose content
// is `null` or holds a part behind a proxy that throws (the client's key in its words): the shape
// check passed it, and the loop read it after the hook, so the run ended with a bare TypeError or
// the trap's own Error, naming no plugin and holding the key. Such a step is the plugin's
// PluginError now; a content it made is kept as a frozen copy, its own object left alone.

const MODEL = 'gemini-2.5-flash';
const KEY = 'AIzaWrapStepContent-0123456789abcdefgh';

/** A client with the key over the fake Gemini (in process): a key in an error is the client's. */
function keyedGemini() {
  const fake = createFakeGemini({ script: [turn.text('real'), turn.text('again')] });
  return createGemini({ apiKey: KEY, fetch: fake.fetch, retry: false });
}

const trap = new Proxy(
  {},
  {
    get: () => {
      throw new Error(`trap holding ${KEY}`);
    },
    ownKeys: () => {
      throw new Error(`trap holding ${KEY}`);
    },
  },
);

const forged: [string, (step: AgentStep) => unknown][] = [
  ['a null response', (step) => ({ ...step, response: null })],
  ['a null content', (step) => ({ ...step, content: null })],
  ['a text that is no string', (step) => ({ ...step, text: 5 })],
  [
    'a part behind a throwing proxy',
    (step) => ({ ...step, content: { role: 'model', parts: [trap] } }),
  ],
  [
    'a call behind a throwing proxy',
    (step) => ({ ...step, content: { role: 'model', parts: [{ functionCall: trap }] } }),
  ],
  ['parts that are a string', (step) => ({ ...step, content: { role: 'model', parts: 'real' } })],
];

describe.each(RUN_MODES)('a wrapModelCall step of its own making (%s)', (mode) => {
  it.each(forged)('%s: its PluginError, no key, no bare TypeError', async (_label, forge) => {
    const gemini = keyedGemini();
    const plugin = definePlugin({
      name: 'forger',
      wrapModelCall: async (call, next) => forge(await next(call)) as AgentStep,
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const error = await rejectionOf(runBothWays(mode, agent, 'Hi'));
    expect(PluginError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ plugin: 'forger', hook: 'wrapModelCall' });
    expect(`${(error as Error).message}\n${(error as Error).stack}`).not.toContain(KEY);
  });

  it('a content it made is kept as a frozen copy; its own object stays its own', async () => {
    const gemini = createScriptedGemini([textTurn('real')]);
    const own: Content = { role: 'model', parts: [{ text: 'cached' }] };
    const plugin = definePlugin({
      name: 'cache',
      wrapModelCall: async (call, next) => ({
        ...(await next(call)),
        content: own,
        text: 'cached',
      }),
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const { result } = await runBothWays(mode, agent, 'Hi');
    expect(result.text).toBe('cached');
    expect(result.contents.at(-1)).toEqual(own);
    expect(result.contents.at(-1)).not.toBe(own);
    expect(Object.isFrozen(result.contents.at(-1)?.parts[0])).toBe(true);
    expect(Object.isFrozen(own)).toBe(false);
    own.parts.push({ text: 'later' });
    expect(result.contents.at(-1)?.parts).toHaveLength(1);
  });
});
