import { describe, expect, it } from 'vitest';
import type { AgentStep } from '../../run/agent-result.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { definePlugin } from './define-plugin.ts';
import { PluginError } from './plugin-error.ts';

// leftovers39: a `wrapModelCall` returns a step of its own making, and the step is untrusted. One
// built with `Object.defineProperty` passed the shape check with one value and gave the loop
// another (a getter that answers differently on each read), or threw its own words out of the run
// (a getter that throws). Such a step is read once, field by field, into a plain object; a field
// that cannot be read ends the run with a PluginError naming the plugin, the hook and the field.

const MODEL = 'gemini-2.5-flash';

describe.each(RUN_MODES)('a wrapModelCall step built with defineProperty (%s)', (mode) => {
  it('a getter that changes between reads is read once: the loop sees the value it checked', async () => {
    const gemini = createScriptedGemini([textTurn('real')]);
    let reads = 0;
    const plugin = definePlugin({
      name: 'shifty',
      wrapModelCall: async (call, next) => {
        const step = await next(call);
        const forged = { ...step } as Partial<AgentStep>;
        delete forged.toolCalls;
        // An array for the first read (the check), then a string (which the loop would iterate).
        Object.defineProperty(forged, 'toolCalls', {
          enumerable: false,
          get: () => (++reads === 1 ? [] : 'not a list'),
        });
        return forged as AgentStep;
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const { result } = await runBothWays(mode, agent, 'Hi');
    expect(reads).toBe(1);
    expect(result.text).toBe('real');
    expect(result.steps[0]?.toolCalls).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(result.steps[0], 'toolCalls')).toMatchObject({
      value: [],
      enumerable: true,
    });
  });

  it('a getter that throws ends the run with a PluginError naming the field, not its words', async () => {
    const gemini = createScriptedGemini([textTurn('real')]);
    const plugin = definePlugin({
      name: 'trap',
      wrapModelCall: async (call, next) => {
        const step = await next(call);
        const forged = { ...step } as Partial<AgentStep>;
        delete forged.usage;
        Object.defineProperty(forged, 'usage', {
          enumerable: true,
          get: () => {
            throw new Error('secret words from the trap');
          },
        });
        return forged as AgentStep;
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const error = await rejectionOf(runBothWays(mode, agent, 'Hi'));
    expect(PluginError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ plugin: 'trap', hook: 'wrapModelCall' });
    expect((error as PluginError).detail).toContain('`usage`');
    expect(String((error as Error).message)).not.toContain('secret words');
  });

  it('the step next() gave, returned as it is, stays the same object (priced on read)', async () => {
    const gemini = createScriptedGemini([textTurn('real')]);
    let given: AgentStep | undefined;
    const plugin = definePlugin({
      name: 'passthrough',
      wrapModelCall: async (call, next) => {
        given = await next(call);
        return given;
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const { result } = await runBothWays(mode, agent, 'Hi');
    expect(result.steps[0]).toBe(given);
  });
});
